"""Page-cache hits answered in front of Django, for throughput close to a static file server.

A hit here skips the whole middleware stack. What the middleware would have added is not
recomputed: when PageCacheMiddleware stores a page, this layer keeps the final headers
Django sent with it (security headers, Content-Security-Policy, Vary, Cache-Control and the
purge keys), minus the per-request ones, and replays them. A cached page is the same for every
reader (no token, no cookie), so a hit only picks its encoding and answers the ETag/304.

Whenever anything is unusual (a session, a host Django would refuse, plain HTTP where HTTPS
is required, headers not yet kept), the request goes to Django as usual.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import parse_cookie
from django.http.request import split_domain_port, validate_host

from .compression import chosen_encoding, etag_matches, weak_etag
from .page_cache import STORED_KEY, _address, cacheable, compressed_hit, local_headers, lookup, personal_cookies

logger = logging.getLogger(__name__)

# Content-Encoding too: each hit is compressed as its own reader's browser accepts.
_PER_REQUEST_HEADERS = {"set-cookie", "content-length", "etag", "x-page-cache", "date", "content-encoding"}


class _Settings:
    """The settings a hit reads, looked up once (reading Django's lazy settings costs ~0.5 µs each).

    Refreshed whenever a setting changes (tests override settings; production never does).
    """

    def __init__(self):
        self.loaded = False

    def load(self):
        self.enabled = settings.COMMENTARIAT["PAGE_CACHE"]
        self.personal_cookies = personal_cookies()
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT
        self.proxy_ssl_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        self.allowed_hosts = list(settings.ALLOWED_HOSTS)
        self.checked_hosts: dict[str, bool] = {}
        self.loaded = True
        return self


_settings = _Settings()


@receiver(setting_changed)
def _settings_changed(**kwargs):
    _settings.loaded = False


class PageCacheApplication:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            answer = answer_from_cache(environ)
        except Exception:  # the cache is an optimisation: on any trouble, Django answers
            logger.exception("Page cache fast path failed")
            answer = None
        if answer is not None:
            status, headers, body = answer
            start_response(status, headers)
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
        captured = {}

        def capture(status, headers, exc_info=None):
            if status.startswith("200"):  # a 304's headers would serve later readers no Content-Type
                captured["headers"] = headers
            return start_response(status, headers, exc_info)

        result = self.application(environ, capture)
        page_key = environ.get(STORED_KEY)
        if page_key and "headers" in captured:
            try:
                cache.set(*headers_to_keep(page_key, captured["headers"]))
            except Exception:  # the next hit goes through Django instead
                logger.warning("Page cache: could not keep the headers of %s", page_key, exc_info=True)
        return result


def headers_to_keep(page_key: str, headers) -> tuple[str, list, int]:
    """(cache key, headers, timeout): the headers Django sent with a page it just stored, minus
    the per-request ones, for the hits that will be answered here."""
    kept = [(name, value) for name, value in headers if name.lower() not in _PER_REQUEST_HEADERS]
    return page_key + ":headers", kept, settings.COMMENTARIAT["PAGE_CACHE_SECONDS"]


def answer_from_cache(environ):
    """(status, headers, body) for a request a cached page answers, or None for Django."""
    config = _settings if _settings.loaded else _settings.load()
    if not config.enabled:
        return None
    cookie_header = environ.get("HTTP_COOKIE", "")
    cookies = parse_cookie(cookie_header) if cookie_header else {}
    if not cacheable(environ["REQUEST_METHOD"], cookies, config.personal_cookies):
        return None
    if config.ssl_redirect and not _is_secure(environ, config):
        return None
    host = environ.get("HTTP_HOST", "")
    path = environ.get("PATH_INFO", "/")
    if not host or not path.isascii() or not _host_allowed(host, config):
        return None
    query = environ.get("QUERY_STRING", "")
    found = lookup(_address(host, path + (f"?{query}" if query else "")))
    if found is None:
        return None
    page_key, (body, etag), _ = found
    headers = local_headers.get(page_key)
    if headers is None:
        headers = cache.get(page_key + ":headers")
        if headers is None:
            return None
        local_headers[page_key] = headers
    encoding = chosen_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
    headers = [*headers, ("ETag", weak_etag(etag) if encoding else etag), ("X-Page-Cache", "hit")]
    if etag_matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
        return "304 Not Modified", headers, b""
    body = compressed_hit(page_key, body, encoding)
    if encoding:
        headers.append(("Content-Encoding", encoding))
    headers.append(("Content-Length", str(len(body))))
    return "200 OK", headers, body


def _host_allowed(host: str, config) -> bool:
    allowed = config.checked_hosts.get(host)
    if allowed is None:
        allowed = validate_host(split_domain_port(host)[0], config.allowed_hosts)
        if len(config.checked_hosts) < 64:  # Host headers are the client's: keep only a few
            config.checked_hosts[host] = allowed
    return allowed


def _is_secure(environ, config) -> bool:
    if environ.get("wsgi.url_scheme") == "https":
        return True
    header = config.proxy_ssl_header
    return bool(header) and environ.get(header[0], "").split(",")[0].strip() == header[1]
