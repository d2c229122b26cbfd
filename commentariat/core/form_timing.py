"""Signed timestamps for forms: when a form was shown, so that scripts posting at once stand out."""

import time

from django.core import signing

_SALT = "commentariat.form-started"


def started_token() -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(int(time.time())))


def seconds_since(token: str, *, max_age: int) -> float:
    """Seconds since the token was made; raises signing.SignatureExpired or signing.BadSignature."""
    started = int(signing.TimestampSigner(salt=_SALT).unsign(token, max_age=max_age))
    return time.time() - started
