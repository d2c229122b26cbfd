"""A commenter may edit or delete their own comment for a few minutes after posting it.

The proof is a cookie signed by the site, holding the ids of the comments written in this
browser and when each was posted. It cannot be forged or moved to another comment, and it
stops working when the window closes, whatever the browser keeps.
"""

import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

EDIT_COOKIE = "commentariat_edits"
_SALT = "commentariat.discussion.edit-window"


def window_seconds() -> int:
    return settings.COMMENTARIAT["EDIT_WINDOW_SECONDS"]


def editable_ids(request: HttpRequest) -> dict[int, int]:
    """Comment id → seconds left to edit it, for comments this browser may still edit."""
    cookie = request.COOKIES.get(EDIT_COOKIE)
    if not cookie:
        return {}
    try:
        grants = signing.loads(cookie, salt=_SALT, max_age=window_seconds())
    except signing.BadSignature:
        return {}
    now = time.time()
    left = {}
    if isinstance(grants, dict):
        for key, posted_at in grants.items():
            if str(key).isdigit() and isinstance(posted_at, int | float):
                remaining = int(posted_at + window_seconds() - now)
                if remaining > 0:
                    left[int(key)] = remaining
    return left


def may_edit(request: HttpRequest, comment_id: int) -> bool:
    return comment_id in editable_ids(request)


def grant(request: HttpRequest, response: HttpResponse, comment_id: int) -> None:
    """Let this browser edit this comment for the window's length."""
    now = time.time()
    grants = {str(cid): now - (window_seconds() - left) for cid, left in editable_ids(request).items()}
    grants[str(comment_id)] = now
    response.set_cookie(
        EDIT_COOKIE,
        signing.dumps(grants, salt=_SALT),
        max_age=window_seconds(),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
