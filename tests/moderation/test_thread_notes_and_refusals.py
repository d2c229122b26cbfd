"""A moderator's public note on a thread, and the comments the site refused before storing them."""

import pytest
from django.test import Client

from commentariat.discussion.models import Comment
from commentariat.moderation.models import ModerationAction
from tests.factories import comment_form

pytestmark = pytest.mark.django_db

NOTE = "Comments here are read before they appear, because the last thread drew threats."


def test_a_moderator_writes_a_thread_note_readers_see_it_above_the_form_and_in_the_api(
    moderator_client, moderator, post
):
    assert NOTE not in Client().get(post.get_absolute_url()).content.decode()  # cached before the change
    response = moderator_client.post(
        f"/moderation/posts/{post.pk}/",
        {"comments_open": "on", "comment_mode": "hold_all", "moderation_note": NOTE, "reason": "threats"},
    )
    assert response.status_code == 302
    page = Client().get(post.get_absolute_url()).content.decode()
    assert NOTE in page
    assert page.index(NOTE) < page.index('class="comment-form"')
    assert Client().get(f"/api/posts/{post.pk}/comments").json()["moderation_note"] == NOTE
    action = ModerationAction.objects.get(kind="thread")
    assert action.actor == moderator and action.post_id == post.pk and action.reason == "threats"
    assert action.after == {"comment_mode": "hold_all", "moderation_note": NOTE}
    log = moderator_client.get("/moderation/log/?kind=thread").content.decode()
    assert "Changed a thread&#x27;s settings" in log or "Changed a thread's settings" in log


def test_the_thread_note_shows_on_a_closed_thread_too(moderator_client, post):
    moderator_client.post(f"/moderation/posts/{post.pk}/", {"moderation_note": "Closed after 400 comments."})
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Comments are closed." in page and "Closed after 400 comments." in page


def test_readers_cannot_change_thread_settings(client, post):
    response = client.post(f"/moderation/posts/{post.pk}/", {"moderation_note": "Pwned"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    post.refresh_from_db()
    assert post.moderation_note == ""


def _refusals_page(moderator_client) -> str:
    return moderator_client.get("/moderation/refused/").content.decode()


def test_honeypot_and_too_fast_refusals_are_counted_with_what_was_sent(
    client, moderator_client, post, settings
):
    url = f"{post.get_absolute_url()}comments/"
    reader = Client()
    reader.post(url, comment_form(homepage="http://bot.example", author_name="Bot Bob", body="Cheap pills"))
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "COMMENT_FORM_MIN_SECONDS": 60}
    reader.post(url, comment_form(author_name="Quick Quentin", body="Typed fast"))
    assert not Comment.objects.exists()
    page = _refusals_page(moderator_client)
    assert "Filled in the field people never see" in page and "Bot Bob" in page and "Cheap pills" in page
    assert "Sent too soon after the form was shown" in page and "Quick Quentin" in page


def test_flood_and_duplicate_refusals_are_counted(moderator_client, post, policy):
    from tests.factories import clear_of_minute_boundary

    clear_of_minute_boundary(margin=10)  # the flood count is per clock minute
    policy.flood_limit_per_minute = 2
    policy.save()
    url = f"{post.get_absolute_url()}comments/"
    reader = Client()
    reader.post(url, comment_form(author_email="dup@example.org", body="Same words."))
    Client().post(
        url, comment_form(author_name="Copycat", author_email="DUP@example.org", body="Same words.")
    )
    for n in range(3):
        reader.post(url, comment_form(author_name="Flooder", body=f"Message {n}"))
    page = _refusals_page(moderator_client)
    assert "The same text again within a minute" in page and "Copycat" in page
    assert "Too many comments in a minute" in page and "Flooder" in page


def test_api_refusals_are_counted_too(client, moderator_client, post):
    payload = {
        "author_name": "Api Annie",
        "author_email": "annie@example.org",
        "author_url": "",
        "body": "Hi",
    }
    for _ in range(2):
        client.post(f"/api/posts/{post.pk}/comments", payload, content_type="application/json")
    assert "Api Annie" in _refusals_page(moderator_client)


def test_readers_never_see_the_refusals_page(client):
    assert client.get("/moderation/refused/").status_code == 302
