"""Counts of refused comments per reason and day, with the last few examples, for moderators.

Kept in the cache every process shares (Redis on the scale path, the data dir's disk cache on
one machine) rather than in the database: a flood of refused posts must not queue for SQLite's
write lock. Counts live for RETENTION_DAYS; a cache that cannot write loses a count, never a
reader's request.
"""

import logging
from dataclasses import asdict
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

RETENTION_DAYS = 14
EXAMPLES_KEPT = 5
REASONS = {
    "flood": "Too many comments in a minute (flood control)",
    "api_limit": "Too many comments in an hour through the API or the embed",
    "duplicate": "The same text again within a minute",
    "honeypot": "Filled in the field people never see",
    "no_start_time": "Sent without a valid form (no start time)",
    "too_fast": "Sent too soon after the form was shown",
    "expired": "Form open too long (expired)",
    "banned": "Banned or suspended commenter",
}


def record(refusal) -> None:
    """Count one refusal under its reason and day, and keep it among the latest examples."""
    day = timezone.localdate(refusal.at).isoformat()
    timeout = RETENTION_DAYS * 86400
    try:
        key = _count_key(day, refusal.reason)
        cache.add(key, 0, timeout=timeout)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=timeout)
        examples_key = _examples_key(day, refusal.reason)
        examples = cache.get(examples_key) or []
        example = {**asdict(refusal), "at": refusal.at.isoformat()}
        cache.set(examples_key, [example, *examples][:EXAMPLES_KEPT], timeout=timeout)
    except Exception:  # noqa: BLE001 - counting must never cost the reader their answer
        logger.warning("Could not count a refused comment (%s)", refusal.reason, exc_info=True)


def summary(days: int = 7) -> list[dict]:
    """Per day, newest first: each reason's count and latest examples (days with none are left out)."""
    today = timezone.localdate()
    dates = [(today - timedelta(days=n)).isoformat() for n in range(days)]
    keys = [_count_key(day, reason) for day in dates for reason in REASONS]
    keys += [_examples_key(day, reason) for day in dates for reason in REASONS]
    found = cache.get_many(keys)
    result = []
    for day in dates:
        rows = [
            {"reason": reason, "label": label, "count": found.get(_count_key(day, reason), 0),
             "examples": found.get(_examples_key(day, reason), [])}
            for reason, label in REASONS.items()
        ]  # fmt: skip
        rows = [row for row in rows if row["count"]]
        if rows:
            result.append({"day": day, "total": sum(row["count"] for row in rows), "rows": rows})
    return result


def _count_key(day: str, reason: str) -> str:
    return f"refusals:{day}:{reason}:count"


def _examples_key(day: str, reason: str) -> str:
    return f"refusals:{day}:{reason}:examples"
