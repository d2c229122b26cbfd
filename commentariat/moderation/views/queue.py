"""The queue and the decisions made in it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commentariat.discussion.exceptions import StateConflict
from commentariat.discussion.models import Comment

from .. import services
from ..exceptions import ClaimedByOther, NothingToUndo
from ..forms import (
    BulkDecisionForm,
    DecisionForm,
    EditCommentForm,
    QueueFilterForm,
    ReplyForm,
    ShortcutsForm,
)
from ..appeals import may_send_statement
from ..live_queue import latest_report_id
from ..models import DigestSubscriber, ModerationAction, ModeratorPreferences
from ..queue import active_claims, pending_count, queue_comments, reported_count
from .appeals import StatementForm
from .common import PAGE_SIZE, _answer, _ids, _items, _redirect_back, _wants_json, staff_view


@staff_view()
def queue(request):
    filters = QueueFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    page = Paginator(queue_comments(**{k: v for k, v in values.items() if v}), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    comments = list(page.object_list)
    preferences = ModeratorPreferences.for_user(request.user)
    return render(
        request,
        "moderation/queue.html",
        {
            "filters": filters,
            "page_obj": page,
            "items": _items(comments, request.user),
            "pending_count": pending_count(),
            "reported_count": reported_count(),
            "live_updates": settings.COMMENTARIAT["LIVE_UPDATES"],
            "live_across_servers": bool(settings.COMMENTARIAT.get("LIVE_REDIS_URL")),
            "latest_report": latest_report_id(),
            "queue_poll_seconds": settings.COMMENTARIAT["QUEUE_POLL_SECONDS"],
            "decision_form": DecisionForm(),
            "digest_subscribed": DigestSubscriber.objects.filter(user=request.user).exists(),
            "shortcuts": preferences.shortcuts,
            "keys": preferences.key_labels(),
            "shortcuts_form": ShortcutsForm(instance=preferences),
        },
    )


@staff_view()
def comment_detail(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post", "parent"), pk=pk)
    try:
        services.claim_comment(comment=comment, by=request.user)
    except ClaimedByOther as error:
        messages.warning(request, str(error))
    actions = ModerationAction.objects.filter(comment=comment).select_related("actor")
    preferences = ModeratorPreferences.for_user(request.user)
    return render(
        request,
        "moderation/comment_detail.html",
        {
            "item": _items([comment], request.user)[0],
            "actions": actions,
            "edit_form": EditCommentForm(initial={"body": comment.body}),
            "reply_form": ReplyForm(),
            "shortcuts": preferences.shortcuts,
            "keys": preferences.key_labels(),
            "may_send_statement": may_send_statement(comment),
            "statements": list(comment.statements.all()),
            "statement_form": StatementForm(),
        },
    )


@require_POST
@staff_view()
def comment_decide(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _answer(request, ok=False, message="Unknown decision.", status=400)
    try:
        action = services.decide_comment(comment=comment, by=request.user, **form.decide_arguments())
    except ClaimedByOther as error:
        return _answer(request, ok=False, message=str(error), status=409)
    except StateConflict as conflict:
        return _conflict(request, comment, form, str(conflict), forceable=conflict.forceable)
    return _answer(
        request,
        ok=True,
        message=f"Comment {comment.number or comment.pk}: {action.get_kind_display()}.",
        status_label=comment.get_status_display(),
        status=200,
        undo_url=reverse("moderation:action-undo", args=[action.pk]),
        version=comment.state_version,
    )


def _conflict(request, comment, form, message: str, *, forceable: bool = True):
    """The comment changed since the moderator's page was loaded: say how, and offer to decide anyway
    (unless its author erased or deleted it: then no decision of that kind can be made)."""
    comment.refresh_from_db()
    if _wants_json(request):
        return JsonResponse(
            {"ok": False, "conflict": forceable, "final": not forceable, "message": message, "status_label": comment.get_status_display(),
             "version": comment.state_version},
            status=409,
        )  # fmt: skip
    context = {"comment": comment, "message": message, "decision": form.cleaned_data["decision"],
               "reason": form.cleaned_data["reason"], "next": request.POST.get("next", ""),
               "forceable": forceable}  # fmt: skip
    return render(request, "moderation/decision_conflict.html", context, status=409)


@require_POST
@staff_view()
def action_undo(request, pk):
    action = get_object_or_404(ModerationAction, pk=pk)
    try:
        services.undo_action(action=action, by=request.user)
    except NothingToUndo as error:
        return _answer(request, ok=False, message=str(error), status=409)
    comment = Comment.objects.get(pk=action.comment_id)
    return _answer(request, ok=True, message="Undone.", status_label=comment.get_status_display(),
                   version=comment.state_version, status=200)  # fmt: skip


@require_POST
@staff_view()
def comment_claim(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    try:
        claim = services.claim_comment(comment=comment, by=request.user)
    except ClaimedByOther as error:
        return JsonResponse({"ok": False, "message": str(error)}, status=409)
    return JsonResponse({"ok": True, "expires_at": claim.expires_at.isoformat()})


@staff_view()
def claims(request):
    """Who is working on what right now, for the queue page to show without reloading."""
    mine = request.user.pk
    return JsonResponse(
        {
            "claims": {
                str(comment_id): claim.moderator.get_full_name() or claim.moderator.get_username()
                for comment_id, claim in active_claims(_ids(request.GET.get("ids", ""))).items()
                if claim.moderator_id != mine
            }
        }
    )


@require_POST
@staff_view()
def bulk_decide(request):
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(msg for errors in form.errors.values() for msg in errors))
        return _redirect_back(request)
    done, skipped = 0, []
    for comment in form.cleaned_data["ids"]:
        try:
            services.decide_comment(
                comment=comment,
                decision=form.cleaned_data["decision"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                seen_version=form.seen_version(comment),
            )
            done += 1
        except ClaimedByOther as error:
            skipped.append(str(error))
        except StateConflict as conflict:
            skipped.append(f"Comment {comment.number or comment.pk}: {conflict}")
    messages.success(
        request, f"{done} comment(s) updated." + (f" Skipped: {' '.join(skipped)}" if skipped else "")
    )
    return _redirect_back(request)


@staff_view()
def comment_edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    form = EditCommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(
                comment=comment,
                body=form.cleaned_data["body"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (ClaimedByOther, ValidationError) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, "Comment edited; the old text is in the log.")
            return redirect("moderation:comment-detail", pk=pk)
    return render(request, "moderation/comment_edit.html", {"comment": comment, "form": form})


@staff_view()
def comment_reply(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk, status=Comment.Status.APPROVED)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reply = services.reply_as_moderator(comment=comment, body=form.cleaned_data["body"], by=request.user)
        messages.success(request, f"Reply published as {reply.number}.")
        return redirect(reply.get_absolute_url())
    return render(request, "moderation/comment_reply.html", {"comment": comment, "form": form})


@staff_view()
def comment_pick(request, pk):
    """GET: the comment and a button; POST: make it an editors' pick, or no longer."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if request.method == "POST":
        picked = request.POST.get("picked") == "1"
        try:
            services.pick_comment(comment=comment, picked=picked, by=request.user)
        except ValueError as error:
            messages.error(request, str(error))
            return redirect("moderation:comment-detail", pk=pk)
        return redirect(comment.get_absolute_url())
    return render(request, "moderation/comment_pick.html", {"comment": comment})
