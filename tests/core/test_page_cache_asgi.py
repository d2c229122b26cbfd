"""Cache hits under an ASGI server: answered before Django, exactly like the WSGI ones."""

import asyncio
import re
import threading

import pytest
from django.middleware.csrf import _unmask_cipher_token

from commentariat.asgi import application
from tests.factories import make_comment

pytestmark = pytest.mark.django_db(transaction=True)


def _get(path, cookie=""):
    path, _, query = path.partition("?")
    headers = [(b"host", b"testserver")] + ([(b"cookie", cookie.encode())] if cookie else [])
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent, requests = [], [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected; Django cancels this wait

    async def send(message):
        sent.append(message)

    # On a thread of its own: the browser tests leave an event loop running in this one.
    server = threading.Thread(target=lambda: asyncio.run(application(scope, receive, send)))
    server.start()
    server.join(timeout=30)
    answer = {}
    for name, value in sent[0]["headers"]:
        answer.setdefault(name.decode().lower(), []).append(value.decode())
    return sent[0]["status"], answer, b"".join(m.get("body", b"") for m in sent[1:]).decode()


def test_a_hit_is_answered_before_django_with_the_same_headers(post, monkeypatch):
    status, miss, _ = _get(post.get_absolute_url())
    assert status == 200 and miss["x-page-cache"] == ["miss"]

    async def django_must_not_run(scope, receive, send):
        raise AssertionError("the hit reached Django")

    monkeypatch.setattr(application, "application", django_must_not_run)
    status, hit, body = _get(post.get_absolute_url())
    assert status == 200 and hit["x-page-cache"] == ["hit"]
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "cache-control"):
        assert hit[name] == miss[name]
    secret = hit["set-cookie"][0].split(";")[0].partition("=")[2]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    assert _unmask_cipher_token(token) == secret
    status, again, body = _get(post.get_absolute_url(), cookie=f"csrftoken={secret}")
    assert "set-cookie" not in again
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    assert _unmask_cipher_token(token) == secret


def test_a_new_comment_shows_at_once(post):
    _get(post.get_absolute_url())
    assert _get(post.get_absolute_url())[1]["x-page-cache"] == ["hit"]
    make_comment(post, body="Written while the page was cached.")
    status, headers, body = _get(post.get_absolute_url())
    assert "Written while the page was cached." in body and headers["x-page-cache"] == ["miss"]


def test_readers_with_a_session_go_to_django(post):
    _get(post.get_absolute_url())
    _, headers, _ = _get(post.get_absolute_url(), cookie="sessionid=abc")
    assert "x-page-cache" not in headers
