"""Print view and PDF of a post, as a reader gets them from the "Print Friendly, PDF & Email" line."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(author):
    post = make_post(
        author=author,
        title="The bridge budget",
        slug="the-bridge-budget",
        body="The council [published figures](https://figures.example.org/bridge) on Monday.\n\n"
        "> A quoted line from the minutes.",
    )
    first = make_comment(
        post, name="Ada Reader", body="Where is the [second source](https://second.example.net)?"
    )
    make_comment(post, parent=first, name="Ben Reply", body="In the appendix.")
    held = make_comment(post, name="Held Back", body="Not approved yet")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    return post


def pdf_text(content: bytes) -> str:
    """The PDF's words, whitespace folded."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_every_post_page_offers_print_pdf_and_email(client, post):
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Print Friendly, PDF &amp; Email" in page
    for suffix in ("print/", "print/?comments=1", "pdf/", "email/"):
        assert f'href="{post.get_absolute_url()}{suffix}"' in page


def test_print_view_has_the_article_with_link_footnotes_and_no_site_navigation(client, post):
    page = client.get(f"{post.get_absolute_url()}print/").content.decode()
    assert '<h1 class="print-title">The bridge budget</h1>' in page
    assert 'class="site-header"' not in page and "Leave a Reply" not in page
    assert '<sup class="footnote-ref">[1]</sup>' in page
    assert "<li>https://figures.example.org/bridge</li>" in page
    assert "Ada Reader" not in page  # article only unless the reader asks for the discussion
    assert f"http://127.0.0.1:8000{post.get_absolute_url()}" in page  # COMMENTARIAT_SITE_URL


def test_print_view_with_comments_numbers_the_public_discussion(client, post):
    page = client.get(f"{post.get_absolute_url()}print/?comments=1").content.decode()
    assert '<span class="print-comment-number">1</span> Ada Reader' in page
    assert '<span class="print-comment-number">1.1</span> Ben Reply' in page
    assert "Not approved yet" not in page
    assert "<li>https://second.example.net</li>" in page  # comment links join the footnotes


def test_pdf_downloads_with_the_title_body_and_numbered_comment_authors(client, post):
    response = client.get(f"{post.get_absolute_url()}pdf/?comments=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="the-bridge-budget.pdf"'
    text = pdf_text(response.content)
    assert "The bridge budget" in text and "A quoted line from the minutes." in text
    assert "1 Ada Reader" in text and "1.1 Ben Reply" in text
    assert "Held Back" not in text
    assert "1 / 1" in text or "1 / 2" in text  # page numbers in the footer


def test_the_pdf_is_cached_until_the_post_or_its_comments_change(client, post, monkeypatch):
    from commentariat.exports import pdf as pdf_module

    renders = []
    real_render = pdf_module.render_pdf
    monkeypatch.setattr(
        pdf_module, "render_pdf", lambda html, **kwargs: renders.append(html) or real_render(html, **kwargs)
    )
    url = f"{post.get_absolute_url()}pdf/?comments=1"
    client.get(url)
    client.get(url)
    assert len(renders) == 1
    make_comment(post, name="New Voice", body="A new comment")
    assert "New Voice" in pdf_text(client.get(url).content)
    assert len(renders) == 2


def test_drafts_and_scheduled_posts_have_no_print_view_pdf_or_email_form(client, author):
    for hidden in (
        make_post(author=author, slug="draft-one", status=Post.Status.DRAFT, published_at=timezone.now()),
        make_post(author=author, slug="later-one", published_at=timezone.now() + timedelta(days=1)),
    ):
        for suffix in ("print/", "pdf/", "email/"):
            assert client.get(f"{hidden.get_absolute_url()}{suffix}").status_code == 404


def test_uploaded_images_are_in_the_pdf_and_other_sites_images_are_not_fetched(client, author, monkeypatch):
    from PIL import Image

    from commentariat.exports import pdf as pdf_module
    from commentariat.publishing.images import image_dir

    Image.new("RGB", (40, 20), (0, 90, 200)).save(image_dir() / "chart-test.png")
    asked = []
    fetcher_class = type(pdf_module._weasyprint().fetcher)
    real_fetch = fetcher_class.fetch
    monkeypatch.setattr(
        fetcher_class,
        "fetch",
        lambda self, url, headers=None: asked.append(url) or real_fetch(self, url, headers),
    )
    post = make_post(
        author=author, slug="with-images",
        body="![chart](/media/images/chart-test.png)\n\n![tracker](https://tracker.example.com/pixel.png)",
    )  # fmt: skip
    pdf = PdfReader(io.BytesIO(client.get(f"{post.get_absolute_url()}pdf/").content))
    images = [image for page in pdf.pages for image in page.images]
    assert len(images) == 1 and images[0].image.size == (40, 20)
    assert "https://tracker.example.com/pixel.png" in asked  # asked for, refused without a request
