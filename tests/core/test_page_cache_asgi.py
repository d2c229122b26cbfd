"""Cache hits under an ASGI server: answered before Django, exactly like the WSGI ones."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token

from commentariat.asgi import application
from tests.core.direct_requests import asgi_get
from tests.factories import make_comment

pytestmark = pytest.mark.django_db(transaction=True)


_get = asgi_get


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
