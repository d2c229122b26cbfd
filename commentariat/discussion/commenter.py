"""What the reader's browser keeps for them: remembered details and their held comments."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

REMEMBER_COOKIE = "commentariat_commenter"
_REMEMBER_SALT = "commentariat.discussion.remember"
_PENDING_SESSION_KEY = "commentariat_pending_comments"
_REMEMBERED_FIELDS = ("author_name", "author_email", "author_url")


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
    payload = signing.dumps(
        {key: cleaned_data.get(key, "") for key in _REMEMBERED_FIELDS}, salt=_REMEMBER_SALT
    )
    response.set_cookie(
        REMEMBER_COOKIE,
        payload,
        max_age=settings.COMMENTARIAT["REMEMBER_COOKIE_DAYS"] * 86400,
        httponly=True,
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
