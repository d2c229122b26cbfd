import re
from unittest import mock

import pytest
from django.test import Client

from commentariat.discussion.models import Comment
from commentariat.discussion.screening import Screening
from commentariat.moderation.models import ModerationPolicy
from tests.factories import comment_form, make_comment, make_post

pytestmark = pytest.mark.django_db


def _token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_second_anonymous_view_is_served_from_the_cache_with_fresh_tokens(post):
    first, second = Client().get(post.get_absolute_url()), Client().get(post.get_absolute_url())
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert _token(first) != _token(second)
    assert "__csrf__" not in second.content.decode() and "__started__" not in second.content.decode()


def test_a_cached_page_still_posts_a_comment_through_csrf(post):
    Client().get(post.get_absolute_url())  # fill the cache
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(post.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    response = reader.post(
        post.get_absolute_url() + "comments/",
        comment_form(csrfmiddlewaretoken=_token(page), body="From a cached page."),
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == "From a cached page."


def test_a_new_comment_refreshes_exactly_its_posts_pages(post, author):
    other = make_post(author=author, title="Another post")
    for page in (post, other):
        Client().get(page.get_absolute_url())
    make_comment(post, body="Brand new remark.")
    fresh = Client().get(post.get_absolute_url())
    assert fresh["X-Page-Cache"] == "miss" and "Brand new remark." in fresh.content.decode()
    assert Client().get(other.get_absolute_url())["X-Page-Cache"] == "hit"


def test_home_page_count_refreshes_when_a_comment_arrives(post):
    Client().get("/")
    make_comment(post)
    home = Client().get("/")
    assert home["X-Page-Cache"] == "miss" and "1 comment" in home.content.decode()


def test_a_policy_change_refreshes_every_page(post):
    Client().get(post.get_absolute_url())
    policy = ModerationPolicy.current()
    policy.comments_enabled = False
    policy.save()
    page = Client().get(post.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and policy.comments_disabled_message in page.content.decode()


def test_reader_with_a_held_comment_never_gets_or_gives_a_cached_page(post):
    Client().get(post.get_absolute_url())
    reader = Client()
    with mock.patch(
        "commentariat.discussion.services.submission.screen_comment",
        return_value=Screening(Comment.Status.PENDING, "test"),
    ):
        reader.post(post.get_absolute_url() + "comments/", comment_form(body="Mine, held."))
    own = reader.get(post.get_absolute_url())
    assert "X-Page-Cache" not in own and "Your comment is awaiting moderation." in own.content.decode()
    assert "private" in own["Cache-Control"]
    assert "Mine, held." not in Client().get(post.get_absolute_url()).content.decode()


def test_staff_pages_are_never_cached(admin_client, post):
    Client().get(post.get_absolute_url())
    response = admin_client.get(post.get_absolute_url())
    assert "X-Page-Cache" not in response and "Moderation" in response.content.decode()


def test_unchanged_page_answers_304_to_a_revalidating_browser(post):
    first = Client().get(post.get_absolute_url())
    etag = first["ETag"]
    again = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and "must-revalidate" in again["Cache-Control"]
    make_comment(post)
    changed = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
