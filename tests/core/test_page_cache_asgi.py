"""Cache hits under an ASGI server: answered before Django, exactly like the WSGI ones."""

import pytest

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
    names = ("content-security-policy", "x-content-type-options", "referrer-policy", "cache-control", "xkey")
    for name in names:
        assert hit[name] == miss[name]
    status, again, body_again = _get(post.get_absolute_url(), cookie="csrftoken=" + "a" * 32)
    assert body_again == body and "csrfmiddlewaretoken" not in body
    assert "set-cookie" not in hit and "set-cookie" not in again and "set-cookie" not in miss


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
