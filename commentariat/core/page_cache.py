"""Full-page cache for anonymous readers, with exact invalidation by version numbers.

A view opts in by setting request.page_cache_scope: "lists" (pages listing posts) or
"post:<id>" (one post's pages). A cached page is stored under a key holding the
versions of the site ("site": policy, switches) and of its scope; saving a comment
bumps its post's version, so exactly that post's pages stop being served.

Per-reader parts of a page are punched back in on every hit: the CSRF token and the
comment form's signed start time are stored as markers and replaced with fresh values.
The ETag is the stored page's, so a browser revalidating gets a 304 until it changes.

Never cached, never served from the cache: requests with a session (staff, or a reader
with a comment awaiting moderation) or the remember-me cookie (their details are in the
form), anything but GET/HEAD, and responses that are not a plain 200.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control

from .form_timing import started_token

_CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_STARTED_FIELD = re.compile(r'(name="started" value=")[^"]*(")')
_CSRF_MARKER, _STARTED_MARKER = "__csrf__", "__started__"
_VERSION_PREFIX = "pagecache:version:"


def bump(scope: str) -> None:
    """Invalidate every cached page of a scope: 'site', 'lists', or 'post:<id>'."""
    key = _VERSION_PREFIX + scope
    if not cache.add(key, 2, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 2, timeout=None)


def cache_page_as(request, scope: str) -> None:
    """Mark this request's page as cacheable for anonymous readers, under a scope."""
    request.page_cache_scope = scope


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return _personal(self.get_response(request))
        path_key = "pagecache:where:" + _digest(request.get_full_path())
        scope = cache.get(path_key)
        if scope is not None:
            body = cache.get(_page_key(request, scope))
            if body is not None:
                return _serve(request, body, hit=True)
        response = self.get_response(request)
        scope = getattr(request, "page_cache_scope", None)
        if scope is None or response.status_code != 200 or response.streaming:
            return response if scope is not None else _personal(response)
        body = _STARTED_FIELD.sub(rf"\g<1>{_STARTED_MARKER}\g<2>", response.content.decode(response.charset))
        body = _CSRF_FIELD.sub(rf"\g<1>{_CSRF_MARKER}\g<2>", body)
        timeout = settings.COMMENTARIAT["PAGE_CACHE_SECONDS"]
        cache.set_many({path_key: scope, _page_key(request, scope): body}, timeout=timeout)
        return _serve(request, body, hit=False)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.COMMENTARIAT["PAGE_CACHE"]:
        return False
    personal = [settings.SESSION_COOKIE_NAME, *settings.COMMENTARIAT["PAGE_CACHE_BYPASS_COOKIES"]]
    return not any(name in request.COOKIES for name in personal)


def _page_key(request, scope: str) -> str:
    versions = f"{cache.get(_VERSION_PREFIX + 'site', 1)}.{cache.get(_VERSION_PREFIX + scope, 1)}"
    return f"pagecache:page:{scope}:{versions}:{_digest(request.get_full_path())}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _serve(request, body: str, *, hit: bool) -> HttpResponse:
    etag = f'"{_digest(body)[:32]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        if _CSRF_MARKER in body:
            body = body.replace(_CSRF_MARKER, get_token(request))
        if _STARTED_MARKER in body:
            body = body.replace(_STARTED_MARKER, started_token())
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    response["X-Page-Cache"] = "hit" if hit else "miss"
    # Revalidate every time: the ETag makes that a cheap 304 while the page is unchanged.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def _personal(response) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    return response
