"""Signed timestamps for forms: when a form was shown, so that scripts posting at once stand out."""

import time

from django.conf import settings
from django.core import signing

_SALT = "commentariat.form-started"


_last: dict = {"key": None, "token": ""}


def started_token() -> str:
    # The same for every form shown in one second, so made once a second (a shared page keeps the
    # one it was rendered with; its script asks /comments/form-started/ for a fresh one). Keyed by
    # the secret key too: tests change it.
    now = int(time.time())
    key = (now, settings.SECRET_KEY)
    if _last["key"] != key:
        _last.update(key=key, token=signing.TimestampSigner(salt=_SALT).sign(str(now)))
    return _last["token"]


def seconds_since(token: str, *, max_age: int) -> float:
    """Seconds since the token was made; raises signing.SignatureExpired or signing.BadSignature."""
    started = int(signing.TimestampSigner(salt=_SALT).unsign(token, max_age=max_age))
    return time.time() - started
