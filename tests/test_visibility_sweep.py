"""Every public surface, visited for every state in which a post or a comment is not public,
finds nothing of it: drafts, scheduled, password-protected and unpublished (embedded) posts;
held, spam, removed, pingback, withdrawn and edited-back-to-held comments.

Each hidden thing carries its own secret word; a surface that shows any of them names it.
"""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment, mark_spam, remove_comment
from commentariat.discussion.services.status import apply_author_edit, withdraw
from commentariat.publishing.models import Category, Post, Tag
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

BLOG = "https://blog.example.org"
EMBED_PAGE = f"{BLOG}/2026/11/an-embedded-page/"
HIDDEN_NAME = "Zyxwhidden Commenter"


@pytest.fixture
def site(author, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "EMBED_ORIGINS": [BLOG]}
    economy = Category.objects.create(name="Economy", slug="economy")
    housing = Tag.objects.create(name="housing", slug="housing")
    public = make_post(author=author, title="Public post", slug="public-post", body="Nothing secret here.")
    _file(public, economy, housing)
    secrets = {}
    visible = make_comment(public, name="Visible Reader", body="A visible comment")
    # Comments on the public post, one per state that readers must not see.
    held = make_comment(public, name=HIDDEN_NAME, body="held qwheldword")
    hold_comment(comment=held)
    spam = make_comment(public, name=HIDDEN_NAME, body="spam qwspamword")
    mark_spam(comment=spam)
    removed = make_comment(public, name=HIDDEN_NAME, body="removed qwremovedword")
    remove_comment(comment=removed)
    removed_parent = make_comment(public, name=HIDDEN_NAME, body="placeholder qwparentword")
    make_comment(public, parent=removed_parent, name="Visible Replier", body="A visible reply")
    remove_comment(comment=removed_parent)
    Comment.objects.create(post=public, kind=Comment.Kind.PINGBACK, status=Comment.Status.APPROVED,
                           author_name=HIDDEN_NAME, author_email="ping@example.org",
                           author_url="https://spammy.example/qwpingword", body="pingback qwpingword")  # fmt: skip
    withdrawn = make_comment(public, name=HIDDEN_NAME, body="withdrawn qwwithdrawnword")
    withdraw(comment=withdrawn)
    edited = make_comment(public, name=HIDDEN_NAME, body="fine at first")
    apply_author_edit(comment=edited, body="edited qweditedword", screened_status=Comment.Status.PENDING,
                      reason="Held: a link.", spam_score=None)  # fmt: skip
    secrets.update(held="qwheldword", spam="qwspamword", removed="qwremovedword", parent="qwparentword",
                   pingback="qwpingword", withdrawn="qwwithdrawnword", edited="qweditedword")  # fmt: skip
    # Posts readers must not see (or, protected, only behind the password), each with a comment.
    hidden_posts = {}
    for state in ("draft", "scheduled", "protected"):
        post = make_post(author=author, title=f"{state} post", slug=f"a-{state}", body=f"body qw{state}body")
        _file(post, economy, housing)
        make_comment(post, name=HIDDEN_NAME, body=f"comment qw{state}comment")
        secrets.update({f"{state} body": f"qw{state}body", f"{state} comment": f"qw{state}comment"})
        hidden_posts[state] = post
    Post.objects.filter(slug="a-draft").update(status=Post.Status.DRAFT)
    Post.objects.filter(slug="a-scheduled").update(published_at=timezone.now() + timedelta(days=1))
    Post.objects.filter(slug="a-protected").update(password="open sesame")
    embedded = _unpublished_embedded_thread(author)
    secrets["embedded comment"] = "qwembeddedcomment"
    return {"public": public, "visible": visible, "secrets": secrets,
            "hidden_comments": [held, spam, removed, withdrawn, edited],
            "hidden_posts": {k: Post.objects.get(pk=p.pk) for k, p in hidden_posts.items()},
            "embedded": embedded}  # fmt: skip


def _file(post, category, tag):
    post.categories.add(category)
    post.tags.add(tag)


def _unpublished_embedded_thread(author):
    embedded = Post.objects.create(
        kind=Post.Kind.EMBEDDED, external_url=EMBED_PAGE, title="Embedded page", body="", author=author,
        slug="embedded-sweep", status=Post.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    make_comment(embedded, name=HIDDEN_NAME, body="comment qwembeddedcomment")
    Post.objects.filter(pk=embedded.pk).update(status=Post.Status.DRAFT)  # taken down by an editor
    return embedded


def _public_surfaces(site) -> list[str]:
    public = site["public"]
    url = public.get_absolute_url()
    month = timezone.localtime(public.published_at)
    word = "qw*"  # a prefix search that every secret word matches
    return [
        "/", "/?page=2", f"/{month.year}/{month.month:02d}/",
        "/feed/", "/feed/atom/", "/comments/feed/", "/comments/feed/atom/",
        "/category/economy/", "/category/economy/feed/", "/tag/housing/", "/tag/housing/feed/atom/",
        "/author/editor/", "/author/editor/feed/", "/sitemap.xml",
        f"/search/?q={word}", f"/search/?q={word}&in=comments",
        url, url, f"{url}?cpage=1", f"{url}feed/", f"{url}feed/atom/", f"{url}print/", f"{url}print/?comments=1",
        f"{url}email/",
        "/api/posts", f"/api/posts/{public.pk}", f"/api/posts/{public.pk}/comments",
        f"/embed/thread?url={EMBED_PAGE}", f"/live/posts/{public.pk}/comments/?after=0",
    ]  # fmt: skip


def _without_echo(url: str, body: str) -> str:
    """The search page repeats what was searched for; nothing else may carry the word."""
    if url.startswith("/search/"):
        for echo in ("“qw*”", 'value="qw*"', "q=qw*", "q=qw%2A"):
            body = body.replace(echo, "")
    return body


def test_no_public_surface_shows_anything_hidden(site):
    reader = Client()
    for url in _public_surfaces(site):
        response = reader.get(url, HTTP_ORIGIN=BLOG)
        assert response.status_code in (200, 404), url
        body = _without_echo(url, response.content.decode())
        for what, secret in site["secrets"].items():
            assert secret not in body, f"{what} shows on {url}"
        assert HIDDEN_NAME not in body, url
        for post in site["hidden_posts"].values():
            if post.password:
                continue  # a protected post is listed by title, as WordPress lists it
            assert post.title not in body, url


def test_the_public_post_counts_only_its_public_comments(site):
    page = Client().get(site["public"].get_absolute_url()).content.decode()
    assert "2 comments" in page  # the visible comment and the visible reply
    assert page.count('class="comment-removed-note"') == 1  # the removed parent keeps its reply's place
    thread = Client().get(f"/api/posts/{site['public'].pk}/comments").json()
    assert thread["comment_count"] == 2


def test_the_pdf_shows_nothing_hidden(site):
    url = site["public"].get_absolute_url()
    pdf = Client().get(f"{url}pdf/?comments=1").content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "A visible comment" in text
    for what, secret in site["secrets"].items():
        assert secret not in text, what


def test_hidden_comments_permalinks_say_nothing_of_them(site):
    for comment in site["hidden_comments"]:
        response = Client().get(f"/comments/{comment.pk}/")
        assert response.status_code in (404, 410), comment.status
        body = response.content.decode()
        for secret in site["secrets"].values():
            assert secret not in body, comment.status
        assert HIDDEN_NAME not in body


def test_hidden_posts_own_addresses_answer_404_or_the_password_form(site):
    reader = Client()
    for state, post in site["hidden_posts"].items():
        url = post.get_absolute_url()
        for suffix in ("", "feed/", "print/", "print/?comments=1", "pdf/", "email/"):
            response = reader.get(url + suffix)
            body = response.content.decode()
            if state == "protected" and suffix == "":
                assert response.status_code == 200 and 'name="post_password"' in body
            else:
                assert response.status_code == 404, url + suffix
            assert f"qw{state}body" not in body and f"qw{state}comment" not in body, url + suffix
        assert reader.get(f"/api/posts/{post.pk}").status_code == 404
        assert reader.get(f"/api/posts/{post.pk}/comments").status_code == 404
        assert reader.get(f"/live/posts/{post.pk}/comments/?after=0").status_code == 404
        assert reader.get(f"/search/result/{post.pk}/").status_code == 404
        comment = post.comments.get()
        assert f"qw{state}comment" not in reader.get(f"/comments/{comment.pk}/").content.decode()


def test_an_unpublished_embedded_thread_is_gone_from_the_embed_endpoints(site):
    reader = Client()
    thread = reader.get("/embed/thread", {"url": EMBED_PAGE}, HTTP_ORIGIN=BLOG)
    assert thread.status_code == 404 and "qwembeddedcomment" not in thread.content.decode()
    posted = reader.post(
        "/embed/comments",
        {"url": EMBED_PAGE, "author_name": "Late", "author_email": "late@example.org", "body": "Still here?"},
        content_type="application/json",
        HTTP_ORIGIN=BLOG,
    )
    assert posted.status_code == 404
    assert not Comment.objects.filter(author_name="Late").exists()
