"""Version numbers of the page cache's scopes: read on every cached hit, bumped by every change.

Two stores with the same two methods:

- FileVersions (one machine, the default): counters in a small memory-mapped file under
  DATA_DIR that every process of the site maps — web workers, the task worker, commands. A
  read is a memory access; a bump takes a file lock for a moment. (Read from the shared disk
  cache instead, the two reads of each hit cost half the cached page's throughput.)
- CacheVersions (several machines, REDIS_URL set): counters in the shared cache.

Scopes are hashed onto the file's slots; two scopes that share a slot invalidate each other's
pages, which costs a re-render and nothing else. The file starts with a random epoch that is
part of every version string, so a recreated file never matches pages stored under the old one.
"""

import fcntl
import hashlib
import mmap
import os
import secrets
import struct
import time
from pathlib import Path

from django.core.cache import cache

_SLOT = struct.Struct("<Q")


class FileVersions:
    SLOTS = 1 << 15  # 256 kB of 8-byte counters; slot 0 holds the epoch

    def __init__(self, path: Path):
        self.path = Path(path)
        self._map: mmap.mmap | None = None
        self._slots: dict[str, int] = {}

    def read(self, *scopes: str) -> str:
        """'<epoch>.<version>.<version>…' for these scopes, as of now."""
        memory = self._mapped()
        return ".".join(str(_read_slot(memory, slot)) for slot in (0, *map(self._slot, scopes)))

    def bump(self, scope: str) -> None:
        memory = self._mapped()
        offset = self._slot(scope) * _SLOT.size
        with open(self.path, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # writers one at a time; readers never wait
            _SLOT.pack_into(memory, offset, _SLOT.unpack_from(memory, offset)[0] + 1)

    def _slot(self, scope: str) -> int:
        slot = self._slots.get(scope)
        if slot is None:
            digest = hashlib.blake2b(scope.encode(), digest_size=8).digest()
            slot = 1 + int.from_bytes(digest, "little") % (self.SLOTS - 1)
            if len(self._slots) >= 10_000:
                self._slots.clear()
            self._slots[scope] = slot
        return slot

    def _mapped(self) -> mmap.mmap:
        # A shared mapping stays valid in the children granian forks, so no per-process check.
        if self._map is None:
            size = self.SLOTS * _SLOT.size
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)  # several processes may start at once
                if os.fstat(descriptor).st_size < size:
                    os.ftruncate(descriptor, size)
                    epoch = (time.time_ns() // 1000) ^ secrets.randbits(20)
                    os.pwrite(descriptor, _SLOT.pack(epoch), 0)
                fcntl.flock(descriptor, fcntl.LOCK_UN)
                self._map = mmap.mmap(descriptor, size, mmap.MAP_SHARED)
            finally:
                os.close(descriptor)
        return self._map


def _read_slot(memory: mmap.mmap, slot: int) -> int:
    # A bump writes 8 bytes in place; read until two reads agree, so that a read racing a
    # write can never mix old and new bytes into a number the counter once had.
    offset = slot * _SLOT.size
    value = _SLOT.unpack_from(memory, offset)[0]
    while (again := _SLOT.unpack_from(memory, offset)[0]) != value:
        value = again
    return value


class CacheVersions:
    PREFIX = "pagecache:version:"

    def read(self, *scopes: str) -> str:
        """'<version>.<version>…' for these scopes, in one round trip to the cache."""
        keys = [self.PREFIX + scope for scope in scopes]
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                # Start from the clock, not 1: after a cache flush, old keys (and pages kept in a
                # worker's memory under them) must never match again.
                cache.add(key, _fresh_version(), timeout=None)
                found[key] = cache.get(key, 0)
        return ".".join(str(found[key]) for key in keys)

    def bump(self, scope: str) -> None:
        key = self.PREFIX + scope
        if cache.add(key, _fresh_version(), timeout=None):
            return
        try:
            if cache.incr(key) is not None:  # None: the cache could not write; start afresh
                return
        except ValueError:  # evicted between add and incr
            pass
        cache.set(key, _fresh_version(), timeout=None)


def _fresh_version() -> int:
    return time.time_ns() // 1000
