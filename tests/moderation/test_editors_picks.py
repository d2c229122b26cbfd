"""Editors' picks: a moderator marks a comment; readers see a badge in place and a list above
the thread; feeds and the API say so; a pick that is removed stops showing."""

import pytest
from django.test import Client
from lxml import etree

from commentariat.discussion.services import remove_comment
from commentariat.moderation.models import ModerationAction
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def good(post):
    make_comment(post, name="Ordinary", body="An ordinary comment.")
    return make_comment(post, name="Insightful Ida", body="The sharpest point in this thread.")


def _pick(moderator_client, comment, picked="1"):
    return moderator_client.post(f"/moderation/comments/{comment.pk}/pick/", {"picked": picked})


def test_a_moderator_picks_a_comment_and_readers_see_it_at_once(moderator_client, moderator, post, good):
    reader = Client()
    assert "Editors&#x27; pick" not in reader.get(post.get_absolute_url()).content.decode()  # cached now
    assert _pick(moderator_client, good).status_code == 302
    page = reader.get(post.get_absolute_url()).content.decode()
    assert 'class="thread-picks"' in page and f'href="/comments/{good.pk}/">2</a>' in page
    assert page.count('class="comment-pick"') == 1
    assert page.index('class="thread-picks"') < page.index('class="comment-list"')
    action = ModerationAction.objects.get(kind="pick")
    assert action.actor == moderator and action.comment_id == good.pk


def test_picks_are_marked_in_the_api_and_the_feed(moderator_client, post, good):
    _pick(moderator_client, good)
    thread = Client().get(f"/api/posts/{post.pk}/comments").json()["comments"]
    assert [c["is_pick"] for c in thread] == [False, True]
    feed = etree.fromstring(Client().get("/comments/feed/").content)
    titles = [t.text for t in feed.iter("title")]
    assert any(t.startswith("Editors' pick: Insightful Ida") for t in titles)


def test_an_unpicked_or_removed_comment_is_no_longer_listed(moderator_client, post, good):
    _pick(moderator_client, good)
    _pick(moderator_client, good, picked="0")
    assert 'class="thread-picks"' not in Client().get(post.get_absolute_url()).content.decode()
    _pick(moderator_client, good)
    remove_comment(comment=good)
    page = Client().get(post.get_absolute_url()).content.decode()
    assert 'class="thread-picks"' not in page and "sharpest point" not in page


def test_readers_cannot_pick(client, good):
    answer = client.post(f"/moderation/comments/{good.pk}/pick/", {"picked": "1"})
    assert answer.status_code == 302 and "/login/" in answer["Location"]
    good.refresh_from_db()
    assert good.picked_at is None


def test_staff_see_a_pick_link_under_each_comment_readers_do_not(moderator_client, post, good):
    assert (
        f'href="/moderation/comments/{good.pk}/pick/"'
        in moderator_client.get(post.get_absolute_url()).content.decode()
    )
    assert "/pick/" not in Client().get(post.get_absolute_url()).content.decode()
