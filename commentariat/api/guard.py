"""Who may write through the API: JSON only, from this site's own pages or its embed origins, at
a bounded rate.

A page on another site can make its visitors' browsers send a "simple" request without asking
first: a form post, or fetch() with text/plain. A JSON body is not simple, so the browser first
asks (a CORS preflight), and only the embed origins are answered. Browsers name the page's origin
in the Origin header (older ones at least Sec-Fetch-Site) and page scripts cannot change it, so a
write naming another origin is refused before any endpoint reads it. Clients that are not
browsers can say anything: for them, the submission limits below.

The comment form proves a person a little (a hidden field, a signed start time); a JSON client
cannot, so its submissions, the API's and the embed's alike, are counted per IP address and per
email address each hour, besides the screener's per-minute flood control.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from ninja.parser import Parser

from commentariat.core.net import client_ip
from commentariat.core.rate_limit import over_limit

from .exceptions import TooManySubmissions

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_HOUR = 3600


def origin_of(url: str) -> str:
    """scheme://host[:port] of an address, lower-cased; '' when it has none."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_embed_origin(origin: str) -> bool:
    return bool(origin) and origin.rstrip("/").lower() in {
        allowed.lower() for allowed in settings.COMMENTARIAT["EMBED_ORIGINS"]
    }


def own_origins(request: HttpRequest) -> set[str]:
    """The site's own origins: its configured address, its trusted origins, the one asked."""
    origins = {origin_of(settings.COMMENTARIAT["SITE_URL"])}
    origins.update(origin_of(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS)
    try:
        origins.add(origin_of(f"{request.scheme}://{request.get_host()}"))
    except DisallowedHost:
        pass
    return origins - {""}


def is_foreign_write(request: HttpRequest) -> bool:
    """A write sent by a page of another site (not one of the embed origins)."""
    if request.method in SAFE_METHODS:
        return False
    origin = request.headers.get("Origin", "")
    if origin:
        return origin.rstrip("/").lower() not in own_origins(request) and not is_embed_origin(origin)
    return request.headers.get("Sec-Fetch-Site", "") == "cross-site"


class NotJson(Exception):
    """A body sent as something other than application/json."""


class JsonOnlyParser(Parser):
    """Bodies are read as JSON only when they say they are (text/plain JSON is a simple request)."""

    def parse_body(self, request: HttpRequest):
        if request.content_type != "application/json":
            raise NotJson(request.content_type)
        return super().parse_body(request)


def check_submission_limits(request: HttpRequest, *, author_email: str) -> None:
    """Count one comment submitted by a JSON client; raises TooManySubmissions past a limit."""
    limits = settings.COMMENTARIAT
    ip = client_ip(request)
    counters = [
        ("ip", f"api:ip:{ip}" if ip else None, limits["API_COMMENTS_PER_IP_PER_HOUR"]),
        ("email", f"api:email:{author_email.strip().lower()}", limits["API_COMMENTS_PER_EMAIL_PER_HOUR"]),
    ]
    for kind, key, limit in counters:
        if key and limit:
            retry_after = over_limit(key, limit=limit, window_seconds=_HOUR)
            if retry_after:
                raise TooManySubmissions(kind, retry_after)
