"""Flood control: how many comments one IP address or email may send in a minute.

Counters live in the cache, which is Redis when REDIS_URL is set, so several app
servers share them; with the in-process cache each worker counts on its own.
"""

import time

from django.core.cache import cache

from .exceptions import FloodLimited

WINDOW_SECONDS = 60


def check_flood(*, ip: str | None, email: str, limit: int) -> None:
    """Count this attempt; raise FloodLimited when either counter is past the limit this minute."""
    if not limit:
        return
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, int(WINDOW_SECONDS - now % WINDOW_SECONDS))
    for key in (f"flood:ip:{ip}" if ip else None, f"flood:email:{email.lower()}"):
        if key is None:
            continue
        bucket = f"{key}:{window}"
        cache.add(bucket, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(bucket)
        except ValueError:  # evicted between add and incr
            cache.set(bucket, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        if count > limit:
            raise FloodLimited(retry_after)
