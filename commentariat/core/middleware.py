"""Turn an unreachable or locked database into a 503 the reader can act on.

SQLite answers "database is locked" once the busy timeout runs out; PostgreSQL
raises OperationalError when it is down. Either way the request did not change
anything, so the honest answer is "try again shortly", not a stack trace.
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
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


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
