"""Email this post: a reader sends a post's title, excerpt and link to one friend.

Never an open relay: one recipient, plain text the site writes (the reader's note is
escaped text inside it), limited per sender address and per recipient.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from commentariat.core.rate_limit import over_limit
from commentariat.publishing.models import Post


class EmailLimited(Exception):
    def __init__(self, retry_after: int, message: str):
        super().__init__(message)
        self.retry_after = retry_after


def mail_configured() -> bool:
    return bool(settings.EMAIL_HOST)


def email_post(*, post: Post, recipient: str, sender_name: str, note: str, ip: str | None, url: str) -> None:
    """Queue the message; raises EmailLimited when this reader or this recipient had enough."""
    limits = settings.COMMENTARIAT
    wait = over_limit(f"email-post:ip:{ip}", limit=limits["EMAIL_POST_PER_IP_PER_HOUR"], window_seconds=3600)
    if wait:
        raise EmailLimited(wait, "You have sent several posts in the last hour. Please try again later.")
    wait = over_limit(
        f"email-post:to:{recipient.lower()}",
        limit=limits["EMAIL_POST_PER_RECIPIENT_PER_DAY"],
        window_seconds=86400,
    )
    if wait:
        raise EmailLimited(wait, "This address has received several posts today. Please try again tomorrow.")
    from .tasks import send_post_email

    send_post_email.enqueue(post_id=post.pk, recipient=recipient, sender_name=sender_name, note=note, url=url)


def send_post_email_now(*, post_id: int, recipient: str, sender_name: str, note: str, url: str) -> None:
    post = Post.objects.published().filter(pk=post_id).first()
    if post is None:
        return  # unpublished since: nothing to share
    context = {"post": post, "sender_name": sender_name, "note": note, "url": url,
               "site_name": settings.COMMENTARIAT["SITE_NAME"]}  # fmt: skip
    message = EmailMultiAlternatives(
        subject=f"{sender_name} sent you “{post.title}”",
        body=render_to_string("exports/email/post.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
    )
    message.attach_alternative(render_to_string("exports/email/post.html", context), "text/html")
    message.send()
