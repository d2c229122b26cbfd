"""Fixed-window counters in the cache (Redis when REDIS_URL is set, so app servers share them)."""

import time

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int) -> int | None:
    """Count one attempt under key; the seconds to wait when past limit in this window, else None."""
    now = time.time()
    window = int(now // window_seconds)
    bucket = f"ratelimit:{key}:{window}"
    cache.add(bucket, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=window_seconds * 2)
        count = 1
    if count is None:  # the cache could not count (a full disk under it): let the attempt through
        return None
    if count > limit:
        return max(1, int(window_seconds - now % window_seconds))
    return None


def limit_reached(key: str, *, limit: int, window_seconds: int) -> int | None:
    """Like over_limit, without counting: the seconds to wait when key is at its limit this window."""
    now = time.time()
    count = cache.get(f"ratelimit:{key}:{int(now // window_seconds)}") or 0
    return max(1, int(window_seconds - now % window_seconds)) if count >= limit else None
