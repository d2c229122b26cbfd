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
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control

from . import compression
from .archive_mode import is_static_archive
from .form_timing import started_token
from .page_versions import CacheVersions, FileVersions
from .replica import read_from_primary

logger = logging.getLogger(__name__)

_CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_STARTED_FIELD = re.compile(r'(name="started" value=")[^"]*(")')
_CSRF_MARKER, _STARTED_MARKER = "__csrf__", "__started__"
_CSRF_MARKER_BYTES, _STARTED_MARKER_BYTES = _CSRF_MARKER.encode(), _STARTED_MARKER.encode()
# Pages are stored split around the markers, so that a hit joins pieces instead of searching.
_MARKERS = re.compile(b"(" + _CSRF_MARKER_BYTES + b"|" + _STARTED_MARKER_BYTES + b")")
_LOCAL_PAGES = 200
_local: dict[str, tuple[tuple[bytes, ...], str]] = {}
_recent: dict[str, tuple[str, str, str]] = {}  # address → (scope, versions, page key) last hit here
local_headers: dict[str, list] = {}  # kept by the WSGI layer, under the same versioned keys
STORED_KEY = "commentariat.page_cache.stored"


def bump(scope: str) -> None:
    """Invalidate every cached page of a scope: 'site', 'lists', or 'post:<id>', once the current
    transaction commits (at once outside one).

    Bumped before the commit, a reader arriving in between would read the new version and the
    old rows, and store the old page under the new version for everyone.
    """
    store = _version_store()

    def bump_version():
        store.bump(scope)

    after_commit(bump_version)


def after_commit(callback) -> None:
    """Run callback when the current transaction commits, or now when there is none.

    Robust: the change is committed by then, so a version store that fails (Redis away) costs
    stale pages until they expire, never the reader's answer or the other after-commit work.
    """
    transaction.on_commit(callback, robust=True)


def _versions(scope: str) -> str:
    """The versions of the site and of scope, as one string (part of the page's key).

    Whatever the request reads after this is keyed by these versions, so it reads the primary
    database from now on, never a replica that may lag behind them (core/replica.py)."""
    read_from_primary()
    return _version_store().read("site", scope)


def scope_version(scope: str) -> str:
    """A string that changes whenever anything shown under scope changes (for other caches
    that follow the pages', like the PDF of a post)."""
    return _versions(scope)


_store: dict = {"current": None}


def _version_store() -> FileVersions | CacheVersions:
    store = _store["current"]
    if store is None:
        where = settings.COMMENTARIAT["PAGE_VERSIONS"]  # a file, or "cache" (several machines)
        store = _store["current"] = CacheVersions() if where == "cache" else FileVersions(where)
    return store


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting == "COMMENTARIAT":  # tests point the versions elsewhere; production never does
        _store["current"] = None


def cache_page_as(request, scope: str) -> bool:
    """Mark this request's page as cacheable for anonymous readers, under a scope; True if it is.

    Call it before reading what the page shows: the scope's version is read here, so that a
    change committed while the page renders leaves this page under the old version (unused),
    never a stale page under the new one. (What was read before the call must be read again.)
    """
    if not _cacheable_request(request):
        return False
    try:
        request.page_cache_versions = _versions(scope)
    except Exception:  # the cache is an optimisation: without it, the page is not stored
        logger.warning("Page cache: could not read the version of %s", scope, exc_info=True)
        return False
    request.page_cache_scope = scope
    return True


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return _personal(self.get_response(request))
        address = _address(request.get_host(), request.get_full_path())
        try:
            found = lookup(address)
        except Exception:  # the cache is an optimisation: without it, Django renders the page
            logger.warning("Page cache: could not look up %s", address, exc_info=True)
            found = None
        if found is not None:
            answer = _serve(request, found[1], hit=True)
            if answer.status_code == 200 and found[0] not in local_headers:
                # The headers a 304 left unkept: this hit keeps them, so the fast path answers again.
                _keep_headers_of(request, found[0])
            return answer
        response = self.get_response(request)
        scope = getattr(request, "page_cache_scope", None)
        if scope is None or response.status_code != 200 or response.streaming:
            return response if scope is not None else _personal(response)
        body = _STARTED_FIELD.sub(rf"\g<1>{_STARTED_MARKER}\g<2>", response.content.decode(response.charset))
        body = _CSRF_FIELD.sub(rf"\g<1>{_CSRF_MARKER}\g<2>", body)
        page = (tuple(_MARKERS.split(body.encode())), f'"{_digest(body)[:32]}"')
        try:
            page_key = _page_key(address, scope, request.page_cache_versions)
            cache.set_many({_where_key(address): scope, page_key: page}, timeout=_timeout())
        except Exception:  # a full disk under the cache must not cost the reader the page
            logger.warning("Page cache: could not store %s", address, exc_info=True)
            return _serve(request, page, hit=False)
        answer = _serve(request, page, hit=False)
        if answer.status_code == 200:
            # Never a 304's headers: they lack Content-Type, and every later reader would get the
            # page without it.
            _keep_headers_of(request, page_key)
        return answer


def _keep_headers_of(request, page_key: str) -> None:
    """Ask the server-side layer (page_cache_wsgi/_asgi) to keep this response's final headers for
    its own hits; it finds the key in the WSGI environ or the ASGI scope."""
    request.META[STORED_KEY] = page_key
    if hasattr(request, "scope"):
        request.scope[STORED_KEY] = page_key


_expiry_hooks: list = []


def expire_pages_by(hook) -> None:
    """Register hook() → seconds until time alone changes what pages show (a scheduled post's
    time comes), or None; cached pages live no longer than that."""
    _expiry_hooks.append(hook)


def _timeout() -> int:
    timeout = settings.COMMENTARIAT["PAGE_CACHE_SECONDS"]
    for hook in _expiry_hooks:
        seconds = hook()
        if seconds is not None:
            timeout = max(1, min(timeout, int(seconds) + 1))
    return timeout


def lookup(address: str):
    """(page key, (body, etag)) of the current cached page at an address, or None."""
    known = _recent.get(address)
    if known is not None:
        # The page this worker served here last, still current if its scope's versions are:
        # one read of the version store. (If the address now belongs to another post, the old
        # post was changed or deleted, which bumped its scope: this check fails and the shared
        # address map below answers.)
        scope, versions, page_key = known
        page = _local.get(page_key)
        if page is not None and _versions(scope) == versions:
            return page_key, page
    scope = cache.get(_where_key(address))
    if scope is None:
        return None
    versions = _versions(scope)
    page_key = _page_key(address, scope, versions)
    page = _local.get(page_key) or cache.get(page_key)
    if page is None:
        return None
    _remember_locally(page_key, page)
    if len(_recent) >= _LOCAL_PAGES:
        _recent.pop(next(iter(_recent)))
    _recent[address] = (scope, versions, page_key)
    return page_key, page


def punch_holes(segments: tuple[bytes, ...], csrf_token) -> bytes:
    """The stored page with this reader's CSRF token and a fresh form start time."""
    if len(segments) == 1:
        return segments[0]
    return b"".join(_filled(segments, csrf_token))


def _filled(segments: tuple[bytes, ...], csrf_token) -> list[bytes]:
    holes = {_CSRF_MARKER_BYTES: csrf_token().encode(), _STARTED_MARKER_BYTES: started_token().encode()}
    return [holes.get(segment, segment) for segment in segments]


_HOLES = frozenset((_CSRF_MARKER_BYTES, _STARTED_MARKER_BYTES))
_deflated: dict[str, tuple] = {}  # page key → its fixed pieces deflated once (compression.py)


def compressed_hit(page_key: str, segments: tuple[bytes, ...], csrf_token, encoding: str | None) -> bytes:
    """A hit's body with this reader's holes filled, compressed as encoding (or not, for None)."""
    if encoding is None:
        return punch_holes(segments, csrf_token)
    if encoding == "br":
        return compression.compress(punch_holes(segments, csrf_token), "br")
    pieces = _deflated.get(page_key)
    if pieces is None:
        if len(_deflated) >= _LOCAL_PAGES:
            _deflated.pop(next(iter(_deflated)))
        pieces = _deflated[page_key] = compression.deflate_pieces(segments, _HOLES)
    return compression.gzip_joined(_filled(segments, csrf_token), pieces)


def _cacheable_request(request) -> bool:
    if is_static_archive(request):  # an archive page must never reach readers, nor they it
        return False
    return settings.COMMENTARIAT["PAGE_CACHE"] and cacheable(request.method, request.COOKIES)


def cacheable(method: str, cookies, personal: list[str] | None = None) -> bool:
    """GET or HEAD from a reader with nothing personal in the page: no session, no remembered details.
    (The WSGI layer passes personal_cookies() it read once.)"""
    if method not in ("GET", "HEAD"):
        return False
    return not any(name in cookies for name in (personal or personal_cookies()))


def personal_cookies() -> list[str]:
    """Cookies whose reader must get a page made for them: a session, remembered details, messages."""
    return [settings.SESSION_COOKIE_NAME, *settings.COMMENTARIAT["PAGE_CACHE_BYPASS_COOKIES"]]


def _address(host: str, full_path: str) -> str:
    # The host is part of the address: cached pages carry absolute URLs (canonical link, JSON-LD).
    return f"{host}{full_path}"


def _where_key(address: str) -> str:
    return "pagecache:where:" + _digest(address)


def _page_key(address: str, scope: str, versions: str | None = None) -> str:
    return f"pagecache:page:{scope}:{versions or _versions(scope)}:{_digest(address)}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _remember_locally(key: str, page) -> None:
    # Each worker keeps the hottest pages already unpickled; keys carry versions, so never stale.
    if key not in _local:
        if len(_local) >= _LOCAL_PAGES:
            old = next(iter(_local))
            _local.pop(old)
            local_headers.pop(old, None)
        _local[key] = page


def _serve(request, page: tuple[tuple[bytes, ...], str], *, hit: bool) -> HttpResponse:
    body, etag = page
    if compression.etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(
            punch_holes(body, lambda: get_token(request)), content_type="text/html; charset=utf-8"
        )
    response["ETag"] = etag
    response["X-Page-Cache"] = "hit" if hit else "miss"
    # Revalidate every time: the ETag makes that a cheap 304 while the page is unchanged.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def _personal(response) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    return response
