"""Commenters' own data: a signed link, mailed to an address, to download or erase its comments.

- Anyone may ask for the link by address; the page answers the same, as fast, whether or not the
  address wrote anything (the task looks it up). Asking is limited per IP; an address gets at most
  one mail an hour, so nobody can flood it or use up its owner's requests.
- The link is signed (salt LINK_SALT) and lasts LINK_DAYS; it carries the address, nothing else.
- Download: every comment written with that address, in every status, as JSON or CSV.
- Erase: each comment's text, name, address, website and IP go (discussion's
  erase_at_authors_request); numbers and places stay, marked "Removed at its author's request".
- Both are written in the audit log (actor: none, subject: the address).
"""

import csv
import io
import json

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from commentariat.core.links import site_url
from commentariat.core.rate_limit import over_limit
from commentariat.discussion.models import Comment
from commentariat.discussion.services.status import erase_at_authors_request

from .models import ModerationAction

LINK_SALT = "commentariat.own-data"
LINK_DAYS = 3
FIELDS = ["number", "post_title", "post_url", "status", "created_at", "author_name", "author_email",
          "author_url", "body"]  # fmt: skip


class TooManyRequests(Exception):
    pass


def ask_for_link(*, email: str, ip: str | None) -> None:
    """Queue the mail of the link; the caller answers the same whatever the address. Whether the
    address wrote anything is looked up by the task, so the answer takes as long either way."""
    email = email.strip().lower()
    if ip and over_limit(f"own-data:ip:{ip}", limit=10, window_seconds=3600):
        raise TooManyRequests
    from .tasks import send_own_data_link

    transaction.on_commit(lambda: send_own_data_link.enqueue(email=email))


def link_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=LINK_SALT, compress=True)


def email_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=LINK_SALT, max_age=LINK_DAYS * 86400)
    except signing.BadSignature:
        return None


def comments_of(email: str):
    return Comment.objects.filter(author_email__iexact=email, erased_at__isnull=True).select_related("post")


def as_rows(email: str) -> list[dict]:
    return [
        {
            "number": comment.number,
            "post_title": comment.post.title,
            "post_url": site_url(comment.post.get_absolute_url()),
            "status": comment.status,
            "created_at": comment.created_at.isoformat(),
            "author_name": comment.author_name,
            "author_email": comment.author_email,
            "author_url": comment.author_url,
            "body": comment.body,
        }
        for comment in comments_of(email).order_by("created_at", "pk")
    ]


def export(email: str, kind: str) -> str:
    """The address's comments as 'json' or 'csv' text; logged."""
    rows = as_rows(email)
    ModerationAction.objects.create(kind=ModerationAction.Kind.DATA_EXPORT, subject=email[:300],
                                    after={"comments": len(rows), "format": kind})  # fmt: skip
    if kind == "json":
        return json.dumps({"email": email, "comments": rows}, ensure_ascii=False, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ is a formula in spreadsheets: written as text.
        writer.writerow({k: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for k, v in row.items()})
    return out.getvalue()


def erase(email: str) -> int:
    """Erase every comment written with the address; how many. Logged."""
    count = 0
    with transaction.atomic():
        for comment in comments_of(email):
            erase_at_authors_request(comment=comment)
            count += 1
        ModerationAction.objects.create(kind=ModerationAction.Kind.DATA_ERASURE, subject=email[:300],
                                        after={"comments": count})  # fmt: skip
    if count:
        from commentariat.core.page_cache import bump

        from .tasks import retrain_spam_filter

        bump("site")
        # The trained filter keeps words of the texts it learned from: it learns again without them.
        transaction.on_commit(lambda: retrain_spam_filter.enqueue())
    return count


def send_link_now(email: str) -> None:
    """Mail the link if comments were written with the address, at most one mail an hour per
    address (asking for someone else's link can neither flood them nor lock them out)."""
    if not comments_of(email).exists() or not cache.add(f"own-data:mailed:{email}", True, timeout=3600):
        return
    site = settings.COMMENTARIAT["SITE_NAME"]
    url = site_url(reverse("own-data-link", kwargs={"token": link_token(email)}))
    body = (
        f"Someone (we hope you) asked {site} for the comments written with this address.\n\n"
        f"This link lets you download them (JSON or CSV) or erase them, for {LINK_DAYS} days:\n{url}\n\n"
        "If you did not ask, ignore this message: nothing happens without the link.\n"
    )
    EmailMessage(subject=f"Your comments on {site}", body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[email]).send()  # fmt: skip
