"""The moderation queue: which comments, in which order, with the claims on them."""

import ipaddress

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from commentariat.core import clock
from commentariat.discussion.models import Comment

from .models import Claim, Report


def queue_comments(
    *, status: str = "pending", post: int | None = None, reason: str = "", commenter: str = "", q: str = "",
    reported: str = "",
) -> QuerySet:
    """Comments for the queue, in order of need.

    The default queue holds comments awaiting review and comments readers reported (whatever
    their status) that no moderator has decided since. Order: the open reports' total weight
    first, then comments the filter thinks fine before likely spam (a real reader is waiting),
    then oldest first. Other statuses: pending first, then newest first.
    """
    open_reports = _open_reports()
    weight = open_reports.order_by().values("comment").annotate(total=Sum("weight")).values("total")
    comments = Comment.objects.select_related("post", "parent", "user").annotate(
        report_weight=Coalesce(Subquery(weight), 0)
    )
    if status == "pending" or not status:
        comments = comments.filter(
            Q(status=Comment.Status.PENDING) | Q(Exists(open_reports), status=Comment.Status.APPROVED)
        )
    elif status != "all":
        comments = comments.filter(status=status)
    if reported == "any":
        comments = comments.filter(Exists(open_reports))
    elif reported:
        comments = comments.filter(Exists(open_reports.filter(reason=reported)))
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
        likely_spam = Case(When(spam_score__gte=0.5, then=Value(1)), default=Value(0), output_field=IntegerField())
        return comments.order_by("-report_weight", likely_spam, "created_at", "pk")
    pending_first = Case(
        When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return comments.order_by("-report_weight", pending_first, "-created_at", "-pk")


def reported_count() -> int:
    """Published comments with reports no moderator has answered yet."""
    return Comment.objects.filter(Exists(_open_reports()), status=Comment.Status.APPROVED).count()


def _open_reports():
    """A comment's reports no moderator has answered. Only a published comment's count: once its
    author deleted it or it left the thread another way, there is nothing left to act on (and
    "approve" would publish it again)."""
    return Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)


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
