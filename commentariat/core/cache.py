"""The cache of a site on one machine: a directory of SQLite files every process shares.

`make serve` runs several web workers, a task worker and the operator's commands, each its own
process: a per-process cache would leave a page invalidated by one of them stale in the others,
and flood limits would count each worker apart. diskcache's Django backend shares one cache on
disk, with atomic counters. (With REDIS_URL set, Redis is the cache instead.)
"""

from diskcache import DjangoCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT


class SharedDiskCache(DjangoCache):
    """DjangoCache whose writes give up instead of retrying forever.

    diskcache retries a refused write in a loop by default, which on a full disk never ends (the
    worker spins). Here a write waits up to DATABASE_TIMEOUT (SQLite's busy timeout) and then
    fails the way a cache may: set/add answer False, incr answers None.
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return super().add(key, value, timeout, version, **kwargs, retry=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return super().set(key, value, timeout, version, **kwargs, retry=False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version, retry=False)

    def delete(self, key, version=None):
        return super().delete(key, version, retry=False)

    def incr(self, key, delta=1, version=None, default=None):
        return super().incr(key, delta, version, default, retry=False)

    def decr(self, key, delta=1, version=None, default=None):
        return super().decr(key, delta, version, default, retry=False)
