"""Flood control: how many comments one IP address or email may send in a minute.

Counters live in the cache, which every process shares: Redis when REDIS_URL is set (several
app servers), otherwise the disk cache of the machine (core/cache.py).
"""

from commentariat.core.rate_limit import over_limit

from .exceptions import FloodLimited

WINDOW_SECONDS = 60


def check_flood(*, ip: str | None, email: str, limit: int) -> None:
    """Count this attempt; raise FloodLimited when either counter is past the limit this minute."""
    if not limit:
        return
    for key in (f"flood:ip:{ip}" if ip else None, f"flood:email:{email.lower()}"):
        if key is None:
            continue
        retry_after = over_limit(key, limit=limit, window_seconds=WINDOW_SECONDS)
        if retry_after:
            raise FloodLimited(retry_after)
