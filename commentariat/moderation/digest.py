"""The queue by email for moderators who ask for it, with approve and spam links.

Each link is signed, names one comment, one decision and one moderator, and works once; it
opens a page with a button (so that a mail scanner fetching links decides nothing), and the
decision is made as that moderator through the same service as the queue.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commentariat.core.links import site_url
from commentariat.core.markup import html_to_text
from commentariat.discussion.exceptions import StateConflict
from commentariat.discussion.models import Comment

from .exceptions import ClaimedByOther
from .models import DigestLink, DigestSubscriber
from .queue import queue_comments
from .reports import open_reports_by_comment
from .services import decide_comment

_SALT = "commentariat.moderation.digest"
LINK_MAX_AGE = 3 * 86400
DIGEST_ITEMS = 25


def link_token(link: DigestLink) -> str:
    return signing.dumps(str(link.pk), salt=_SALT)


def link_from_token(token: str) -> DigestLink | None:
    try:
        pk = signing.loads(token, salt=_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return DigestLink.objects.select_related("comment__post", "user").filter(pk=pk).first()


def use_link(link: DigestLink) -> str:
    """Decide as the link says; returns what happened, in words for the moderator."""
    if link.used_at is not None:
        return "This link was already used."
    if not link.user.is_active or not link.user.has_perm("moderation.moderate_comments"):
        return "You can no longer moderate."
    if (
        link.seen_version is None and link.comment.status != Comment.Status.PENDING
    ):  # links sent before versions
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        return f"Someone already decided: the comment is {link.comment.get_status_display().lower()}."
    try:
        # The link acts on the comment as the digest showed it: if anyone decided meanwhile (another
        # moderator's link clicked at the same moment included), it records nothing.
        decide_comment(comment=link.comment, decision=link.decision, by=link.user,
                       reason="From the email digest", seen_version=link.seen_version)  # fmt: skip
    except StateConflict as conflict:
        message = f"Nothing was changed: {conflict}"
    except ClaimedByOther as claimed:
        return f"Nothing was changed: {claimed}"
    else:
        message = DECISION_WORDS.get(link.decision, "Done.")
    # This moderator's links for the comment are spent; another moderator's link answers, when
    # used, who decided meanwhile (its version no longer matches).
    DigestLink.objects.filter(comment=link.comment, user=link.user, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    return message


# The two links of an item: a held comment is approved or marked spam; a published comment readers
# reported is kept (which closes the reports) or removed.
_HELD_LINKS = (("approve", "Approve"), ("spam", "Spam"))
_REPORTED_LINKS = (("approve", "Keep"), ("remove", "Remove"))
DECISION_WORDS = {"approve": "Approved.", "spam": "Marked as spam.", "remove": "Removed."}


def question(link: DigestLink) -> str:
    """What the link's page asks before deciding: Approve, Keep, Remove or Mark as spam."""
    if link.decision == "approve":
        return "Keep" if link.comment.status == Comment.Status.APPROVED else "Approve"
    return {"spam": "Mark as spam", "remove": "Remove"}.get(link.decision, link.decision)


def send_digests() -> int:
    """One email per subscribed moderator while comments wait or stand reported; returns how many
    were sent. The items are the queue's own, in its order of need (reports first)."""
    waiting = queue_comments()
    chosen = list(waiting[:DIGEST_ITEMS])
    if not chosen:
        return 0
    total = waiting.count()
    reports = open_reports_by_comment([comment.pk for comment in chosen])
    sent = 0
    for subscriber in DigestSubscriber.objects.select_related("user"):
        user = subscriber.user
        if not user.email or not user.is_active or not user.has_perm("moderation.moderate_comments"):
            continue
        items = [_item(comment, user, reports.get(comment.pk, [])) for comment in chosen]
        context = {"items": items, "total": total, "site_name": settings.COMMENTARIAT["SITE_NAME"],
                   "queue_url": site_url(reverse("moderation:queue"))}  # fmt: skip
        message = EmailMultiAlternatives(
            subject=f"{total} comment{'s' if total != 1 else ''} waiting on {settings.COMMENTARIAT['SITE_NAME']}",
            body=render_to_string("moderation/email/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        message.attach_alternative(render_to_string("moderation/email/digest.html", context), "text/html")
        message.send()
        sent += 1
    return sent


def _item(comment: Comment, user, open_reports: list) -> dict:
    reported = comment.status == Comment.Status.APPROVED  # in the queue because readers reported it
    if reported:
        reasons = sorted({report.get_reason_display() for report in open_reports})
        why = "reported: " + ", ".join(reasons)
    else:
        why = comment.status_reason or "held"
    return {
        "comment": comment,
        "why": why,
        "excerpt": html_to_text(comment.body_html)[:400],
        "links": [(label, _url(_link(comment, user, decision)))
                  for decision, label in (_REPORTED_LINKS if reported else _HELD_LINKS)],  # fmt: skip
    }


def _link(comment: Comment, user, decision: str) -> DigestLink:
    return DigestLink.objects.create(
        comment=comment, user=user, decision=decision, seen_version=comment.state_version
    )


def _url(link: DigestLink) -> str:
    return site_url(reverse("moderation:digest-link", kwargs={"token": link_token(link)}))
