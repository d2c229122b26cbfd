"""Reply notifications: a subscription confirmed by mail for each post, one-click signed
unsubscribe, the mails sent in the background.

Every link in these messages carries a signed token naming one subscription: it cannot be
guessed, changed to name another, or used after its time (confirmations expire after a week).
Nothing said to whoever asks for a subscription depends on what the address follows or ever
confirmed, so nobody can learn who reads the site; only a browser that proved it reads the
address (commenter.has_proven_address) is spared the confirmation mail. The mails about new
comments go out in batches, at most one per address and post in a window
(notification_batches.py).
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commentariat.core.links import site_url
from commentariat.core.rate_limit import over_limit
from commentariat.publishing.models import Post

from .models import Comment, NotificationBatch, Subscription

_CONFIRM_SALT = "commentariat.notifications.confirm"
_UNSUBSCRIBE_SALT = "commentariat.notifications.unsubscribe"
CONFIRM_MAX_AGE = 7 * 86400


def subscribe(
    *, email: str, post: Post, comment: Comment | None = None, address_proven: bool = False
) -> Subscription:
    """Follow replies to comment (or the whole discussion when None).

    Confirmed at once when this browser proved it reads the address; otherwise a link to
    confirm is mailed, even to an address that confirmed other posts (a stranger must not
    add posts to someone's inbox), at most three times a day to one address.
    """
    kind = Subscription.Kind.REPLIES if comment is not None else Subscription.Kind.DISCUSSION
    subscription, _ = Subscription.objects.get_or_create(
        email=email.strip().lower(), kind=kind, post=post, comment=comment
    )
    if subscription.confirmed_at is not None:
        return subscription
    if address_proven:
        confirm(subscription)
    elif not over_limit(f"confirm:{subscription.email}", limit=3, window_seconds=86400):
        # However many forms name an address, they must not become a way to flood its inbox.
        from .tasks import send_confirmation

        transaction.on_commit(lambda: send_confirmation.enqueue(subscription_id=subscription.pk))
    return subscription


def confirmation_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=_CONFIRM_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=_UNSUBSCRIBE_SALT)


def subscription_from_token(token: str, *, purpose: str) -> Subscription | None:
    """The subscription a link names; None for a forged, expired or outdated one."""
    salt, max_age = (_CONFIRM_SALT, CONFIRM_MAX_AGE) if purpose == "confirm" else (_UNSUBSCRIBE_SALT, None)
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return Subscription.objects.filter(pk=data.get("s"), email=data.get("e")).select_related("post").first()


def confirm(subscription: Subscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])


def unsubscribe(subscription: Subscription) -> None:
    """Stop every mail to this address about this post (the link says "about this post")."""
    address = {"email": subscription.email, "post_id": subscription.post_id}
    Subscription.objects.filter(**address).delete()
    NotificationBatch.objects.filter(**address, closed_at=None).delete()


def announce_public_comment(comment: Comment) -> None:
    """Called when a comment first becomes public: tell the thread's open pages and its
    followers, after the commit.

    Most posts have no followers: one indexed read spares them a queued task per comment."""
    from .live import announce_new_comment

    announce_new_comment(comment)
    if not Subscription.objects.filter(post_id=comment.post_id, confirmed_at__isnull=False).exists():
        return
    from .tasks import notify_followers

    # The followers' batches are found after the commit: a rolled-back comment is never news.
    transaction.on_commit(lambda: notify_followers.enqueue(comment_id=comment.pk))


def send_confirmation_now(subscription_id: int) -> None:
    subscription = Subscription.objects.select_related("post").filter(pk=subscription_id).first()
    if subscription is None or subscription.confirmed_at is not None:
        return
    url = site_url(
        reverse("discussion:subscription-confirm", kwargs={"token": confirmation_token(subscription)})
    )
    context = {"subscription": subscription, "confirm_url": url, **site_context()}
    message = EmailMultiAlternatives(
        subject=f"Please confirm: notifications from {settings.COMMENTARIAT['SITE_NAME']}",
        body=render_to_string("discussion/email/confirm.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
    )
    message.send()


def site_context() -> dict:
    return {"site_name": settings.COMMENTARIAT["SITE_NAME"]}
