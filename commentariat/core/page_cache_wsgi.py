"""Page-cache hits answered in front of Django, for throughput close to a static file server.

A hit here skips the whole middleware stack. What the middleware would have added is not
recomputed: when PageCacheMiddleware stores a page, this layer keeps the final headers
Django sent with it (security headers, Content-Security-Policy, Vary, Cache-Control), minus
the per-request ones, and replays them. What differs per reader is done here: the CSRF
token and cookie (as CsrfViewMiddleware would), the form's start time, the ETag/304.

Whenever anything is unusual (a session, a host Django would refuse, plain HTTP where HTTPS
is required, headers not yet kept), the request goes to Django as usual.
"""

import logging
import os
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils.http import http_date

from .compression import chosen_encoding, etag_matches, weak_etag
from .page_cache import STORED_KEY, _address, cacheable, compressed_hit, local_headers, lookup, personal_cookies

logger = logging.getLogger(__name__)

try:  # Django's own CSRF helpers; without them this layer steps aside and Django answers.
    from django.middleware.csrf import (
        CSRF_ALLOWED_CHARS,
        CSRF_SECRET_LENGTH,
        InvalidTokenFormat,
        _check_token_format,
    )
except ImportError:  # pragma: no cover - a future Django
    CSRF_ALLOWED_CHARS = None

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
        self.csrf_cookie = settings.CSRF_COOKIE_NAME
        self.cookie_suffix = _cookie_attributes()
        self.cookie_max_age = settings.CSRF_COOKIE_AGE
        self.loaded = True
        return self


_settings = _Settings()


@receiver(setting_changed)
def _settings_changed(**kwargs):
    _settings.loaded = False


def _cookie_attributes() -> str:
    """What Django's set_cookie appends to the CSRF cookie, except its expiry date."""
    parts = [f"Max-Age={settings.CSRF_COOKIE_AGE}" if settings.CSRF_COOKIE_AGE else ""]
    if settings.CSRF_COOKIE_DOMAIN:
        parts.append(f"Domain={settings.CSRF_COOKIE_DOMAIN}")
    parts.append(f"Path={settings.CSRF_COOKIE_PATH}")
    if settings.CSRF_COOKIE_SAMESITE:
        parts.append(f"SameSite={settings.CSRF_COOKIE_SAMESITE}")
    if settings.CSRF_COOKIE_SECURE:
        parts.append("Secure")
    if settings.CSRF_COOKIE_HTTPONLY:
        parts.append("HttpOnly")
    return "; ".join(part for part in parts if part)


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
    if CSRF_ALLOWED_CHARS is None or not config.enabled:
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
    page_key, (body, etag) = found
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
    secret, cookie_header = _csrf_secret(cookies.get(config.csrf_cookie, ""), config)
    body = compressed_hit(page_key, body, lambda: _mask_cipher_secret(secret), encoding)
    if encoding:
        headers.append(("Content-Encoding", encoding))
    headers.append(("Content-Length", str(len(body))))
    if cookie_header:
        headers.append(("Set-Cookie", cookie_header))
    return "200 OK", headers, body


def _host_allowed(host: str, config) -> bool:
    allowed = config.checked_hosts.get(host)
    if allowed is None:
        allowed = validate_host(split_domain_port(host)[0], config.allowed_hosts)
        if len(config.checked_hosts) < 64:  # Host headers are the client's: keep only a few
            config.checked_hosts[host] = allowed
    return allowed


def _csrf_secret(cookie: str, config) -> tuple[str, str | None]:
    """The reader's CSRF secret, and a Set-Cookie header when a new one had to be made."""
    if len(cookie) == CSRF_SECRET_LENGTH:
        try:
            _check_token_format(cookie)
            return cookie, None
        except InvalidTokenFormat:
            pass
    secret = _random_chars(CSRF_SECRET_LENGTH)
    return secret, f"{config.csrf_cookie}={secret}; {_cookie_expiry(config)}{config.cookie_suffix}"


def _cookie_expiry(config, _memo={"second": None, "text": ""}) -> str:  # noqa: B006 (a memo)
    """'expires=<date>; ' as Django writes it for the CSRF cookie, made once a second."""
    if not config.cookie_max_age:
        return ""
    second = int(time.time())
    if _memo["second"] != second:
        _memo.update(second=second, text=f"expires={http_date(second + config.cookie_max_age)}; ")
    return _memo["text"]


def _is_secure(environ, config) -> bool:
    if environ.get("wsgi.url_scheme") == "https":
        return True
    header = config.proxy_ssl_header
    return bool(header) and environ.get(header[0], "").split(",")[0].strip() == header[1]


def _mask_cipher_secret(secret: str) -> str:
    """A masked CSRF token for a secret, in Django's format (mask + cipher), made faster.

    Django adds each mask character's position in the alphabet to the secret's, modulo its
    size, one character at a time. Here the positions are bytes (at most 61 each), so adding
    the two byte strings as big integers adds every position at once without carries, and a
    table maps each sum back to a character. tests/core/test_page_cache_wsgi.py unmasks the
    result with Django's own function.
    """
    mask = _random_positions(CSRF_SECRET_LENGTH)
    sums = int.from_bytes(secret.encode().translate(_POSITION_OF), "big") + int.from_bytes(mask, "big")
    return (
        mask.translate(_CHAR_AT).decode()
        + sums.to_bytes(CSRF_SECRET_LENGTH, "big").translate(_CHAR_AT).decode()
    )


def _random_chars(length: int) -> str:
    return _random_positions(length).translate(_CHAR_AT).decode()


def _random_positions(length: int) -> bytes:
    """Uniformly random positions in the CSRF alphabet (0–61), from the OS's CSPRNG.

    Random bytes past the last whole multiple of the alphabet's size are dropped (no modulo
    bias). The OS is asked for a few kilobytes at a time, one system call per ~60 tokens
    instead of two per hit; the pool belongs to one process (refilled after a fork, so two
    workers never hand out the same bytes) and each byte is used once.
    """
    pool = _pool
    if pool["pid"] != os.getpid():
        pool.update(pid=os.getpid(), bytes=b"")
    while len(pool["bytes"]) < length:
        pool["bytes"] += secrets.token_bytes(4096).translate(_POSITION_OF_BYTE, _UNEVEN)
    picked, pool["bytes"] = pool["bytes"][:length], pool["bytes"][length:]
    return picked


_pool: dict = {"pid": None, "bytes": b""}

if CSRF_ALLOWED_CHARS is not None:
    _SIZE = len(CSRF_ALLOWED_CHARS)
    _UNEVEN = bytes(range(256 - 256 % _SIZE, 256))
    _POSITION_OF_BYTE = bytes(byte % _SIZE for byte in range(256))
    _POSITION_OF = bytes(CSRF_ALLOWED_CHARS.find(chr(byte)) % 256 for byte in range(256))
    _CHAR_AT = bytes(ord(CSRF_ALLOWED_CHARS[byte % _SIZE]) for byte in range(256))  # sums up to 122
