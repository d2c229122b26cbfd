"""Cache hits answered in front of Django: the same page and headers for every reader."""

import pytest
from django.test import Client

from commentariat.wsgi import application
from tests.core.direct_requests import wsgi_get
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db(transaction=True)


_get = wsgi_get


def test_a_hit_is_answered_before_django_with_the_same_headers(post, monkeypatch):
    status, miss, _ = _get(post.get_absolute_url())

    def django_must_not_run(environ, start_response):
        raise AssertionError("the hit reached Django")

    monkeypatch.setattr(application, "application", django_must_not_run)
    status, hit, body = _get(post.get_absolute_url())
    assert status == 200 and hit["x-page-cache"] == ["hit"]
    for name in (
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "cache-control",
        "vary",
        "surrogate-key",
        "xkey",
        "cache-tag",
    ):
        assert hit[name] == miss[name]
    assert hit["cache-control"] == ["public, max-age=0, s-maxage=300, stale-while-revalidate=30"]


def test_two_readers_get_byte_identical_hits_without_a_cookie(post, monkeypatch):
    _, _, miss = _get(post.get_absolute_url(), raw=True)
    monkeypatch.setattr(application, "application", None)  # hits only from here on
    answers = [
        _get(post.get_absolute_url(), raw=True, cookie=cookie) for cookie in ("", "csrftoken=" + "a" * 32)
    ]
    for encoding in ("br", "gzip"):
        answers += [_get(post.get_absolute_url(), raw=True, HTTP_ACCEPT_ENCODING=encoding) for _ in range(2)]
    (_, first, plain), (_, second, plain_again) = answers[:2]
    assert plain == plain_again == miss and b"csrfmiddlewaretoken" not in plain
    assert answers[2][2] == answers[3][2] and answers[4][2] == answers[5][2]  # compressed once
    assert all("set-cookie" not in headers for _, headers, _ in answers)


def test_a_comment_posts_from_a_hit_without_any_cookie(post):
    _get(post.get_absolute_url())
    status, headers, body = _get(post.get_absolute_url())
    assert headers["x-page-cache"] == ["hit"] and "set-cookie" not in headers
    response = Client(enforce_csrf_checks=True).post(
        post.get_absolute_url() + "comments/",
        comment_form(body="Sent from a shared page."),
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302


def test_readers_with_a_session_and_unknown_hosts_go_to_django(post):
    _get(post.get_absolute_url())
    _, headers, _ = _get(post.get_absolute_url(), cookie="sessionid=abc")
    assert "x-page-cache" not in headers
    status, _, _ = _get(post.get_absolute_url(), host="evil.example")
    assert status == 400


def test_a_new_comment_is_visible_at_once_and_etags_revalidate(post):
    _, first, _ = _get(post.get_absolute_url())
    status, _, _ = _get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["etag"][0])
    assert status == 304
    make_comment(post, body="Fresh words.")
    status, headers, body = _get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["etag"][0])
    assert status == 200 and "Fresh words." in body
