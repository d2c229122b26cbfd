"""A commenter's history, notes and sanctions."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commentariat.discussion.models import Comment

from .. import services
from ..forms import (
    NoteForm,
    SanctionForm,
)
from ..history import commenter_histories
from ..models import Sanction
from .common import _commenter_url, staff_view


@staff_view()
def commenter_detail(request):
    email = request.GET.get("email", "").strip()
    comments = list(
        Comment.objects.filter(author_email__iexact=email).select_related("post").order_by("-created_at")
    )
    if not email or not comments:
        return render(
            request, "moderation/commenter_detail.html", {"email": email, "missing": True}, status=404
        )
    latest = comments[0]
    sanction_form = SanctionForm(initial={"match_ip": latest.ip_address or ""})
    return render(
        request,
        "moderation/commenter_detail.html",
        {
            "email": email,
            "comments": comments,
            "latest": latest,
            "history": commenter_histories([latest])[email.lower()],
            "sanctions": Sanction.objects.filter(email__iexact=email),
            "note_form": NoteForm(),
            "sanction_form": sanction_form,
        },
    )


@require_POST
@staff_view()
def commenter_note(request):
    email = request.POST.get("email", "")
    form = NoteForm(request.POST)
    if form.is_valid() and email:
        services.add_note(email=email, body=form.cleaned_data["body"], by=request.user)
        messages.success(request, "Note added.")
    else:
        messages.error(request, "Write a note first.")
    return redirect(_commenter_url(email))


@require_POST
@staff_view()
def commenter_sanction(request):
    email = request.POST.get("email", "")
    latest = Comment.objects.filter(author_email__iexact=email).order_by("-created_at").first()
    form = SanctionForm(request.POST)
    if latest is None or not form.is_valid():
        errors = form.errors.as_text() if latest else "Unknown commenter."
        messages.error(request, f"Nothing was changed. {errors}")
        return redirect(_commenter_url(email))
    data = form.cleaned_data
    services.sanction_commenter(
        kind=data["kind"],
        by=request.user,
        reason=data["reason"],
        email=email if data["match_email"] else "",
        ip_network=data["match_ip"],
        name=latest.author_name if data["match_name"] else "",
        expires_at=form.expires_at(),
        remove_everything=data["remove_everything"],
    )
    messages.success(request, "Sanction in force.")
    return redirect(_commenter_url(email))


@require_POST
@staff_view()
def sanction_revoke(request, pk):
    sanction = get_object_or_404(Sanction, pk=pk, revoked_at__isnull=True)
    services.revoke_sanction(sanction=sanction, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, "Sanction lifted.")
    return redirect(_commenter_url(sanction.email) if sanction.email else reverse("moderation:queue"))
