"""Statements of reasons (moderators), an author's one appeal (public, by a mailed link), the appeals queue."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commentariat.core import text
from commentariat.discussion.exceptions import StateConflict
from commentariat.discussion.models import Comment

from .. import appeals
from ..exceptions import ClaimedByOther
from ..models import Statement
from .common import staff_view


class StatementForm(forms.Form):
    rule = forms.CharField(max_length=300, label="Rule broken")
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Explanation")


class AppealForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, label="Why should it stay?")


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("uphold", "Keep it removed"), ("reinstate", "Reinstate the comment")])
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    seen_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


@require_POST
@staff_view()
def statement_send(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    form = StatementForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A statement of reasons needs the rule and an explanation.")
    else:
        try:
            appeals.send_statement(comment=comment, rule=text.clean_line(form.cleaned_data["rule"]),
                                   explanation=text.clean_text(form.cleaned_data["explanation"]), by=request.user)  # fmt: skip
        except appeals.AppealRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Statement of reasons sent to the author, with a link to appeal once.")
    return redirect("moderation:comment-detail", pk=pk)


@staff_view()
def appeals_queue(request):
    return render(request, "moderation/appeals.html",
                  {"appeals": appeals.open_appeals(), "form": AppealDecisionForm()})  # fmt: skip


@require_POST
@staff_view()
def appeal_decide(request, pk):
    statement = get_object_or_404(Statement, pk=pk)
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        try:
            appeals.decide_appeal(statement=statement, reinstate=form.cleaned_data["outcome"] == "reinstate",
                                  note=text.clean_text(form.cleaned_data["note"]), by=request.user,
                                  seen_version=form.cleaned_data["seen_version"])  # fmt: skip
        except (appeals.AppealRefused, StateConflict, ClaimedByOther) as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Appeal decided; the author is told by mail.")
    else:
        messages.error(request, "Choose to keep the comment removed or to reinstate it.")
    return redirect("moderation:appeals")


@never_cache
def appeal(request, token):
    statement = appeals.statement_from_token(token)
    if statement is None:
        return render(request, "moderation/appeal.html", {"invalid": True}, status=400)
    form = AppealForm(request.POST or None)
    refusal, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            statement = appeals.appeal(statement=statement, text=text.clean_text(form.cleaned_data["text"]))
        except appeals.AppealRefused as refused:
            refusal, status = str(refused), 409
    elif request.method == "POST":
        status = 400
    return render(request, "moderation/appeal.html",
                  {"statement": statement, "form": form, "refusal": refusal}, status=status)  # fmt: skip
