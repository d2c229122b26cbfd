"""CSRF for forms on pages every anonymous reader shares (the comment form, "Follow this
discussion", a protected post's password): checked by where the request comes from, not by a
per-reader token, so that the page can sit in a shared cache. Why: docs/security-csrf.md.

A view opts in with @csrf_by_origin. For a POST to it from a browser carrying no session
cookie: refused if `Sec-Fetch-Site` is present and not `same-origin` or `none`; else refused if
`Origin` is present and is neither this site's (scheme and host asked) nor one of
CSRF_TRUSTED_ORIGINS; else accepted (an old browser, or a client with no cookies: there is no
session for a forged request to ride on). A request carrying a session cookie (staff, or a
reader with a comment awaiting moderation) gets Django's full check, token included, and every
other view keeps Django's check as it is. A shared answer never carries the CSRF cookie (not even
the fresh one Django gives in place of a malformed one).
"""

from functools import wraps

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware

CROSS_SITE_REASON = "Cross-site request refused (Sec-Fetch-Site: %s)."
BAD_ORIGIN_REASON = "Cross-origin request refused (Origin: %s)."
_UNSAFE = frozenset(("POST", "PUT", "PATCH", "DELETE"))


def csrf_by_origin(view):
    """Mark a view whose anonymous POSTs are checked by their origin instead of a token."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.csrf_by_origin = True
    return wrapped


def carries_session(request) -> bool:
    """Whether the request carries a session cookie: its forms were rendered with a token."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class CrossOriginMiddleware:
    """Before Django's CsrfViewMiddleware: decides the anonymous POSTs to @csrf_by_origin views
    by their origin (Django's then passes them by); leaves every other request to Django's."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.django = CsrfViewMiddleware(get_response)  # its origin matching, refusal and logging

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Surrogate-Key") and settings.CSRF_COOKIE_NAME in response.cookies:
            # A shared answer (core/page_cache.py mark_shared) carries no cookie: Django's
            # middleware (inside this one) replaces a malformed CSRF cookie, and a shared cache would
            # then give that one secret to every reader, or refuse to keep the page at all.
            del response.cookies[settings.CSRF_COOKIE_NAME]
        return response

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if (
            not getattr(callback, "csrf_by_origin", False)
            or request.method not in _UNSAFE
            or getattr(request, "csrf_processing_done", False)
        ):
            return None
        if carries_session(request):
            # The form may come from a shared page opened before this reader had a session (another
            # tab, the Back button): it has no token. A browser that says Sec-Fetch-Site: same-origin
            # (which no page can forge) with our Origin proves as much as a token; without Fetch
            # Metadata, Django's token check decides.
            if request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin" and not self.cross_origin_reason(request):
                return self.django._accept(request)
            return None
        if getattr(request, "_dont_enforce_csrf_checks", False):  # Django's test client
            return self.django._accept(request)
        reason = self.cross_origin_reason(request)
        return self.django._reject(request, reason) if reason else self.django._accept(request)

    def cross_origin_reason(self, request) -> str:
        """Why this request is taken for a forged one, or "" when it may go on."""
        fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
        origin = request.META.get("HTTP_ORIGIN")
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            if origin is not None and origin in self.django.allowed_origins_exact:
                return ""  # an origin the operator trusts (CSRF_TRUSTED_ORIGINS), as Go's check
            return CROSS_SITE_REASON % fetch_site
        if origin is not None and not self.django._origin_verified(request):
            return BAD_ORIGIN_REASON % origin
        return ""


def refused_cross_origin(reason: str) -> bool:
    """Whether a CSRF failure's reason is this module's (the page then says so)."""
    return reason.startswith(("Cross-site request refused", "Cross-origin request refused"))
