from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from commentariat.discussion.exceptions import StateConflict
from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post

from . import digest, refusals, services
from .exceptions import ClaimedByOther, NothingToUndo
from .forms import (
    BulkDecisionForm,
    DecisionForm,
    EditCommentForm,
    NoteForm,
    PolicyForm,
    QueueFilterForm,
    ReplyForm,
    SanctionForm,
    ThreadForm,
)
from .history import commenter_histories
from .models import DigestSubscriber, ModerationAction, ModerationPolicy, Sanction
from .queue import active_claims, pending_count, queue_comments

PAGE_SIZE = 50


def staff_view(permission="moderation.moderate_comments"):
    """Login, the role's permission, and a page no search engine indexes."""

    def decorator(view):
        @login_required
        @permission_required(permission, raise_exception=True)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["X-Robots-Tag"] = "noindex, nofollow"
            response["Cache-Control"] = "private, no-store"
            return response

        return wrapped

    return decorator


@staff_view()
def queue(request):
    filters = QueueFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    page = Paginator(queue_comments(**{k: v for k, v in values.items() if v}), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    comments = list(page.object_list)
    return render(
        request,
        "moderation/queue.html",
        {
            "filters": filters,
            "page_obj": page,
            "items": _items(comments, request.user),
            "pending_count": pending_count(),
            "decision_form": DecisionForm(),
            "digest_subscribed": DigestSubscriber.objects.filter(user=request.user).exists(),
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
    return render(
        request,
        "moderation/comment_detail.html",
        {
            "item": _items([comment], request.user)[0],
            "actions": actions,
            "edit_form": EditCommentForm(initial={"body": comment.body}),
            "reply_form": ReplyForm(),
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
        return _conflict(request, comment, form, str(conflict))
    return _answer(
        request,
        ok=True,
        message=f"Comment {comment.number or comment.pk}: {action.get_kind_display()}.",
        status_label=comment.get_status_display(),
        status=200,
        undo_url=reverse("moderation:action-undo", args=[action.pk]),
        version=comment.state_version,
    )


def _conflict(request, comment, form, message: str):
    """The comment changed since the moderator's page was loaded: say how, and offer to decide anyway."""
    comment.refresh_from_db()
    if _wants_json(request):
        return JsonResponse(
            {"ok": False, "conflict": True, "message": message, "status_label": comment.get_status_display(),
             "version": comment.state_version},
            status=409,
        )  # fmt: skip
    context = {"comment": comment, "message": message, "decision": form.cleaned_data["decision"],
               "reason": form.cleaned_data["reason"], "next": request.POST.get("next", "")}  # fmt: skip
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
    return _answer(request, ok=True, message="Undone.", status_label=comment.get_status_display(), status=200)


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


@staff_view()
def audit_log(request):
    actions = ModerationAction.objects.select_related("actor", "comment", "post")
    kind, actor = request.GET.get("kind", ""), request.GET.get("actor", "")
    if kind:
        actions = actions.filter(kind=kind)
    if actor == "system":
        actions = actions.filter(actor__isnull=True)
    elif actor:
        actions = actions.filter(actor__username=actor)
    if subject := request.GET.get("subject", "").strip():
        actions = actions.filter(subject__icontains=subject)
    page = Paginator(actions, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/audit_log.html",
        {
            "page_obj": page,
            "kinds": ModerationAction.Kind.choices,
            "kind": kind,
            "actor": actor,
            "subject": request.GET.get("subject", ""),
        },
    )


@staff_view()
def thread_settings(request, pk):
    """A post's discussion: open or closed, its moderation mode, and a public note to its readers."""
    post = get_object_or_404(Post, pk=pk)
    form = ThreadForm(request.POST or None, instance=Post.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        action = services.update_thread(post=post, changes=changes, by=request.user,
                                        reason=form.cleaned_data["reason"])  # fmt: skip
        messages.success(request, "Thread settings saved." if action else "Nothing changed.")
        return redirect("moderation:thread", pk=pk)
    return render(request, "moderation/thread_settings.html", {"post": post, "form": form})


@staff_view()
def refused_comments(request):
    """How often each rule refused a comment before it was stored, per day, with the latest examples."""
    return render(
        request, "moderation/refusals.html", {"days": refusals.summary(), "kept": refusals.RETENTION_DAYS}
    )


@staff_view("moderation.change_policy")
def policy_edit(request):
    policy = ModerationPolicy.current()
    # The form gets its own copy: validating a ModelForm writes onto its instance, and the
    # service needs the stored values to log each field's before and after.
    form = PolicyForm(request.POST or None, instance=ModerationPolicy.current())
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        action = services.update_policy(
            policy=policy, changes=changes, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Policy saved." if action else "Nothing changed.")
        return redirect("moderation:policy")
    return render(request, "moderation/policy.html", {"form": form})


def _items(comments, user) -> list[dict]:
    histories = commenter_histories(comments)
    claims = active_claims(c.pk for c in comments)
    return [
        {
            "comment": c,
            "history": histories[c.author_email.lower()],
            "claim": claims.get(c.pk),
            "claimed_by_other": c.pk in claims and claims[c.pk].moderator_id != user.pk,
        }
        for c in comments
    ]


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _answer(request, *, ok: bool, message: str, status: int, **extra):
    """JSON for the keyboard-driven queue; a redirect with a message for plain forms."""
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message, **extra}, status=status)
    (messages.success if ok else messages.error)(request, message)
    return _redirect_back(request)


def _redirect_back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("moderation:queue")
    return redirect(target)


def _commenter_url(email: str) -> str:
    return f"{reverse('moderation:commenter')}?{urlencode({'email': email})}"


def _ids(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",") if part.isdigit()][:200]


@require_POST
@staff_view()
def digest_toggle(request):
    """Ask for (or stop) the queue by email."""
    subscribed = DigestSubscriber.objects.filter(user=request.user)
    if subscribed.exists():
        subscribed.delete()
    else:
        DigestSubscriber.objects.create(user=request.user)
    return redirect("moderation:queue")


def digest_link(request, token):
    """An approve or spam link from a digest: a page with a button, then the decision."""
    link = digest.link_from_token(token)
    if link is None:
        return render(request, "moderation/digest_link.html", {"message": "This link is not valid, or has expired."},
                      status=400)  # fmt: skip
    if request.method == "POST":
        return render(
            request, "moderation/digest_link.html", {"message": digest.use_link(link), "link": link}
        )
    return render(request, "moderation/digest_link.html", {"link": link, "ask": True})
