"""Pages go compressed as the browser accepts (br, gzip, or not), whether Django renders them,
the page cache's middleware serves them, or the fast path in front of Django answers."""

import gzip

import brotli
import pytest
from django.test import Client

from commentariat.core.compression import chosen_encoding
from tests.core.direct_requests import asgi_get, wsgi_get
from tests.factories import make_comment

pytestmark = pytest.mark.django_db(transaction=True)

_DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda body: body}


def _plain(headers: dict, body: bytes) -> str:
    encoding = (headers.get("content-encoding") or [None])[0]
    return _DECODE[encoding](body).decode()


@pytest.fixture
def thread(post):
    for number in range(30):
        make_comment(post, body=f"Comment number {number} with <b>words</b> in it.")
    return post


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip"), ("", None), ("identity", None),
     ("br;q=0, gzip", "gzip"), ("br;q=0, gzip;q=0", None), ("*", "br")],
)  # fmt: skip
def test_the_coding_is_the_best_the_browser_accepts(accept, encoding):
    assert chosen_encoding(accept) == encoding


@pytest.mark.parametrize("encoding", ["br", "gzip", None])
def test_an_uncached_page_is_compressed(client, thread, settings, encoding):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PAGE_CACHE": False}
    response = client.get(thread.get_absolute_url(), HTTP_ACCEPT_ENCODING=encoding or "")
    assert response.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response["Vary"]
    html = _DECODE[encoding](response.content).decode()
    assert "Comment number 29 with &lt;b&gt;words&lt;/b&gt; in it." in html
    assert int(response["Content-Length"]) == len(response.content)


@pytest.mark.parametrize("encoding", ["br", "gzip", None])
def test_a_page_from_the_cache_through_django_is_compressed(thread, encoding):
    first = Client().get(thread.get_absolute_url())
    response = Client().get(thread.get_absolute_url(), HTTP_ACCEPT_ENCODING=encoding or "")
    assert response["X-Page-Cache"] == "hit" and response.get("Content-Encoding") == encoding
    html = _DECODE[encoding](response.content).decode()
    assert html == first.content.decode() and "Comment number 29" in html
    assert not response.cookies


@pytest.mark.parametrize("get", [wsgi_get, asgi_get], ids=["wsgi", "asgi"])
@pytest.mark.parametrize("encoding", ["br", "gzip", None])
def test_a_hit_before_django_is_compressed(thread, get, encoding):
    path = thread.get_absolute_url()
    get(path, raw=True)
    get(path, raw=True)  # headers kept: the next one is answered before Django
    header = "HTTP_ACCEPT_ENCODING" if get is wsgi_get else "accept_encoding"
    status, headers, body = get(path, raw=True, **{header: encoding or ""})
    assert status == 200 and headers["x-page-cache"] == ["hit"]
    assert headers.get("content-encoding", [None]) == [encoding]
    assert headers["content-length"] == [str(len(body))]
    assert any("Accept-Encoding" in value for value in headers["vary"])
    html = _plain(headers, body)
    assert "Comment number 29" in html and "set-cookie" not in headers


def test_two_gzip_hits_are_the_same_bytes(thread):
    path = thread.get_absolute_url()
    wsgi_get(path)
    wsgi_get(path)
    bodies = [wsgi_get(path, raw=True, HTTP_ACCEPT_ENCODING="gzip")[2] for _ in range(2)]
    assert bodies[0] == bodies[1] and "Comment number 29" in _plain({"content-encoding": ["gzip"]}, bodies[0])


def test_a_compressed_page_is_revalidated_by_its_weak_etag(thread):
    path = thread.get_absolute_url()
    wsgi_get(path)
    wsgi_get(path)
    _, headers, _ = wsgi_get(path, raw=True, HTTP_ACCEPT_ENCODING="br")
    (etag,) = headers["etag"]
    assert etag.startswith('W/"')
    status, _, body = wsgi_get(path, raw=True, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etag)
    assert status == 304 and body == b""
    response = Client().get(path, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_feeds_are_compressed_too(client, thread):
    response = client.get("/comments/feed/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"Comment number 29" in gzip.decompress(response.content)
