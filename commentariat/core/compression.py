"""Pages sent compressed (brotli or gzip, as the browser accepts), on every path: rendered by
Django, served from the page cache through the middleware, or answered by the fast path in
front of Django (page_cache_wsgi/_asgi).

A cached page is the same for every reader, so the fast path compresses it once per worker
and encoding (core/page_cache.py compressed_hit).

BREACH (guessing a secret in a compressed page from its size, with attacker-chosen text in the
same page): pages every reader shares hold no secret at all; the only secret in personal pages
is the CSRF token, masked afresh for every response by Django, so the compressed size tells
nothing about it; gzip bodies also carry a random-length header field (Heal The Breach, as
Django's GZipMiddleware does). Streams (Server-Sent Events, files) are never compressed here.
"""

import secrets
import struct
import zlib

import brotli
from django.utils.cache import patch_vary_headers

_COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml",
                 "application/rss+xml", "application/atom+xml", "image/svg+xml")  # fmt: skip
MIN_SIZE = 200  # below this, the headers cost more than compression saves
# Brotli's quality 2 beat 3 and 4 in both size and time on thread pages (72 KB in ~2 ms for the
# 470 KB page 1 of a 2,000-comment thread; 4: 73 KB in ~3.5 ms; 5: 67 KB in ~10 ms).
BR_QUALITY = 2
GZIP_LEVEL = 6
_RANDOM_PADDING = 32


def chosen_encoding(accept_encoding: str) -> str | None:
    """"br", "gzip" or None for an Accept-Encoding header (a q=0 refuses a coding)."""
    accepted = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip().replace(" ", "")
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        accepted[name.strip()] = quality
    for encoding in ("br", "gzip"):
        if accepted.get(encoding, accepted.get("*", 0.0)) > 0:
            return encoding
    return None


def compressible(content_type: str) -> bool:
    return content_type.lower().startswith(_COMPRESSIBLE)


def compress(body: bytes, encoding: str) -> bytes:
    """body compressed as encoding ("br" or "gzip")."""
    if encoding == "br":
        return brotli.compress(body, quality=BR_QUALITY, mode=brotli.MODE_TEXT)
    deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -15)
    raw = deflate.compress(body) + deflate.flush()
    return _gzip_header() + raw + struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)


def _gzip_header() -> bytes:
    # FNAME set, holding a random number of bytes: the body's length varies (BREACH).
    name = b"a" * secrets.randbelow(_RANDOM_PADDING) + b"\x00"
    return b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + name


def weak_etag(etag: str) -> str:
    """A compressed body is not byte-for-byte the page its ETag names: the ETag becomes weak."""
    return etag if etag.startswith("W/") else f"W/{etag}"


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match names this page, in its strong or weak form (RFC 9110's weak comparison)."""
    if not if_none_match:
        return False
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


class CompressionMiddleware:
    """Outermost: compresses what Django answers (cache hits included), never a stream."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming or not compressible(response.get("Content-Type", "")):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = chosen_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if encoding is None or response.has_header("Content-Encoding") or len(response.content) < MIN_SIZE:
            return response
        response.content = compress(response.content, encoding)
        response["Content-Length"] = str(len(response.content))
        response["Content-Encoding"] = encoding
        if response.has_header("ETag"):
            response["ETag"] = weak_etag(response["ETag"])
        return response
