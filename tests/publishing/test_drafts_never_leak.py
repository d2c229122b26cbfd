"""A draft or a scheduled post is invisible on every surface a reader or a crawler can reach,
until its time comes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commentariat.publishing.models import Category, Post, Tag
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

SECRET_WORD = "quokkaborealis"


@pytest.fixture
def hidden_posts(author):
    economy = Category.objects.create(name="Economy", slug="economy")
    housing = Tag.objects.create(name="housing", slug="housing")
    public = make_post(author=author, title="Public post", slug="public-post", body="Nothing secret here.")
    public.categories.add(economy)
    public.tags.add(housing)
    make_comment(public, name="Visible Reader", body="A visible comment")
    hidden = [
        make_post(author=author, title=f"Draft {SECRET_WORD}", slug="a-draft", status=Post.Status.DRAFT,
                  body=f"Draft body {SECRET_WORD}", published_at=timezone.now() - timedelta(days=1)),
        make_post(author=author, title=f"Scheduled {SECRET_WORD}", slug="a-scheduled",
                  body=f"Scheduled body {SECRET_WORD}", published_at=timezone.now() + timedelta(days=1)),
    ]  # fmt: skip
    for post in hidden:
        post.categories.add(economy)
        post.tags.add(housing)
        # A comment written while it was open for review must not surface either.
        Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED, published_at=timezone.now())
        make_comment(Post.objects.get(pk=post.pk), name="Early Reader", body=f"Comment {SECRET_WORD}")
    Post.objects.filter(slug="a-draft").update(status=Post.Status.DRAFT)
    Post.objects.filter(slug="a-scheduled").update(published_at=timezone.now() + timedelta(days=1))
    return [Post.objects.get(pk=post.pk) for post in hidden]


SURFACES = [
    "/", "/?page=2", "/feed/", "/feed/atom/", "/comments/feed/", "/comments/feed/atom/",
    "/category/economy/", "/category/economy/feed/", "/tag/housing/", "/tag/housing/feed/atom/",
    "/author/editor/", "/author/editor/feed/", "/sitemap.xml",
    f"/search/?q={SECRET_WORD}", f"/search/?q={SECRET_WORD}&in=comments",
]  # fmt: skip


def test_no_listing_feed_sitemap_or_search_shows_them(client, hidden_posts):
    month = timezone.localtime(timezone.now())
    for url in [*SURFACES, f"/{month.year}/{month.month:02d}/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = response.content.decode()
        if url.startswith("/search/"):
            assert "No results for" in body, url
            # The page repeats what was searched for; nothing else may carry the word.
            for echo in (f"“{SECRET_WORD}”", f'value="{SECRET_WORD}"', f"q={SECRET_WORD}"):
                body = body.replace(echo, "")
        assert SECRET_WORD not in body, url
        for post in hidden_posts:
            assert post.slug not in body, url


def test_their_own_addresses_print_pdf_email_and_comment_feeds_are_404(client, hidden_posts):
    for post in hidden_posts:
        url = post.get_absolute_url()
        for suffix in ("", "feed/", "print/", "print/?comments=1", "pdf/", "email/"):
            assert client.get(url + suffix).status_code == 404, url + suffix
        comment = post.comments.get()
        assert client.get(f"/comments/{comment.pk}/").status_code == 404
        assert client.get(f"/search/result/{post.pk}/").status_code == 404


def test_a_scheduled_post_appears_everywhere_when_its_time_comes(client, hidden_posts, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PAGE_CACHE": False}
    scheduled = hidden_posts[1]
    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    for url in ("/", "/feed/", "/sitemap.xml", f"/search/?q={SECRET_WORD}"):
        assert (
            "a-scheduled" in client.get(url).content.decode()
            or "Scheduled" in client.get(url).content.decode()
        ), url


def test_cached_pages_expire_when_a_scheduled_post_is_due(client, author, monkeypatch):
    from django.core.cache import cache

    from commentariat.core import page_cache

    make_post(author=author, title="Soon", slug="soon", published_at=timezone.now() + timedelta(seconds=30))
    stored = {}
    real_set_many = cache.set_many
    monkeypatch.setattr(
        cache,
        "set_many",
        lambda data, timeout=None: stored.update(timeout=timeout) or real_set_many(data, timeout),
    )
    client.get("/")
    assert 1 <= stored["timeout"] <= 31  # not the default 300 s
    assert page_cache._timeout() <= 31


@pytest.mark.parametrize("stored_here", [True, False], ids=["page-cache-here", "shared-cache-only"])
def test_shared_caches_keep_a_page_no_longer_than_until_a_scheduled_post_is_due(
    author, settings, stored_here
):
    # Varnish or a CDN keeps the home page for s-maxage: past the post's time, it would go on
    # hiding the post that the page cache here already shows.
    from django.test import Client

    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PAGE_CACHE": stored_here}
    make_post(author=author, title="Soon", slug="soon", published_at=timezone.now() + timedelta(seconds=30))
    for _ in range(2):  # the miss, then a hit (its headers replayed)
        home = Client().get("/")
        s_maxage = int(home["Cache-Control"].split("s-maxage=")[1].split(",")[0])
        assert 1 <= s_maxage <= 31, home["Cache-Control"]
