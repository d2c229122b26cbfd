"""The moderation queue: which comments, in which order, with the claims on them."""

import ipaddress

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from commentariat.core import clock
from commentariat.discussion.models import Comment

from .models import Claim


def queue_comments(
    *, status: str = "pending", post: int | None = None, reason: str = "", commenter: str = "", q: str = ""
) -> QuerySet:
    """Comments for the queue: pending first and oldest first; other statuses newest first."""
    comments = Comment.objects.select_related("post", "parent", "user")
    if status and status != "all":
        comments = comments.filter(status=status)
    if post:
        comments = comments.filter(post_id=post)
    if reason:
        comments = comments.filter(status_reason__icontains=reason)
    if commenter:
        match = Q(author_name__icontains=commenter) | Q(author_email__iexact=commenter)
        if _is_ip(commenter):
            match |= Q(ip_address=commenter)
        comments = comments.filter(match)
    if q:
        comments = comments.filter(body__icontains=q)
    if status == "pending" or not status:
        return comments.order_by("created_at", "pk")
    pending_first = Case(
        When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return comments.order_by(pending_first, "-created_at", "-pk")


def active_claims(comment_ids) -> dict[int, Claim]:
    now = clock.now()
    claims = Claim.objects.filter(comment_id__in=list(comment_ids), expires_at__gt=now).select_related(
        "moderator"
    )
    return {claim.comment_id: claim for claim in claims}


def pending_count() -> int:
    return Comment.objects.filter(status=Comment.Status.PENDING).count()


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
