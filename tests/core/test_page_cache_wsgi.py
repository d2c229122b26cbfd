"""Cache hits answered in front of Django: same page, same headers, fresh per-reader tokens."""

import re

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
)
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from commentariat.core.page_cache_wsgi import _mask_cipher_secret, _random_chars
from commentariat.wsgi import application
from tests.core.direct_requests import wsgi_get
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db(transaction=True)


_get = wsgi_get


def _token(body):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)


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
    ):
        assert hit[name] == miss[name]
    assert "__csrf__" not in body and "__started__" not in body


def test_a_hit_gives_a_new_reader_a_csrf_cookie_that_matches_the_form(post):
    _get(post.get_absolute_url())
    _, headers, body = _get(post.get_absolute_url())
    cookie = headers["set-cookie"][0].split(";")[0]
    name, secret = cookie.split("=")
    assert name == "csrftoken" and _unmask_cipher_token(_token(body)) == secret
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = secret
    response = client.post(
        post.get_absolute_url() + "comments/", comment_form(csrfmiddlewaretoken=_token(body))
    )
    assert response.status_code == 302


def test_a_returning_reader_keeps_their_csrf_cookie(post):
    _get(post.get_absolute_url())
    secret = "a" * 32
    _, headers, body = _get(post.get_absolute_url(), cookie=f"csrftoken={secret}")
    assert "set-cookie" not in headers and _unmask_cipher_token(_token(body)) == secret


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


def test_the_csrf_cookie_carries_the_attributes_django_would_give_it(post, settings):
    from django.http import HttpResponse

    _get(post.get_absolute_url())
    _, headers, _ = _get(post.get_absolute_url())
    ours = headers["set-cookie"][0]
    django = HttpResponse()
    django.set_cookie(
        settings.CSRF_COOKIE_NAME,
        "x",
        max_age=settings.CSRF_COOKIE_AGE,
        path=settings.CSRF_COOKIE_PATH,
        secure=settings.CSRF_COOKIE_SECURE,
        httponly=settings.CSRF_COOKIE_HTTPONLY,
        samesite=settings.CSRF_COOKIE_SAMESITE,
    )
    expected = django.cookies[settings.CSRF_COOKIE_NAME].output(header="").strip()

    def attributes(cookie):
        return sorted(part.strip().split("=")[0].lower() for part in cookie.split(";")[1:])

    assert attributes(ours) == attributes(expected)
    assert "Max-Age=31449600" in ours and "SameSite=Lax" in ours


@hypothesis_settings(max_examples=300, deadline=None)
@given(secret=st.text(alphabet=CSRF_ALLOWED_CHARS, min_size=CSRF_SECRET_LENGTH, max_size=CSRF_SECRET_LENGTH))
def test_our_fast_masking_is_what_djangos_unmasking_reads_back(secret):
    token = _mask_cipher_secret(secret)
    assert len(token) == CSRF_TOKEN_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret


def test_random_csrf_characters_cover_the_alphabet_evenly():
    drawn = "".join(_random_chars(CSRF_SECRET_LENGTH) for _ in range(2000))
    counts = [drawn.count(char) for char in CSRF_ALLOWED_CHARS]
    expected = len(drawn) / len(CSRF_ALLOWED_CHARS)  # about 1032 each
    assert min(counts) > expected * 0.8 and max(counts) < expected * 1.2
