"""Mail about new comments, gathered: at most one mail per address and post in each window
(COMMENTARIAT["NOTIFY_BATCH_MINUTES"]), listing every new comment since the last one.

A comment that becomes public joins the open batch of each confirmed follower it concerns
(whoever follows the discussion, or the comment it replies to). The first comment to find none
opens one, due when the window has passed, and a deferred task sends it then; a flood of
replies is one mail. A batch is closed before its mail is written, so that comments arriving
meanwhile open the next one, and its comments are read again when the mail is written: one
removed, held or withdrawn since is left out (a batch left empty sends nothing), and a post
locked with a password since is mailed as its links, not its text.

Without a worker that can wait (COMMENTARIAT_TASKS=immediate), the first batch after a quiet
window is due at once and later ones go out with the next notification run or
`commentariat send-notifications` (cron). Every run also sends what is overdue: a batch whose
task was lost, or whose mail failed, goes out later rather than never (within a day).
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse

from commentariat.core import clock
from commentariat.core.links import site_url
from commentariat.core.markup import html_to_text

from .models import Comment, NotificationBatch, Subscription
from .notifications import site_context, unsubscribe_token

logger = logging.getLogger(__name__)

# A batch closed this long ago and still there lost its mail (SMTP down, a killed worker): retry.
RETRY_AFTER = timedelta(minutes=5)
# ... until its news is this old: a mail the server keeps refusing is dropped, not tried forever.
GIVE_UP_AFTER = timedelta(days=1)
_LISTED_PER_MAIL = 50
_EXCERPT_CHARS = 600


def batch_window() -> timedelta:
    return timedelta(minutes=settings.COMMENTARIAT["NOTIFY_BATCH_MINUTES"])


def add_to_batches(comment_id: int) -> int:
    """Put a newly public comment in the pending mail of each follower it concerns, then send
    the batches that are due; returns how many followers it was added for."""
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    added = 0
    if comment is not None and comment.is_public and comment.post.is_published():
        for email in _followers(comment):
            _join_batch(email, comment)
            added += 1
    # Also what is overdue: in immediate mode nothing else sends it; otherwise a lost task or a failed mail.
    send_due_batches(limit=20)
    return added


def send_batch(batch_id: int) -> int:
    """Mail one batch unless another run has taken it; returns how many comments it listed.

    Raises what the mail backend raises: the batch then stays closed and is tried again later.
    """
    now = clock.now()
    with transaction.atomic():
        batch = (
            NotificationBatch.objects.select_for_update(of=("self",))
            .select_related("post")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or (batch.closed_at is not None and batch.closed_at > now - RETRY_AFTER):
            return 0
        batch.closed_at = now
        batch.save(update_fields=["closed_at"])
        Subscription.objects.filter(email=batch.email, post_id=batch.post_id).update(notified_at=now)
    entries = _entries(batch)
    if entries:
        _mail(batch, entries)
    batch.delete()
    return len(entries)


def send_due_batches(*, limit: int = 200) -> int:
    """Send every batch whose time has come (and retry those whose mail failed); returns the mails."""
    now = clock.now()
    stale = NotificationBatch.objects.filter(closed_at__isnull=False, due_at__lt=now - GIVE_UP_AFTER)
    for batch in stale.only("pk", "email", "post_id"):
        logger.warning(
            "Gave up mailing notification batch %s (post %s) to %s", batch.pk, batch.post_id, batch.email
        )
        batch.delete()
    due = NotificationBatch.objects.filter(
        Q(closed_at=None, due_at__lte=now) | Q(closed_at__lte=now - RETRY_AFTER)
    ).order_by("due_at")
    sent = 0
    for batch_id in list(due.values_list("pk", flat=True)[:limit]):
        try:
            sent += bool(send_batch(batch_id))
        except Exception:  # noqa: BLE001 - one address's failing mail must not hold up the others
            logger.warning(
                "Could not send notification batch %s; it will be retried", batch_id, exc_info=True
            )
    return sent


def _followers(comment: Comment) -> list[str]:
    """Confirmed addresses to tell of this comment: the discussion's followers, and for a reply,
    those following the comment it answers; never its own author."""
    followers = Subscription.objects.filter(confirmed_at__isnull=False, post_id=comment.post_id).filter(
        Q(kind=Subscription.Kind.DISCUSSION) | Q(kind=Subscription.Kind.REPLIES, comment_id=comment.parent_id)
    )
    if comment.parent_id is None:
        followers = followers.filter(kind=Subscription.Kind.DISCUSSION)
    emails = set(followers.values_list("email", flat=True)) - {comment.author_email.lower()}
    return sorted(emails)


def _join_batch(email: str, comment: Comment) -> None:
    for attempt in range(2):
        try:
            with transaction.atomic():
                batch = (
                    NotificationBatch.objects.select_for_update()
                    .filter(email=email, post_id=comment.post_id, closed_at=None)
                    .first()
                )
                if batch is None:
                    due_at = _due_at(email, comment.post_id)
                    batch = NotificationBatch.objects.create(
                        email=email, post_id=comment.post_id, due_at=due_at
                    )
                    transaction.on_commit(partial(_schedule, batch.pk, due_at))
                batch.comments.add(comment)
            return
        except IntegrityError:
            # Another worker opened this address's batch a moment ago: join that one.
            if attempt:
                raise


def _due_at(email: str, post_id: int) -> datetime:
    now = clock.now()
    if _can_wait():
        return now + batch_window()
    last = Subscription.objects.filter(email=email, post_id=post_id).aggregate(last=Max("notified_at"))[
        "last"
    ]
    return now if last is None or last + batch_window() <= now else last + batch_window()


def _can_wait() -> bool:
    from .tasks import send_notification_batch

    return send_notification_batch.get_backend().supports_defer


def _schedule(batch_id: int, due_at: datetime) -> None:
    from .tasks import send_notification_batch

    if due_at <= clock.now():
        send_notification_batch.enqueue(batch_id=batch_id)
    elif _can_wait():
        send_notification_batch.using(run_after=due_at).enqueue(batch_id=batch_id)
    # Otherwise nothing can wait for it: send_due_batches() sends it once it is due.


def _entries(batch: NotificationBatch) -> list[tuple[Comment, bool]]:
    """The batch's comments that are still shown and still followed, as (comment, is a reply to
    the address's own comment)."""
    if not batch.post.is_published():
        return []
    subscriptions = Subscription.objects.filter(
        email=batch.email, post_id=batch.post_id, confirmed_at__isnull=False
    )
    follows_all = any(s.kind == Subscription.Kind.DISCUSSION for s in subscriptions)
    followed = {s.comment_id for s in subscriptions if s.kind == Subscription.Kind.REPLIES}
    entries = []
    for comment in batch.comments.shown_in_thread().order_by("published_at", "pk"):
        is_reply = comment.parent_id in followed
        if is_reply or follows_all:
            entries.append((comment, is_reply))
    return entries


def _mail(batch: NotificationBatch, entries: list[tuple[Comment, bool]]) -> None:
    post = batch.post
    # One link stops every mail to the address about this post (notifications.unsubscribe).
    subscription = (
        Subscription.objects.filter(email=batch.email, post_id=post.pk).order_by("kind", "pk").first()
    )
    if subscription is None:  # unsubscribed a moment ago
        return
    unsubscribe_url = site_url(
        reverse("discussion:unsubscribe", kwargs={"token": unsubscribe_token(subscription)})
    )
    # A protected post's discussion stays behind its password, in mail too: the link, not the text.
    shows_text = post.is_public()
    listed = [
        {"comment": comment, "is_reply": is_reply, "url": site_url(comment.get_permalink()),
         "excerpt": html_to_text(comment.body_html)[:_EXCERPT_CHARS] if shows_text else ""}
        for comment, is_reply in entries[:_LISTED_PER_MAIL]
    ]  # fmt: skip
    context = {
        "post": post, "entries": listed, "more": len(entries) - len(listed), "shows_text": shows_text,
        "post_url": site_url(post.get_absolute_url()), "unsubscribe_url": unsubscribe_url, **site_context(),
    }  # fmt: skip
    message = EmailMultiAlternatives(
        subject=_subject(post, entries),
        body=render_to_string("discussion/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[batch.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("discussion/email/notification.html", context), "text/html")
    message.send()


def _subject(post, entries: list[tuple[Comment, bool]]) -> str:
    if len(entries) > 1:
        subject = f"{len(entries)} new comments on “{post.title}”"
    elif entries[0][1]:
        subject = f"{entries[0][0].author_name} replied to your comment on “{post.title}”"
    else:
        subject = f"New comment on “{post.title}” by {entries[0][0].author_name}"
    return subject[:200].replace("\n", " ").replace("\r", " ")
