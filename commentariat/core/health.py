"""/healthz: can this app server reach its database and cache? Says nothing else about itself."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # any failure is the answer, logged for the operator
        logger.exception("Health check: database unreachable")
        return False


def _check_cache() -> bool:
    try:
        cache.set("healthz", "ok", timeout=10)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.exception("Health check: cache unreachable")
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _check_database(), "cache": _check_cache()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{k: "ok" if v else "failing" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
