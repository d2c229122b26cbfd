from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from pytest_django.asserts import assertContains

from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db


def test_unknown_address_gets_a_readable_404(client):
    response = client.get("/no/such/page/")
    assertContains(response, "Page not found", status_code=404)


def test_locked_database_gives_503_with_retry_after(client, post):
    with mock.patch(
        "commentariat.discussion.views.thread_page", side_effect=OperationalError("database is locked")
    ):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assertContains(response, "busy for a moment", status_code=503)


def test_commenter_learns_their_comment_was_not_saved_when_the_database_is_locked(client, post):
    with mock.patch(
        "commentariat.discussion.views.submit_comment", side_effect=OperationalError("database is locked")
    ):
        response = client.post(
            post.get_absolute_url() + "comments/",
            comment_form(body="Hello"),
        )
    assertContains(response, "What you sent was not saved.", status_code=503)


def test_unexpected_error_gives_a_plain_500_page(post):
    client = Client(raise_request_exception=False)
    with mock.patch("commentariat.discussion.views.thread_page", side_effect=RuntimeError("boom")):
        response = client.get(post.get_absolute_url())
    assertContains(response, "Something went wrong", status_code=500)
    assert "boom" not in response.content.decode()


def test_comment_permalink_for_unknown_comment_is_404(client):
    assert client.get("/comments/999999/").status_code == 404


def test_comment_on_a_draft_is_not_reachable(client, post):
    comment = make_comment(post)
    post.status = post.Status.DRAFT
    post.save()
    assert client.get(comment.get_permalink()).status_code == 404


def test_head_is_answered_wherever_get_is(client, post):
    # Link checkers, monitors and caches ask HEAD: the same status and headers as GET, no body.
    for address in (post.get_absolute_url(), "/", "/search/?q=words", "/healthz", f"/live/posts/{post.pk}/comments/"):
        got, head = client.get(address), client.head(address)
        assert head.status_code == got.status_code == 200, address
        assert head["Content-Type"] == got["Content-Type"] and head.content == b""
