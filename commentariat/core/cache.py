"""The cache of a site on one machine: a directory of SQLite files every process shares.

`make serve` runs several web workers, a task worker and the operator's commands, each its own
process: a per-process cache would leave a page invalidated by one of them stale in the others,
and flood limits would count each worker apart. diskcache's Django backend shares one cache on
disk, with atomic counters. With REDIS_URL set, Redis is the cache instead, through
ResilientRedisCache below.
"""

import logging
import sqlite3
import time

from diskcache import DjangoCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


class SharedDiskCache(DjangoCache):
    """DjangoCache whose writes give up instead of retrying forever.

    diskcache retries a refused write in a loop by default, which on a full disk never ends (the
    worker spins). Here a write waits up to DATABASE_TIMEOUT (SQLite's busy timeout) and then
    fails the way a cache may: set/add answer False, incr answers None.
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return _or(False, super().add, key, value, timeout, version, **kwargs, retry=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return _or(False, super().set, key, value, timeout, version, **kwargs, retry=False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return _or(False, super().touch, key, timeout, version, retry=False)

    def delete(self, key, version=None):
        return _or(False, super().delete, key, version, retry=False)

    def incr(self, key, delta=1, version=None, default=None):
        return _or(None, super().incr, key, delta, version, default, retry=False)

    def decr(self, key, delta=1, version=None, default=None):
        return _or(None, super().decr, key, delta, version, default, retry=False)


def _or(failed, write, *args, **kwargs):
    """A write, or `failed` when the disk refuses it (full, read-only): the cache is an
    optimisation, and a refused write must not cost the reader their answer."""
    try:
        return write(*args, **kwargs)
    except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as error:
        if time.monotonic() - _last_warning["at"] > 60:  # once a minute, not once a request
            _last_warning["at"] = time.monotonic()
            logger.warning("Disk cache: writes are refused (%s)", error)
        return failed


_last_warning = {"at": float("-inf")}


class _Unavailable(Exception):
    pass


class ResilientRedisCache(RedisCache):
    """RedisCache that keeps the site answering while Redis is away (several app servers).

    When Redis cannot be reached, the counters of rate limits and flood control ("ratelimit:"
    keys) fall back to a counter in this process, and everything else behaves as a cache miss:
    sessions are read from the database (cached_db), pages are rendered, nothing is stored. The
    outage is logged once; Redis is tried again every RETRY_SECONDS, not on every call (each
    try may wait for a connect timeout). When it is back, every cached page is invalidated:
    the bumps made meanwhile never reached it.
    """

    RETRY_SECONDS = 5
    _FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)

    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache("commentariat-redis-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._down_until = 0.0
        self._down = False

    def _through(self, name: str, key_or_keys, *args, **kwargs):
        if self._down and time.monotonic() < self._down_until:
            raise _Unavailable
        try:
            result = getattr(RedisCache, name)(self, key_or_keys, *args, **kwargs)
        except self._FAILURES as error:
            if not self._down:
                logger.warning(
                    "Redis unreachable (%s): rate limits count per process, nothing is cached", error
                )
            self._down, self._down_until = True, time.monotonic() + self.RETRY_SECONDS
            raise _Unavailable from error
        if self._down:
            self._down = False
            logger.warning("Redis reachable again: cached pages invalidated")
            self._invalidate_pages()
        return result

    def _invalidate_pages(self) -> None:
        from .page_versions import CacheVersions

        try:
            RedisCache.incr(self, CacheVersions.PREFIX + "site")
        except (ValueError, *self._FAILURES):  # never bumped yet, or gone again: nothing stored to hide
            pass

    def _local_key(self, key) -> bool:
        return isinstance(key, str) and key.startswith("ratelimit:")

    def get(self, key, default=None, version=None):
        try:
            return self._through("get", key, default, version)
        except _Unavailable:
            return self._local.get(key, default, version) if self._local_key(key) else default

    def get_many(self, keys, version=None):
        try:
            return self._through("get_many", keys, version)
        except _Unavailable:
            return self._local.get_many([k for k in keys if self._local_key(k)], version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._through("add", key, value, timeout, version)
        except _Unavailable:
            return self._local.add(key, value, timeout, version) if self._local_key(key) else False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._through("set", key, value, timeout, version)
        except _Unavailable:
            return self._local.set(key, value, timeout, version) if self._local_key(key) else False

    def incr(self, key, delta=1, version=None):
        try:
            return self._through("incr", key, delta, version)
        except _Unavailable:
            return self._local.incr(key, delta, version) if self._local_key(key) else None

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._through("set_many", data, timeout, version)
        except _Unavailable:
            return list(data)  # the keys not stored

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._through("touch", key, timeout, version)
        except _Unavailable:
            return False

    def delete(self, key, version=None):
        try:
            return self._through("delete", key, version)
        except _Unavailable:
            return self._local.delete(key, version) if self._local_key(key) else False

    def delete_many(self, keys, version=None):
        try:
            return self._through("delete_many", keys, version)
        except _Unavailable:
            return None

    def has_key(self, key, version=None):
        try:
            return self._through("has_key", key, version)
        except _Unavailable:
            return self._local.has_key(key, version) if self._local_key(key) else False
