"""Full-page cache for anonymous readers, with exact invalidation by version numbers.

A view opts in by setting request.page_cache_scope: "lists" (pages listing posts) or
"post:<id>" (one post's pages). A cached page is stored under a key holding the
versions of the site ("site": policy, switches) and of its scope; saving a comment
bumps its post's version, so exactly that post's pages stop being served.

A page is the same for every anonymous reader, byte for byte: it holds no CSRF token
(anonymous forms are protected by their Origin, core/csrf.py), and the comment form's start
time is the one it was rendered with (refreshed by script on first focus, discussion/forms.py).
So the same page can be kept by a shared cache in front of the app (Varnish, a CDN): it is
sent with `Cache-Control: public, max-age=0, s-maxage=…, stale-while-revalidate=30` and its
purge keys (`Surrogate-Key`, `xkey`, `Cache-Tag`: "site", plus "lists" or "post-<id>"), and
bump() asks the configured purger (core/purgers.py) to drop those keys after the commit.
The ETag is the stored page's, so a browser revalidating gets a 304 until it changes.

Never shared, never cached, never served from the cache: requests with a session (staff, or
a reader with a comment awaiting moderation) or another personal cookie (remembered details,
edit grants, messages, post passwords), anything but GET/HEAD, and responses that are not a
plain 200; those are `Cache-Control: private`.
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
from django.utils.cache import patch_cache_control, patch_vary_headers

from . import compression, purgers
from .archive_mode import is_static_archive
from .page_versions import CacheVersions, FileVersions

logger = logging.getLogger(__name__)

_LOCAL_PAGES = 200
_local: dict[str, tuple[bytes, str]] = {}
_recent: dict[str, tuple[str, str, str]] = {}  # address → (scope, versions, page key) last hit here
local_headers: dict[str, list] = {}  # kept by the WSGI layer, under the same versioned keys
STORED_KEY = "commentariat.page_cache.stored"


def bump(*scopes: str) -> None:
    """Invalidate every cached page of these scopes ('site', 'lists', or 'post:<id>') once the
    current transaction commits (at once outside one), here and in the shared cache in front.

    Bumped before the commit, a reader arriving in between would read the new version and the
    old rows, and store the old page under the new version for everyone.
    """
    store = _version_store()
    for scope in scopes:
        after_commit(_bumping(store, scope))
    keys = [purge_key(scope) for scope in scopes]

    def purge_shared_caches():
        # After the versions, all keys in one request: a cache refilling at once gets the new page.
        purgers.purge(keys)

    after_commit(purge_shared_caches)


def _bumping(store, scope: str):
    def bump_version():  # a named function: Django logs a failing on_commit callback by its name
        store.bump(scope)

    return bump_version


def purge_key(scope: str) -> str:
    """The key a shared cache knows a scope's pages by: "site", "lists", "post:12" → "post-12"."""
    return scope.replace(":", "-")


def purge_keys(scope: str) -> list[str]:
    """Every key a page of this scope carries: the site's, and its own."""
    return ["site"] if scope == "site" else ["site", purge_key(scope)]


def after_commit(callback) -> None:
    """Run callback when the current transaction commits, or now when there is none.

    Robust: the change is committed by then, so a version store that fails (Redis away) costs
    stale pages until they expire, never the reader's answer or the other after-commit work.
    """
    transaction.on_commit(callback, robust=True)


def _versions(scope: str) -> str:
    """The versions of the site and of scope, as one string (part of the page's key)."""
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
    """Mark this request's page as the same for every anonymous reader, under a scope: kept by
    the page cache here and by shared caches in front; True if it is.

    Call it before reading what the page shows: the scope's version is read here, so that a
    change committed while the page renders leaves this page under the old version (unused),
    never a stale page under the new one, and is not offered to shared caches either. (What was
    read before the call must be read again.)
    """
    if not _shareable_request(request):
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
        if not _shareable_request(request):
            return _personal(self.get_response(request))
        stored_here = settings.COMMENTARIAT["PAGE_CACHE"]
        address = _address(request.get_host(), request.get_full_path())
        if stored_here:
            try:
                found = lookup(address)
            except Exception:  # the cache is an optimisation: without it, Django renders the page
                logger.warning("Page cache: could not look up %s", address, exc_info=True)
                found = None
            if found is not None:
                answer = _serve(request, found[1], found[2], hit=True)
                if answer.status_code == 200 and found[0] not in local_headers:
                    # The headers a 304 left unkept: this hit keeps them, so the fast path answers again.
                    _keep_headers_of(request, found[0])
                return answer
        response = self.get_response(request)
        scope = getattr(request, "page_cache_scope", None)
        if scope is None or response.status_code != 200 or response.streaming or response.cookies:
            return _personal(response)  # (a cookie set by the view makes the page someone's)
        if _changed_while_rendering(scope, request.page_cache_versions):
            # A change committed meanwhile: its purge may already have passed the shared cache,
            # which would keep this old page until it expires. This reader alone gets it.
            return _personal(response)
        body = response.content
        page = (body, _etag(body))
        page_key = _page_key(address, scope, request.page_cache_versions)
        if not stored_here:
            return _serve(request, page, scope, hit=None, template=response)
        try:
            cache.set_many({_where_key(address): scope, page_key: page}, timeout=_timeout())
        except Exception:  # a full disk under the cache must not cost the reader the page
            logger.warning("Page cache: could not store %s", address, exc_info=True)
            return _serve(request, page, scope, hit=False, template=response)
        answer = _serve(request, page, scope, hit=False, template=response)
        if answer.status_code == 200:
            # Never a 304's headers: they lack Content-Type, and every later reader would get the
            # page without it.
            _keep_headers_of(request, page_key)
        return answer


# The form's start time changes with the second the page is rendered and nothing else: a page
# rendered again (after a change elsewhere in its scope) with the same content keeps its ETag,
# so browsers and shared caches revalidating get a 304.
_STARTED_VALUE = re.compile(rb'(name="started" value=")[^"]*(")')


def _etag(body: bytes) -> str:
    digest = _digest_bytes(_STARTED_VALUE.sub(rb"\1\2", body))
    return f'"{digest[:32]}"'


def _changed_while_rendering(scope: str, versions: str) -> bool:
    try:
        return _versions(scope) != versions
    except Exception:  # the version store went away meanwhile: do not share what cannot be checked
        return True


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
    """(page key, (body, etag), scope) of the current cached page at an address, or None."""
    known = _recent.get(address)
    if known is not None:
        # The page this worker served here last, still current if its scope's versions are:
        # one read of the version store. (If the address now belongs to another post, the old
        # post was changed or deleted, which bumped its scope: this check fails and the shared
        # address map below answers.)
        scope, versions, page_key = known
        page = _local.get(page_key)
        if page is not None and _versions(scope) == versions:
            return page_key, page, scope
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
    return page_key, page, scope


_compressed: dict[tuple[str, str], bytes] = {}  # (page key, encoding) → the body compressed once


def compressed_hit(page_key: str, body: bytes, encoding: str | None) -> bytes:
    """A hit's body compressed as encoding (or not, for None): the same for every reader, so
    compressed once per worker and page."""
    if encoding is None:
        return body
    found = _compressed.get((page_key, encoding))
    if found is None:
        if len(_compressed) >= _LOCAL_PAGES:
            _compressed.pop(next(iter(_compressed)))
        found = _compressed[page_key, encoding] = compression.compress(body, encoding)
    return found


def _shareable_request(request) -> bool:
    if is_static_archive(request):  # an archive page must never reach readers, nor they it
        return False
    return cacheable(request.method, request.COOKIES)


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
    # "page2": whole pages; "page" held pages split around per-reader holes.
    return f"pagecache:page2:{scope}:{versions or _versions(scope)}:{_digest(address)}"


def _digest(text: str) -> str:
    return _digest_bytes(text.encode())


def _digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _remember_locally(key: str, page) -> None:
    # Each worker keeps the hottest pages already unpickled; keys carry versions, so never stale.
    if key not in _local:
        if len(_local) >= _LOCAL_PAGES:
            old = next(iter(_local))
            _local.pop(old)
            local_headers.pop(old, None)
        _local[key] = page


def _serve(request, page: tuple[bytes, str], scope: str, *, hit: bool | None, template=None) -> HttpResponse:
    """The page as every anonymous reader gets it (a 304 when their copy is current); a miss
    keeps the headers Django gave it (template). hit: None when the page cache here is off."""
    body, etag = page
    if compression.etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    elif template is not None:
        response = template
    else:
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    if hit is not None:
        response["X-Page-Cache"] = "hit" if hit else "miss"
    mark_shared(response, scope)
    return response


def shared_cache_control() -> str:
    """Browsers revalidate every time (a cheap 304 by the ETag); shared caches keep the page."""
    seconds = settings.COMMENTARIAT["SHARED_CACHE_SECONDS"]
    return f"public, max-age=0, s-maxage={seconds}, stale-while-revalidate=30"


def mark_shared(response, scope: str) -> None:
    """Headers that let a shared cache keep a page every anonymous reader gets, and purge it by key."""
    keys = purge_keys(scope)
    # A request with a cookie may get another page (a session, remembered details): caches that
    # do not know which cookies matter must not give it this one. Varnish strips the others.
    patch_vary_headers(response, ("Cookie",))
    response["Cache-Control"] = shared_cache_control()
    response["Surrogate-Key"] = response["xkey"] = " ".join(keys)
    response["Cache-Tag"] = ",".join(keys)


def _personal(response) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    return response
