"""Page-cache hits answered in front of Django under an ASGI server, as page_cache_wsgi does
under WSGI: the same decision (`answer_from_cache`) on a WSGI-style view of the request.

What a hit reads is in this process's memory or a memory-mapped file; only the first hit of a
page in a worker reads the shared cache, briefly blocking the event loop (as Django's own
synchronous cache calls would).
"""

import logging

from django.core.cache import cache

from .page_cache import STORED_KEY
from .page_cache_wsgi import answer_from_cache, headers_to_keep

logger = logging.getLogger(__name__)


class PageCacheASGIApplication:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        try:
            answer = answer_from_cache(_environ(scope))
        except Exception:  # the cache is an optimisation: on any trouble, Django answers
            logger.exception("Page cache fast path failed")
            answer = None
        if answer is not None:
            status, headers, body = answer
            await send(
                {
                    "type": "http.response.start",
                    "status": int(status[:3]),
                    "headers": [
                        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
            return None
        captured = {}

        async def capture(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                captured["headers"] = [
                    (name.decode("latin-1"), value.decode("latin-1")) for name, value in message["headers"]
                ]
            await send(message)

        await self.application(scope, receive, capture)
        page_key = scope.get(STORED_KEY)  # set by PageCacheMiddleware on the request's scope
        if page_key and "headers" in captured:
            try:
                await cache.aset(*headers_to_keep(page_key, captured["headers"]))
            except Exception:  # the next hit goes through Django instead
                logger.warning("Page cache: could not keep the headers of %s", page_key, exc_info=True)
        return None


def _environ(scope) -> dict:
    """The parts of a WSGI environ that answer_from_cache reads, from an ASGI scope (headers
    joined as Django's ASGIRequest joins them)."""
    environ = {
        "REQUEST_METHOD": scope["method"],
        "PATH_INFO": scope["path"],
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "wsgi.url_scheme": scope.get("scheme", "http"),
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = "HTTP_" + raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "HTTP_COOKIE":
            value = value.rstrip("; ")
            if name in environ:
                value = environ[name] + "; " + value
        elif name in environ:
            value = environ[name] + "," + value
        environ[name] = value
    return environ
