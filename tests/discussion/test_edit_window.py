"""A commenter edits or deletes their own comment within ten minutes, from their own browser."""

import time

import pytest
from django.core import signing

from commentariat.discussion.edit_window import EDIT_COOKIE
from commentariat.discussion.models import Comment, CommentRevision
from commentariat.moderation.models import ModerationPolicy
from tests.factories import comment_form

pytestmark = pytest.mark.django_db


def write(client, post, body="My first take."):
    client.post(f"{post.get_absolute_url()}comments/", comment_form(body=body))
    return Comment.objects.latest("pk")


def test_the_author_edits_within_the_window_and_moderators_keep_the_old_text(client, post):
    comment = write(client, post)
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'href="/comments/{comment.pk}/edit/">Edit or delete</a>' in page
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "My better take."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "My better take." and comment.status == Comment.Status.APPROVED
    assert comment.number == "1"
    (revision,) = CommentRevision.objects.filter(comment=comment)
    assert revision.body == "My first take." and revision.by_author


def test_an_edit_goes_through_moderation_again(client, post):
    comment = write(client, post)
    policy = ModerationPolicy.current()
    policy.disallowed_terms = "casino"
    policy.save()
    client.post(f"/comments/{comment.pk}/edit/", {"body": "Visit my casino now"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert "Edited by its author" in comment.status_reason
    assert "casino" not in client.__class__().get(post.get_absolute_url()).content.decode()  # another reader
    assert "awaiting moderation" in client.get(post.get_absolute_url()).content.decode()  # its author


def test_the_author_deletes_their_comment(client, post):
    comment = write(client, post)
    client.post(f"/comments/{comment.pk}/delete/")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.WITHDRAWN and comment.status_reason == "Deleted by its author."


def test_other_browsers_forged_and_expired_tokens_are_refused_and_nothing_changes(client, post, settings):
    comment = write(client, post)
    other = write(client.__class__(), post, body="Someone else's words.")
    # Another browser: no token at all.
    stranger = client.__class__()
    assert stranger.get(f"/comments/{comment.pk}/edit/").status_code == 403
    assert stranger.post(f"/comments/{comment.pk}/edit/", {"body": "Hijacked"}).status_code == 403
    assert stranger.post(f"/comments/{comment.pk}/delete/").status_code == 403
    # A token for another comment.
    assert client.post(f"/comments/{other.pk}/edit/", {"body": "Hijacked"}).status_code == 403
    # A forged token.
    stranger.cookies[EDIT_COOKIE] = signing.dumps({str(comment.pk): time.time()}, salt="guessed-salt")
    assert stranger.post(f"/comments/{comment.pk}/edit/", {"body": "Hijacked"}).status_code == 403
    # An expired window.
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "EDIT_WINDOW_SECONDS": 0}
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Too late"})
    assert response.status_code == 403 and "can no longer be changed" in response.content.decode()
    comment.refresh_from_db()
    other.refresh_from_db()
    assert comment.body == "My first take." and other.body == "Someone else's words."
    assert not CommentRevision.objects.exists()


def test_an_empty_edit_is_refused_with_a_message(client, post):
    comment = write(client, post)
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "   "})
    assert response.status_code == 400 and "Please write a comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "My first take."
