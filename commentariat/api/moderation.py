"""The queue, decisions and bans, for staff with a token."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.security import HttpBearer

from commentariat.discussion.exceptions import StateConflict
from commentariat.discussion.models import Comment
from commentariat.moderation.dashboard import moderation_numbers
from commentariat.moderation.exceptions import ClaimedByOther
from commentariat.moderation.queue import queue_comments
from commentariat.moderation.reports import open_reports_by_comment
from commentariat.moderation.services import decide_comment, sanction_commenter

from .common import error_body, field_errors
from .models import ApiToken
from .schemas import BanIn, BanOut, DashboardOut, DecisionIn, DecisionOut, ErrorOut, QueueItemOut


class StaffToken(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active or not found.user.is_staff:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


router = Router(tags=["moderation"], auth=StaffToken())


def _may_moderate(user) -> bool:
    return user.has_perm("moderation.moderate_comments")


def _forbidden():
    return Status(403, error_body("forbidden", "Moderators only."))


@router.get(
    "/queue",
    response={200: list[QueueItemOut], 403: ErrorOut},
    summary="The moderation queue, in the web queue's order of need",
    description="Comments awaiting review and published comments readers reported (open reports), "
    "ordered as /moderation/ orders them: open reports' weight, then comments the filter thinks fine, "
    "then oldest first.",
)
def queue(request, limit: int = Query(50, ge=1, le=200)):
    if not _may_moderate(request.auth):
        return _forbidden()
    comments = list(queue_comments()[:limit])
    reports = open_reports_by_comment(c.pk for c in comments)
    return Status(
        200,
        [
            {
                "id": c.pk,
                "post_id": c.post_id,
                "post_title": c.post.title,
                "status": c.status,
                "status_reason": c.status_reason,
                "spam_score": c.spam_score,
                "author_name": c.author_name,
                "author_email": c.author_email,
                "author_url": c.author_url,
                "ip_address": c.ip_address,
                "body": c.body,
                "created_at": c.created_at,
                "version": c.state_version,
                "report_weight": sum(r.weight for r in reports.get(c.pk, [])),
                "reports": [{"reason": r.reason, "explanation": r.explanation, "created_at": r.created_at}
                            for r in reports.get(c.pk, [])],
            }  # fmt: skip
            for c in comments
        ],
    )


@router.post(
    "/comments/{comment_id}/decision",
    response={200: DecisionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 415: ErrorOut},
    summary="Approve, mark as spam, remove or hold a comment",
)
def decide(request, comment_id: int, payload: DecisionIn):
    if not _may_moderate(request.auth):
        return _forbidden()
    comment = get_object_or_404(Comment, pk=comment_id)
    try:
        action = decide_comment(
            comment=comment, decision=payload.decision, by=request.auth, reason=payload.reason,
            seen_version=payload.seen_version, force=payload.force,
        )  # fmt: skip
    except ClaimedByOther as claimed:
        return Status(409, error_body("claimed", str(claimed)))
    except StateConflict as conflict:
        advice = " Send force: true to decide anyway." if conflict.forceable else ""
        return Status(409, error_body("conflict", f"{conflict}{advice}"))
    return Status(200, {"id": comment.pk, "status": comment.status, "action_id": action.pk,
                        "version": comment.state_version})  # fmt: skip


@router.post(
    "/bans",
    response={201: BanOut, 403: ErrorOut, 415: ErrorOut, 422: ErrorOut},
    summary="Ban, suspend or always hold a commenter",
)
def ban(request, payload: BanIn):
    if not _may_moderate(request.auth):
        return _forbidden()
    if not (payload.email or payload.ip_network or payload.name):
        message = "Name an email, an IP address or network, or a name."
        return Status(422, error_body("invalid", message))
    expires_at = timezone.now() + timedelta(days=payload.days) if payload.days else None
    try:
        sanction = sanction_commenter(
            kind=payload.kind, by=request.auth, reason=payload.reason, email=payload.email,
            ip_network=payload.ip_network, name=payload.name, expires_at=expires_at,
        )  # fmt: skip
    except ValidationError as invalid:
        return Status(422, error_body("invalid", " ".join(invalid.messages), field_errors(invalid)))
    return Status(201, {"id": sanction.pk, "kind": sanction.kind, "email": sanction.email,
                        "ip_network": sanction.ip_network, "name": sanction.name,
                        "expires_at": sanction.expires_at})  # fmt: skip


@router.get(
    "/dashboard",
    response={200: DashboardOut, 403: ErrorOut},
    summary="The moderation dashboard's numbers over the last 30 days",
)
def dashboard(request):
    if not _may_moderate(request.auth):
        return _forbidden()
    return Status(200, moderation_numbers())
