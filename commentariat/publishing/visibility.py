"""Who may see a post: the one definition every page, list, feed, search, export and API asks.

- Published: not a draft, and its publication time has come. Published posts are listed (title,
  excerpt) on the site's own lists.
- Open to the public: published and without a password. Only these go into feeds, search, the
  sitemap, the API, the embed endpoints, print, PDF and mail, and only their comments are public.
- A password-protected post (as WordPress has them) shows its body and discussion to a reader
  who entered the password; the browser keeps that in one signed cookie, holding a hash of the
  password for each post, so changing the password locks everyone out again.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

PASSWORD_COOKIE = "commentariat_postpass"
_SALT = "commentariat.publishing.post-password"
_COOKIE_DAYS = 10
_MAX_POSTS_IN_COOKIE = 50


def published_condition(prefix: str = "") -> Q:
    """A post that is not a draft and whose time has come (prefix: "post__" from a comment)."""
    return Q(**{f"{prefix}status": "published", f"{prefix}published_at__lte": timezone.now()})


def public_condition(prefix: str = "") -> Q:
    """A published post anyone may read, without a password."""
    return published_condition(prefix) & Q(**{f"{prefix}password": ""})


def is_published(post) -> bool:
    return (
        post.status == "published" and post.published_at is not None and post.published_at <= timezone.now()
    )


def is_public(post) -> bool:
    return is_published(post) and not post.password


def may_read(request: HttpRequest, post) -> bool:
    """Whether this reader may see the post's body and discussion."""
    if not is_published(post):
        return False
    return not post.password or _password_hash(post) in _unlocked(request).get(str(post.pk), ())


def unlock(request: HttpRequest, response: HttpResponse, post, password: str) -> bool:
    """Remember in this browser that the reader knows the post's password; False when wrong."""
    if not post.password or not hmac.compare_digest(password.encode(), post.password.encode()):
        return False
    unlocked = _unlocked(request)
    unlocked.pop(str(post.pk), None)
    unlocked[str(post.pk)] = _password_hash(post)
    kept = dict(list(unlocked.items())[-_MAX_POSTS_IN_COOKIE:])
    response.set_cookie(
        PASSWORD_COOKIE,
        signing.dumps(kept, salt=_SALT, compress=True),
        max_age=_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return True


def _unlocked(request: HttpRequest) -> dict[str, str]:
    cookie = request.COOKIES.get(PASSWORD_COOKIE)
    if not cookie:
        return {}
    try:
        value = signing.loads(cookie, salt=_SALT, max_age=_COOKIE_DAYS * 86400)
    except signing.BadSignature:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _password_hash(post) -> str:
    # Short and keyed: the cookie never carries the password, and a new password needs a new entry.
    return hashlib.blake2b(
        post.password.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=8
    ).hexdigest()
