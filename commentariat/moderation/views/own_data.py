"""A commenter's own comments: ask for a mailed link, then download or erase them (own_data.py)."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from commentariat.core.net import client_ip

from .. import own_data


class AskForm(forms.Form):
    email = forms.EmailField(label="The email address you comment with")


@never_cache
def ask(request):
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            own_data.ask_for_link(email=form.cleaned_data["email"], ip=client_ip(request))
        except own_data.TooManyRequests:
            return render(request, "moderation/own_data_ask.html",
                          {"form": form, "refusal": "Too many requests for now. Please try again tomorrow."},
                          status=429)  # fmt: skip
        return render(request, "moderation/own_data_sent.html", {"days": own_data.LINK_DAYS})
    return render(request, "moderation/own_data_ask.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def link(request, token):
    email = own_data.email_from_token(token)
    if email is None:
        return render(request, "moderation/own_data_link.html", {"invalid": True}, status=400)
    action = request.POST.get("action", "")
    if request.method == "POST" and action in ("json", "csv"):
        content = own_data.export(email, action)
        kind = "application/json" if action == "json" else "text/csv"
        response = HttpResponse(content, content_type=f"{kind}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="my-comments.{action}"'
        return response
    erased = None
    error = ""
    if request.method == "POST" and action == "erase":
        if request.POST.get("confirm") == "yes":
            erased = own_data.erase(email)
        else:
            error = "Tick the box to confirm that the comments should be erased."
    comments = list(own_data.comments_of(email).order_by("-created_at")[:200])
    context = {"email": email, "comments": comments, "count": own_data.comments_of(email).count(),
               "erased": erased, "error": error}  # fmt: skip
    return render(request, "moderation/own_data_link.html", context, status=400 if error else 200)
