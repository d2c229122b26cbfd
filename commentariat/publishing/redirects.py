"""Old addresses of posts (a changed slug, an imported site's permalinks) answer with a
permanent redirect to where the post is now."""

from urllib.parse import parse_qsl

from django.http import HttpResponsePermanentRedirect

from .models import OldAddress, Post

# WordPress's addresses that work on any permalink setting: /?p=123, /?page_id=7.
LEGACY_QUERY_KEYS = ("p", "page_id")


def legacy_address_for_query(path: str, query: str) -> str | None:
    """The stored form of an address whose query names a WordPress id, or None."""
    for key, value in parse_qsl(query):
        if key in LEGACY_QUERY_KEYS and value.isdigit():
            return f"{path}?{key}={int(value)}"
    return None


def find_redirect(address: str) -> str | None:
    """The current URL of the published post or page once found at address."""
    candidates = [address]
    if "?" not in address:
        candidates.append(address[:-1] if address.endswith("/") else f"{address}/")
    found = (
        OldAddress.objects.filter(address__in=candidates, post__in=Post.objects.published())
        .select_related("post")
        .first()
    )
    return found.post.get_absolute_url() if found else None


class OldAddressMiddleware:
    """/?p=123 is looked up before the view (the home page would answer it); any other old
    address when nothing else answered it (a 404)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        if query:
            address = legacy_address_for_query(request.path, query)
            target = find_redirect(address) if address else None
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404:
            target = find_redirect(request.path)
            if target and target != request.path:
                return HttpResponsePermanentRedirect(target)
        return response
