from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from commentariat.publishing.models import Post
from tests.factories import comment_form, make_comment, make_post

pytestmark = pytest.mark.django_db


def test_home_lists_latest_posts_with_date_excerpt_and_comment_count(client, author):
    post = make_post(author=author, title="Visible analysis", excerpt="The short version.")
    make_comment(post)
    make_comment(post)
    response = client.get("/")
    assertContains(response, "Visible analysis")
    assertContains(response, "The short version.")
    assertContains(response, "2 comments")
    assertContains(response, post.get_absolute_url())


def test_home_is_paginated(client, author, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "POSTS_PER_PAGE": 2}
    for i in range(5):
        make_post(author=author, title=f"Paged post {i}", published_at=timezone.now() - timedelta(days=i + 1))
    assertContains(client.get("/"), "Paged post 0")
    page3 = client.get("/?page=3")
    assertContains(page3, "Paged post 4")
    assertNotContains(page3, "Paged post 0")


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_posts_leak_nowhere(client, author, state):
    if state == "draft":
        hidden = make_post(
            author=author,
            title="Secret draft",
            status=Post.Status.DRAFT,
            published_at=timezone.now() - timedelta(days=1),
        )
    else:
        hidden = make_post(
            author=author, title="Secret draft", published_at=timezone.now() + timedelta(days=1)
        )
    when = timezone.localtime(hidden.published_at)
    for url in ("/", f"/{when.year}/{when.month:02d}/"):
        response = client.get(url)
        assert "Secret draft" not in response.content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(hidden.get_absolute_url() + "comments/").status_code == 405
    response = client.post(
        hidden.get_absolute_url() + "comments/",
        comment_form(body="x"),
    )
    assert response.status_code == 404


def test_monthly_archive_lists_that_months_posts(client, author):
    when = timezone.now().replace(year=2025, month=3, day=14)
    make_post(author=author, title="March post", published_at=when)
    make_post(author=author, title="April post", published_at=when + timedelta(days=30))
    response = client.get("/2025/03/")
    assertContains(response, "March post")
    assertNotContains(response, "April post")
    assert client.get("/2024/01/").status_code == 404


def test_post_page_shows_title_author_date_and_rendered_body(client, author):
    post = make_post(
        author=author, title="Rendered", body="Some *emphasis* and a [link](https://example.org)."
    )
    response = client.get(post.get_absolute_url())
    assertContains(response, '<h1 id="post-title">Rendered</h1>', html=False)
    assertContains(response, "Edith Writer")
    assertContains(response, "<em>emphasis</em>")
    assertContains(response, '<a href="https://example.org" rel="noopener">link</a>')


def test_post_under_the_wrong_month_is_not_found(client, post):
    assert client.get(f"/1999/01/{post.slug}/").status_code == 404
