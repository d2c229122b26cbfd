"""/healthz: what this app server's dependencies can do right now, each named.

- database: "ok", "read-only" (it answers but refuses writes: a read-only file or disk, a
  PostgreSQL replica or read-only transaction), "not migrated", or "unreachable";
- cache: "ok" or "unreachable" (Redis away: the site still answers, ResilientRedisCache);
- disk: "ok" or "full" (the data dir's free space under COMMENTARIAT["DISK_FREE_MIN_MB"]).

200 when all are "ok", else 503, so a load balancer takes the server out while it cannot
store what readers send.
"""

import logging
import shutil

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# A write that changes nothing, rolled back: it needs the write lock and a writable database.
_WRITE_PROBE = "UPDATE django_migrations SET app = app WHERE id = (SELECT MIN(id) FROM django_migrations)"


class _RollBack(Exception):
    pass


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure is the answer, logged for the operator
        logger.exception("Health check: database unreachable")
        return "unreachable"
    try:
        _probe_write()
    except DatabaseError as error:
        message = str(error).lower()
        if "lock" in message:  # busy with writers is not broken
            return "ok"
        if "no such table" in message or "does not exist" in message:
            return "not migrated"
        logger.warning("Health check: the database refuses writes (%s)", error)
        return "read-only"
    return "ok"


def _probe_write() -> None:
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:  # ask once, briefly: the health check must not queue behind writers
            cursor.execute("PRAGMA busy_timeout")
            waited = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout = 500")
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_WRITE_PROBE)
            raise _RollBack
    except _RollBack:
        pass
    finally:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")


def check_cache() -> str:
    try:
        cache.set("healthz", "ok", timeout=10)
        return "ok" if cache.get("healthz") == "ok" else "unreachable"
    except Exception:
        logger.exception("Health check: cache unreachable")
        return "unreachable"


def check_disk() -> str:
    free = shutil.disk_usage(settings.DATA_DIR).free
    return "ok" if free >= settings.COMMENTARIAT["DISK_FREE_MIN_MB"] * 2**20 else "full"


@never_cache
@require_safe
def healthz(request):
    checks = {"database": check_database(), "cache": check_cache(), "disk": check_disk()}
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
