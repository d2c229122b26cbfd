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


def test_a_logged_in_moderator_needs_the_token_without_fetch_metadata(post, moderator):
    client = _browser()
    client.force_login(moderator)
    # Without Fetch Metadata (an old browser, a script), a reader with a session needs the token.
    refused = _post_comment(post, client, HTTP_ORIGIN="http://testserver")
    assert refused.status_code == 403 and REFUSED not in refused.content.decode()
    forged = _post_comment(post, client, HTTP_ORIGIN="http://evil.example", HTTP_SEC_FETCH_SITE="same-origin")
    assert forged.status_code == 403
    page = client.get(post.get_absolute_url())  # a personal page, with the token in its form
    assert "private" in page["Cache-Control"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = client.post(post.get_absolute_url() + "comments/", comment_form(csrfmiddlewaretoken=token))
    assert accepted.status_code == 302 and Comment.objects.count() == 1


def test_a_reader_with_a_session_gets_the_token_check_without_fetch_metadata(post):
    client = _browser()
    client.cookies["sessionid"] = "a-reader-with-a-held-comment"
    response = _post_comment(post, client, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 403 and Comment.objects.count() == 0
    for fetch_site in ("same-site", "cross-site"):
        response = _post_comment(post, client, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE=fetch_site)
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


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver:8080"},  # another port
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://comments.testserver"},  # a sibling
        {"HTTP_ORIGIN": "http://testserver.evil.example"},  # our name as a prefix of theirs
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},  # a lying Origin
    ],
    ids=["other-port", "sibling-subdomain", "prefix-host", "cross-site-despite-origin"],
)
def test_near_misses_of_our_origin_are_refused_on_every_shared_form(post, author, headers):
    locked = make_post(author=author, title="Locked", password="open sesame")
    for address, data in (
        (post.get_absolute_url() + "comments/", comment_form()),
        (post.get_absolute_url() + "follow/", {"email": "reader@example.org"}),
        (reverse("publishing:post-unlock", kwargs={"pk": locked.pk}), {"post_password": "open sesame"}),
    ):
        response = _browser().post(address, data, **headers)
        assert response.status_code == 403 and REFUSED in response.content.decode(), address
    assert Comment.objects.count() == 0


def test_other_methods_and_overrides_get_nothing_past_the_check(post):
    address = post.get_absolute_url() + "comments/"
    cross = {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"}
    assert _browser().put(address, comment_form(), **cross).status_code == 403
    assert _browser().generic("OPTIONS", address, **cross).status_code == 405
    overridden = _browser().get(address, comment_form(), HTTP_X_HTTP_METHOD_OVERRIDE="POST", **cross)
    assert overridden.status_code == 405 and Comment.objects.count() == 0


def test_a_form_opened_before_the_readers_first_held_comment_still_posts(post, author, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "INITIAL_MODERATION_MODE": "hold_all"}
    other = make_post(author=author, title="Another thread")
    reader = _browser()
    second_tab = reader.get(other.get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in second_tab  # a shared page: no token in its form
    same_origin = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
    assert _post_comment(post, reader, **same_origin).status_code == 302
    assert "sessionid" in reader.cookies  # the held comment is shown to its author through the session
    second = other.get_absolute_url() + "comments/"
    response = reader.post(second, comment_form(body="Second tab."), **same_origin)
    assert response.status_code == 302 and Comment.objects.filter(body="Second tab.").exists()


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
def test_forms_on_personal_pages_refuse_a_forged_post_even_with_the_readers_cookies(post, fetch_site):
    # Not marked @csrf_by_origin: their pages carry a token, and a forged POST (here with every
    # cookie a same-site attacker's request would carry, the edit grant included) has none.
    from django.core import mail

    from commentariat.moderation.models import Report

    reader = _browser()
    _post_comment(post, reader, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
    comment = Comment.objects.get()
    reader.get(f"/comments/{comment.pk}/edit/")  # the browser now has a CSRF cookie too
    assert "commentariat_edits" in reader.cookies and "csrftoken" in reader.cookies
    forged = {"HTTP_SEC_FETCH_SITE": fetch_site, "HTTP_ORIGIN": "http://evil.testserver"}
    for address, data in (
        (f"/comments/{comment.pk}/edit/", {"body": "Words put in the reader's mouth."}),
        (f"/comments/{comment.pk}/delete/", {}),
        (f"/comments/{comment.pk}/report/", {"reason": "spam", "explanation": "Forged."}),
        ("/comments/my-data/", {"email": "ada@example.org"}),
        (post.get_absolute_url() + "email/", {"recipient": "x@example.org", "sender_name": "Ada"}),
        ("/admin/login/", {"username": "someone", "password": "x"}),
    ):
        assert reader.post(address, data, **forged).status_code == 403, address
    comment.refresh_from_db()
    assert comment.body == "A thoughtful reply." and comment.status == Comment.Status.APPROVED
    assert not Report.objects.exists() and not mail.outbox
