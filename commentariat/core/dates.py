"""Dates for machines: one form for `<time datetime>`, meta tags and structured data."""

from datetime import datetime

from django.utils import timezone


def machine_datetime(moment: datetime | str) -> str:
    """'2026-11-20T07:50:12+00:00': whole seconds and the offset, in the site's time zone.

    HTML allows at most three digits of a second in a datetime attribute; Python's isoformat()
    and Django's |date:"c" write six whenever there are microseconds. A string (an isoformat()
    kept in the cache) is read first.
    """
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.isoformat(timespec="seconds")
