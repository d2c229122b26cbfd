"""Feeds, category/tag/author pages, sitemap, robots.txt and social meta, as readers and
crawlers meet them. Drafts and scheduled posts never appear; comment feeds never carry emails."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Category, Post, Tag
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(author):
    economy = Category.objects.create(name="Economy", slug="economy", description="Money matters")
    housing = Tag.objects.create(name="housing", slug="housing")
    public = make_post(author=author, title="Public post", slug="public-post", body="Public **body** text")
    public.categories.add(economy)
    public.tags.add(housing)
    draft = make_post(author=author, title="Secret draft", slug="secret-draft", status=Post.Status.DRAFT)
    scheduled = make_post(
        author=author,
        title="Scheduled post",
        slug="scheduled-post",
        published_at=timezone.now() + timedelta(days=2),
    )
    for hidden in (draft, scheduled):
        hidden.categories.add(economy)
        hidden.tags.add(housing)
    page = make_post(author=author, title="About us", slug="about-us", kind=Post.Kind.PAGE)
    approved = make_comment(public, name="Ada Reader", email="ada@private.example", body="A public reply")
    held = make_comment(public, name="Held Back", email="held@private.example", body="Not yet")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    return {"public": public, "page": page, "approved": approved}


def rss_titles(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in ElementTree.fromstring(response.content).iter("item")]


def atom_titles(response) -> list[str]:
    assert response["Content-Type"].startswith("application/atom+xml")
    return [
        entry.findtext(f"{ATOM}title")
        for entry in ElementTree.fromstring(response.content).iter(f"{ATOM}entry")
    ]


def test_site_category_tag_and_author_feeds_list_published_posts_only(client, site):
    for url in ("/feed/", "/category/economy/feed/", "/tag/housing/feed/", "/author/editor/feed/"):
        assert rss_titles(client.get(url)) == ["Public post"], url
    for url in ("/feed/atom/", "/category/economy/feed/atom/", "/tag/housing/feed/atom/"):
        assert atom_titles(client.get(url)) == ["Public post"], url
    item = ElementTree.fromstring(client.get("/feed/").content).find("channel/item")
    assert "<strong>body</strong>" in item.findtext("description")
    assert {c.text for c in item.iter("category")} == {"Economy", "housing"}
    assert client.get("/category/nope/feed/").status_code == 404


def test_comment_feeds_carry_approved_comments_with_names_and_never_emails(client, site):
    for url in ("/comments/feed/", f"{site['public'].get_absolute_url()}feed/"):
        response = client.get(url)
        titles = rss_titles(response)
        assert titles == ["Ada Reader on “Public post” (#1)"], url
        body = response.content.decode()
        assert "@private.example" not in body and "Not yet" not in body
    assert atom_titles(client.get("/comments/feed/atom/")) == ["Ada Reader on “Public post” (#1)"]
    assert client.get("/2099/01/secret-draft/feed/").status_code == 404


def test_pages_link_their_feeds_for_autodiscovery(client, site):
    home = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in home and 'href="/feed/"' in home and 'href="/feed/atom/"' in home
    post_page = client.get(site["public"].get_absolute_url()).content.decode()
    assert f'href="{site["public"].get_absolute_url()}feed/"' in post_page


def test_category_tag_and_author_pages_list_published_posts(client, site):
    for url, heading in [
        ("/category/economy/", "Economy"),
        ("/tag/housing/", "housing"),
        ("/author/editor/", "Edith Writer"),
    ]:
        page = client.get(url).content.decode()
        assert f'<h1 class="listing-title">{heading}</h1>' in page, url
        assert "Public post" in page and "Secret draft" not in page and "Scheduled post" not in page
        assert "About us" not in page
    post_page = client.get(site["public"].get_absolute_url()).content.decode()
    assert 'href="/category/economy/">Economy</a>' in post_page and 'href="/tag/housing/"' in post_page
    assert client.get("/tag/unknown/").status_code == 404
    assert client.get("/author/nobody/").status_code == 404


def test_sitemap_lists_published_posts_and_pages_only(client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert site["public"].get_absolute_url() in body and "/about-us/" in body
    assert "secret-draft" not in body and "scheduled-post" not in body


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_staff_pages(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /moderation/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_post_pages_carry_opengraph_and_twitter_card_meta(client, site):
    page = client.get(site["public"].get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Public post">' in page
    assert f'<meta property="og:url" content="http://testserver{site["public"].get_absolute_url()}">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_a_changed_slug_leaves_a_301_from_the_old_address(client, site):
    post = site["public"]
    old_url = post.get_absolute_url()
    post.slug = "public-post-renamed"
    post.save()
    response = client.get(old_url)
    assert (
        response.status_code == 301
        and response["Location"] == "/" + old_url.strip("/").rsplit("/", 1)[0] + "/public-post-renamed/"
    )
    assert client.get(response["Location"]).status_code == 200
    # Renamed back: the address is the post's own again, not a redirect to itself.
    post.slug = "public-post"
    post.save()
    assert client.get(old_url).status_code == 200
