"""The current time, in one place, so that tests can move it (time-based moderation rules)."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
