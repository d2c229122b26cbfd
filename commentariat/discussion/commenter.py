"""What the reader's browser keeps for them: remembered details, their held comments, and the
addresses it has proved it reads (by opening a confirmation link sent to them)."""

import hashlib

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

REMEMBER_COOKIE = "commentariat_commenter"
_REMEMBER_SALT = "commentariat.discussion.remember"
_PENDING_SESSION_KEY = "commentariat_pending_comments"
_REMEMBERED_FIELDS = ("author_name", "author_email", "author_url")
PROVEN_ADDRESSES_COOKIE = "commentariat_addresses"
_PROVEN_SALT = "commentariat.discussion.proven-addresses"
_PROVEN_KEPT = 5


def remembered_details(request: HttpRequest) -> dict:
    """Name, email and website the reader asked this browser to remember, or {}."""
    cookie = request.COOKIES.get(REMEMBER_COOKIE)
    if not cookie:
        return {}
    try:
        values = signing.loads(cookie, salt=_REMEMBER_SALT)
    except signing.BadSignature:
        return {}
    if not isinstance(values, dict):
        return {}
    return {key: str(values.get(key, "")) for key in _REMEMBERED_FIELDS}


def remember_details(response: HttpResponse, cleaned_data: dict) -> None:
    """Keep the reader's details in their browser: signed, so that the server fills its form from
    them, and readable by the page's script, which fills the form of a page from a shared cache
    (discussion/static/discussion/comments.js). It holds what the reader typed and no secret."""
    payload = signing.dumps(
        {key: cleaned_data.get(key, "") for key in _REMEMBERED_FIELDS}, salt=_REMEMBER_SALT
    )
    response.set_cookie(
        REMEMBER_COOKIE,
        payload,
        max_age=settings.COMMENTARIAT["REMEMBER_COOKIE_DAYS"] * 86400,
        httponly=False,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_details(response: HttpResponse) -> None:
    response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")


def pending_comment_ids(request: HttpRequest) -> list[int]:
    """Held comments written in this browser: shown to it alone, awaiting moderation."""
    return list(request.session.get(_PENDING_SESSION_KEY, []))


def add_pending_comment(request: HttpRequest, comment_id: int) -> None:
    ids = pending_comment_ids(request)
    request.session[_PENDING_SESSION_KEY] = [*ids[-49:], comment_id]


# Which posts this browser has comments awaiting moderation on, for the page's script: a page
# from a shared cache cannot show them (discussion/static/discussion/comments.js fetches them).
HELD_COOKIE = "commentariat_held"
_HELD_KEPT = 20


def held_post_ids(request: HttpRequest) -> list[int]:
    raw = request.COOKIES.get(HELD_COOKIE, "")
    return [int(part) for part in raw.split(".") if part.isdigit() and len(part) < 12]


def mark_held(request: HttpRequest, response: HttpResponse, post_id: int) -> None:
    """Name the post in the browser's held cookie: post ids only, readable by script, no secret
    (the comments themselves come from the session)."""
    ids = [pk for pk in held_post_ids(request) if pk != post_id][-(_HELD_KEPT - 1) :] + [post_id]
    response.set_cookie(
        HELD_COOKIE,
        ".".join(str(pk) for pk in ids),
        max_age=settings.SESSION_COOKIE_AGE,
        httponly=False,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


# Proof that this browser reads an address: set when a confirmation link sent to it is used here.
# The remembered details cannot serve: whoever types an address into the comment form gets them.


def has_proven_address(request: HttpRequest, email: str) -> bool:
    """Whether a confirmation link sent to this address was used in this browser."""
    return _address_key(email) in _proven_keys(request)


def prove_address(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """Remember in this browser that its reader opened a link sent to this address."""
    keys = [key for key in _proven_keys(request) if key != _address_key(email)]
    keys = [*keys, _address_key(email)][-_PROVEN_KEPT:]
    days = settings.COMMENTARIAT["REMEMBER_COOKIE_DAYS"]
    response.set_cookie(
        PROVEN_ADDRESSES_COOKIE,
        signing.dumps(keys, salt=_PROVEN_SALT),
        max_age=days * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _proven_keys(request: HttpRequest) -> list[str]:
    cookie = request.COOKIES.get(PROVEN_ADDRESSES_COOKIE)
    if not cookie:
        return []
    max_age = settings.COMMENTARIAT["REMEMBER_COOKIE_DAYS"] * 86400
    try:
        keys = signing.loads(cookie, salt=_PROVEN_SALT, max_age=max_age)
    except signing.BadSignature:
        return []
    return [str(key) for key in keys] if isinstance(keys, list) else []


def _address_key(email: str) -> str:
    # Keyed and short: the cookie does not show the addresses to whoever reads it.
    return hashlib.blake2b(
        email.strip().lower().encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=12
    ).hexdigest()
