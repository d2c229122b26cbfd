"""Reads from a read replica where that is safe; writes, and a writer's next reads, on the primary.

With DATABASE_REPLICA_URL set (the alias "replica"), the reads of GET and HEAD requests go to the
replica, except:

- a reader who wrote within the last REPLICA_PIN_SECONDS: the answer to a request that wrote sets
  the cookie `commentariat_wrote`, and while it lasts that reader's reads go to the primary, so an
  author always sees their own comment, whatever the replica's lag. (It is one of the page cache's
  bypass cookies too: through Varnish or the in-process cache, that reader gets a page made for them.)
- a page that will be shared (stored by the page cache, or by Varnish/a CDN, or keyed by a page
  version like the PDF): from the moment its version is read (core/page_cache.py calls
  read_from_primary()), so a lagging replica can never store an old page under a version, or after
  a purge, that announced the new one;
- reads inside a transaction on the primary (what is being written is read back);
- a request that has written (its later reads are on the primary);
- everything outside a request: the task worker and commands read the primary, since a task queued
  after a commit must find what was committed.

Without a replica the router answers "default" everywhere and the middleware does nothing.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
WROTE_COOKIE = "commentariat_wrote"


@dataclass
class _Reads:
    replica_allowed: bool
    wrote: bool = False


_current: ContextVar[_Reads | None] = ContextVar("commentariat_replica_reads", default=None)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def read_from_primary() -> None:
    """From now on, this request reads the primary (its answer will be shared)."""
    reads = _current.get()
    if reads is not None:
        reads.replica_allowed = False


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _current.get()
        if reads is None or not reads.replica_allowed or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        reads = _current.get()
        if reads is not None:
            reads.wrote = True
            reads.replica_allowed = False
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Decides, per request, whether its reads may go to the replica, and pins a writer to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = has_replica()
        self.pin_seconds = settings.COMMENTARIAT["REPLICA_PIN_SECONDS"]

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        allowed = request.method in ("GET", "HEAD") and WROTE_COOKIE not in request.COOKIES
        reads = _Reads(replica_allowed=allowed)
        token = _current.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if reads.wrote:
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=self.pin_seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
