from unittest import mock

import pytest
from django.test import Client

from commentariat.discussion.models import Comment
from commentariat.discussion.screening import Screening
from commentariat.moderation.models import ModerationPolicy
from tests.factories import comment_form, make_comment, make_post

pytestmark = pytest.mark.django_db


SHARED = "public, max-age=0, s-maxage=300, stale-while-revalidate=30"


def test_two_anonymous_readers_get_the_same_page_byte_for_byte_and_no_cookie(post):
    first, second, third = (Client().get(post.get_absolute_url()) for _ in range(3))
    assert [page["X-Page-Cache"] for page in (first, second, third)] == ["miss", "hit", "hit"]
    assert first.content == second.content == third.content
    for page in (first, second, third):
        assert not page.cookies and "Set-Cookie" not in page
        assert "csrfmiddlewaretoken" not in page.content.decode()


def test_a_hit_carries_the_headers_of_the_miss(post):
    miss, hit = Client().get(post.get_absolute_url()), Client().get(post.get_absolute_url())
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    per_response = {"X-Page-Cache", "Content-Length"}
    assert {k: v for k, v in miss.items() if k not in per_response} == {
        k: v for k, v in hit.items() if k not in per_response
    }
    assert "Cookie" in hit["Vary"] and hit["X-Frame-Options"] == "DENY"


def test_shared_pages_say_so_with_their_purge_keys(post):
    page = Client().get(post.get_absolute_url())
    assert page["Cache-Control"] == SHARED
    assert page["Surrogate-Key"] == page["xkey"] == f"site post-{post.pk}"
    assert page["Cache-Tag"] == f"site,post-{post.pk}"
    home = Client().get("/")
    assert home["Cache-Control"] == SHARED and home["Surrogate-Key"] == "site lists"
    assert home["Cache-Tag"] == "site,lists"


def test_the_shared_lifetime_is_a_setting(post, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "SHARED_CACHE_SECONDS": 60}
    page = Client().get(post.get_absolute_url())
    assert page["Cache-Control"] == "public, max-age=0, s-maxage=60, stale-while-revalidate=30"


def test_without_the_page_cache_here_pages_are_still_shared_and_tokenless(post, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PAGE_CACHE": False}
    page = Client().get(post.get_absolute_url())
    assert page["Cache-Control"] == SHARED and page["xkey"] == f"site post-{post.pk}"
    assert "X-Page-Cache" not in page and not page.cookies
    assert "csrfmiddlewaretoken" not in page.content.decode()


def test_everything_personal_is_private(admin_client, post):
    reader = Client()
    reader.cookies["commentariat_commenter"] = "x"
    for response in (
        admin_client.get(post.get_absolute_url()),  # a session
        reader.get(post.get_absolute_url()),  # remembered details
        Client().get(post.get_absolute_url() + "?cpage=99"),  # not a 200
        Client().get("/search/?q=word"),  # not marked shareable
    ):
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert "Surrogate-Key" not in response and "xkey" not in response


def test_a_change_committed_while_a_page_renders_keeps_it_out_of_shared_caches(post, monkeypatch):
    from commentariat.core import page_cache

    reads = iter(["1", "2"])  # the version read before rendering, then the one after
    monkeypatch.setattr(page_cache, "_versions", lambda scope: next(reads))
    page = Client().get(post.get_absolute_url())
    assert page.status_code == 200 and "private" in page["Cache-Control"] and "xkey" not in page


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
    assert again.status_code == 304 and again["Cache-Control"] == SHARED
    make_comment(post)
    changed = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_page_whose_view_sets_a_cookie_is_never_shared(post, rf):
    from django.http import HttpResponse

    from commentariat.core.page_cache import PageCacheMiddleware, cache_page_as

    def view(request):
        assert cache_page_as(request, f"post:{post.pk}")
        response = HttpResponse("<p>A page.</p>")
        response.set_cookie("flavour", "someone's")
        return response

    response = PageCacheMiddleware(view)(rf.get("/a-page/"))
    assert "private" in response["Cache-Control"] and "xkey" not in response


def test_a_page_rendered_again_in_another_second_keeps_its_etag(post, monkeypatch):
    import time

    from commentariat.core import form_timing

    first = Client().get(post.get_absolute_url())
    with mock.patch(
        "commentariat.discussion.services.submission.screen_comment",
        return_value=Screening(Comment.Status.PENDING, "test"),
    ):
        make_comment(post)  # held: bumps the post, changes nothing shown
    real_time = time.time
    monkeypatch.setattr(form_timing.time, "time", lambda: real_time() + 5)
    again = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["X-Page-Cache"] == "miss"
