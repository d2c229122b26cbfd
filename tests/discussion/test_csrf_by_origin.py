"""CSRF for the anonymous forms on shared pages: checked by Origin and Sec-Fetch-Site, as a
browser sends them; the token check stays for anyone with a session (core/csrf.py)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from commentariat.discussion.models import Comment
from tests.factories import comment_form, make_post

pytestmark = pytest.mark.django_db

REFUSED = "This form was sent to us from another site"


def _browser() -> Client:
    return Client(enforce_csrf_checks=True)  # no CSRF cookie, no session: a first-time reader


def _post_comment(post, client=None, **headers):
    return (client or _browser()).post(post.get_absolute_url() + "comments/", comment_form(), **headers)


def test_a_same_origin_comment_needs_no_cookie_and_no_token(post):
    response = _post_comment(post, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 302 and Comment.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://other.testserver"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},  # a form posted from elsewhere, Origin stripped
        {"HTTP_ORIGIN": "https://evil.example"},  # a browser without Fetch Metadata
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame or a data: page
        {"HTTP_ORIGIN": "https://testserver"},  # the right host on another scheme
    ],
    ids=["cross-site", "same-site", "fetch-metadata-only", "origin-only", "null-origin", "other-scheme"],
)
def test_a_comment_from_another_site_is_refused_with_a_clear_message(post, headers):
    response = _post_comment(post, **headers)
    assert response.status_code == 403 and REFUSED in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_SEC_FETCH_SITE": "none"}, {"HTTP_REFERER": "https://evil.example/"}],
    ids=["an-old-browser", "typed-by-the-reader", "referer-alone-is-not-checked"],
)
def test_without_cross_site_signs_an_anonymous_comment_goes_through(post, headers):
    # No Origin and no Sec-Fetch-Site: a browser from before 2020 or a client with no cookies.
    # Such a request carries no session to abuse, so it is taken like any other comment.
    assert _post_comment(post, **headers).status_code == 302


def test_an_origin_the_operator_trusts_may_post(post, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org"]
    response = _post_comment(post, HTTP_ORIGIN="https://www.example.org", HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 302


def test_a_logged_in_moderator_still_needs_the_token(post, moderator):
    client = _browser()
    client.force_login(moderator)
    same_origin = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
    refused = _post_comment(post, client, **same_origin)
    assert refused.status_code == 403 and REFUSED not in refused.content.decode()
    page = client.get(post.get_absolute_url())  # a personal page, with the token in its form
    assert "private" in page["Cache-Control"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = client.post(post.get_absolute_url() + "comments/", comment_form(csrfmiddlewaretoken=token))
    assert accepted.status_code == 302 and Comment.objects.count() == 1


def test_a_reader_with_a_session_gets_the_token_check_too(post):
    client = _browser()
    client.cookies["sessionid"] = "a-reader-with-a-held-comment"
    response = _post_comment(post, client, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 403 and Comment.objects.count() == 0


def test_follow_and_password_forms_are_checked_the_same_way(post, author):
    follow = post.get_absolute_url() + "follow/"
    data = {"email": "reader@example.org"}
    assert _browser().post(follow, data, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert _browser().post(follow, data, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200
    locked = make_post(author=author, title="Locked", password="open sesame")
    unlock = reverse("publishing:post-unlock", kwargs={"pk": locked.pk})
    page = Client().get(locked.get_absolute_url())
    assert unlock in page.content.decode() and "csrfmiddlewaretoken" not in page.content.decode()
    data = {"post_password": "open sesame"}
    assert _browser().post(unlock, data, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert _browser().post(unlock, data, HTTP_ORIGIN="http://testserver").status_code == 302


def test_other_forms_keep_djangos_token_check(post):
    # The edit window's form is on a personal page: its POST still needs the token.
    response = _browser().post("/comments/1/delete/", {}, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 403
