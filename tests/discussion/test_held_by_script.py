"""A reader's comment awaiting moderation on a page from a shared cache: the page's script asks
for it (the held cookie names the post, the session says which comments are theirs)."""

import pytest
from django.test import Client

from tests.factories import comment_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def holding(policy):
    policy.mode = "hold_all"
    policy.save()
    return policy


def _write_held(post, client=None, body="Mine, awaiting review."):
    client = client or Client()
    response = client.post(post.get_absolute_url() + "comments/", comment_form(body=body))
    assert response.status_code == 302
    return client, response


def test_a_held_comment_names_its_post_in_a_cookie_the_script_can_read(post, holding):
    _, response = _write_held(post)
    held = response.cookies["commentariat_held"]
    assert held.value == str(post.pk) and not held["httponly"] and held["samesite"] == "Lax"


def test_only_its_writer_gets_the_held_comment_and_nobody_caches_it(post, holding):
    writer, _ = _write_held(post)
    mine = writer.get(f"/comments/held/{post.pk}/")
    (comment,) = mine.json()["comments"]
    assert "Mine, awaiting review." in comment["html"] and "awaiting moderation" in comment["html"]
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    stranger = Client()
    stranger.cookies["commentariat_held"] = str(post.pk)  # a cookie anyone can write
    assert stranger.get(f"/comments/held/{post.pk}/").json() == {"comments": []}


def test_only_the_shared_page_asks_for_held_comments(post, holding):
    shared = Client().get(post.get_absolute_url()).content.decode()
    assert f'data-held="/comments/held/{post.pk}/"' in shared
    writer, _ = _write_held(post)
    own = writer.get(post.get_absolute_url()).content.decode()
    assert "data-held" not in own and "Mine, awaiting review." in own  # the server shows it here
