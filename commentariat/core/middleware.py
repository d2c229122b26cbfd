"""Turn an unreachable or locked database into a 503 the reader can act on.

SQLite answers "database is locked" once the busy timeout runs out, and refuses writes on a
read-only or full disk; PostgreSQL raises OperationalError when it is down, and refuses writes
as a replica. Either way the request did not change anything (its transaction was rolled
back), so the honest answer is "try again shortly", not a stack trace.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)) and not refuses_writes(exception):
            return None
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


def refuses_writes(exception) -> bool:
    """A database that answers but refuses writes: a read-only SQLite file or disk, a PostgreSQL
    replica or read-only transaction (SQLSTATE 25006), a full disk."""
    if not isinstance(exception, DatabaseError):
        return False
    cause = getattr(exception, "__cause__", None)
    if getattr(cause, "sqlstate", None) == "25006":
        return True
    message = str(exception).lower()
    return "readonly" in message or "read-only" in message or "disk is full" in message


def database_unavailable_response(request) -> HttpResponse:
    retry_after = settings.COMMENTARIAT["RETRY_AFTER_SECONDS"]
    try:
        body = render_to_string("503.html", {"retry_after": retry_after, "request": request})
    except DatabaseError:  # a context processor touching the database must not mask the page
        body = "<h1>Service temporarily unavailable</h1><p>Please try again in a moment.</p>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
