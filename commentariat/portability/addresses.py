"""Finding the post a thread of another comment system belongs to, by the page's address or
its identifier. Shared by the Disqus import and the embed-system imports (thread_import.py)."""

import re
from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve

from commentariat.publishing.models import OldAddress, Post
from commentariat.publishing.redirects import legacy_address_for_query

from .models import ImportedItem

# Disqus's WordPress plugin names a thread "<post id> <guid>": "123 https://old.example.org/?p=123".
_WORDPRESS_IDENTIFIER = re.compile(r"^(\d+)(?:\s+(\S+))?\s*$")


def find_post(link: str, identifier: str = "") -> Post | None:
    """The post a thread belongs to: by its address on this site or an old address the site
    redirects; failing that, by its identifier (a WordPress post id this site imported, or an
    address)."""
    post = post_at(link) if link else None
    if post is None and identifier:
        post = _post_by_identifier(identifier.strip(), link)
    return post


def post_at(link: str) -> Post | None:
    """The post at an address (any host: the path decides), new or old."""
    parts = urlsplit(link.strip())
    path = unquote(parts.path) or "/"
    candidates = [path, path[:-1] if path.endswith("/") else f"{path}/"]
    query_address = legacy_address_for_query(path, parts.query) if parts.query else None
    if query_address:
        candidates.insert(0, query_address)
    legacy = OldAddress.objects.filter(address__in=candidates).select_related("post").first()
    if legacy:
        return legacy.post
    try:
        match = resolve(path if path.endswith("/") else f"{path}/")
    except Resolver404:
        return None
    if match.view_name in ("discussion:post-detail", "pages:page-detail"):
        return Post.objects.filter(slug=match.kwargs["slug"]).first()
    return None


def site_host(address: str) -> str:
    """The host of an address, lower case, without "www." ('' when there is none)."""
    try:
        host = (urlsplit(address.strip()).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _post_by_identifier(identifier: str, link: str) -> Post | None:
    wordpress = _WORDPRESS_IDENTIFIER.match(identifier)
    if wordpress is None:
        return post_at(identifier) if identifier.startswith(("/", "http://", "https://")) else None
    post_id, guid = wordpress.groups()
    items = list(
        ImportedItem.objects.filter(
            source__startswith="wordpress ", kind=ImportedItem.Kind.POST, legacy_id=post_id
        ).order_by("pk")
    )
    # Two WordPress sites imported here may both have a post 123: the one at the thread's host wins.
    hosts = {site_host(guid or ""), site_host(link)} - {""}
    items.sort(key=lambda item: site_host(item.source.removeprefix("wordpress ")) not in hosts)
    for item in items:
        post = Post.objects.filter(pk=item.object_id).first()
        if post is not None:
            return post
    return post_at(guid) if guid and guid.startswith(("/", "http://", "https://")) else None
