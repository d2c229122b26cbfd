"""The writers' editor as a writer uses it: forms posted, preview, scheduling, images."""

import io
import struct
import time
import zlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from commentariat.publishing.images import image_dir
from commentariat.publishing.models import Category, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="wren", first_name="Wren", is_staff=True, password="x"
    )
    user.groups.add(Group.objects.get(name="editor"))
    client.force_login(user)
    return user


def form_data(**fields):
    data = {
        "title": "Trams return", "slug": "", "kind": "post", "excerpt": "", "body": "The **tram** is back.",
        "status": "draft", "publish_at": "", "comments_open": "on", "tag_names": "",
    }  # fmt: skip
    data.update(fields)
    return data


def png_bytes(width=2400, height=1200) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """A real, valid 13000 × 13000 grey PNG of about 160 KB: 169 million pixels once decoded."""
    width = height = 13000
    row = bytes(1 + width)  # PNG's filter byte, then black pixels
    deflate = zlib.compressobj(9)
    pixels = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def test_only_editors_reach_the_editor(client, django_user_model):
    assert client.get("/editor/").status_code == 302  # to the login page
    reader = django_user_model.objects.create_user(username="reader", is_staff=True)
    client.force_login(reader)
    assert client.get("/editor/").status_code == 403


def test_a_writer_saves_a_draft_then_publishes_it(client, writer):
    economy = Category.objects.create(name="Economy", slug="economy")
    response = client.post(
        "/editor/new/", form_data(categories=[economy.pk], tag_names="transport, city life")
    )
    post = Post.objects.get(slug="trams-return")
    assert response.status_code == 302 and response["Location"] == f"/editor/{post.pk}/"
    assert post.status == Post.Status.DRAFT and post.author == writer and not post.is_published()
    assert sorted(post.tags.values_list("slug", flat=True)) == ["city-life", "transport"]
    assert client.get(post.get_absolute_url()).status_code == 404
    client.post(f"/editor/{post.pk}/", form_data(status="published", categories=[economy.pk]))
    post.refresh_from_db()
    assert post.is_published()
    client.logout()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<strong>tram</strong>" in page and "Filed under" in page


def test_a_future_publish_time_schedules_the_post_and_it_appears_by_itself(client, writer, settings):
    when = timezone.localtime(timezone.now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    client.post("/editor/new/", form_data(status="published", publish_at=when))
    post = Post.objects.get(slug="trams-return")
    assert post.status == Post.Status.PUBLISHED and not post.is_published()
    assert "Scheduled for" in client.get("/editor/").content.decode()
    client.logout()
    assert "Trams return" not in client.get("/").content.decode()
    # Time passes; nothing runs; the post is there.
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "PAGE_CACHE": False}
    assert "Trams return" in client.get("/").content.decode()


def test_bad_input_is_shown_in_the_form_and_nothing_is_saved(client, writer):
    Post.objects.create(title="Taken", slug="taken", author=writer, body="x")
    response = client.post("/editor/new/", form_data(title="", slug="taken"))
    assert response.status_code == 400
    assert "Another post has this address" in response.content.decode()
    assert Post.objects.count() == 1


def test_preview_without_javascript_and_the_live_preview_endpoint(client, writer):
    response = client.post(
        "/editor/new/", form_data(body="A [link](javascript:alert(1)) and *emphasis*", preview="1")
    )
    page = response.content.decode()
    assert "<em>emphasis</em>" in page and not Post.objects.exists()
    live = client.post("/editor/preview/", {"body": "# Heading\n\n<script>x()</script>Text"})
    assert live.status_code == 200 and "<script>" not in live.content.decode()
    assert (
        'href="javascript'
        not in client.post("/editor/preview/", {"body": "[a](javascript:alert(1))"}).content.decode()
    )


def test_an_uploaded_image_is_resized_stored_and_served_with_long_cache_headers(client, writer):
    upload = SimpleUploadedFile("chart.png", png_bytes(), content_type="image/png")
    client.post("/editor/new/", {**form_data(), "image": upload})
    post = Post.objects.get(slug="trams-return")
    url = post.body.split("](")[1].rstrip(")\n")
    assert url.startswith("/media/images/") and f'<img src="{url}"' in post.body_html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    stored = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert stored.size == (1600, 800)


def test_an_image_of_too_many_pixels_is_refused_from_its_header_at_once(client, writer, huge_png):
    upload = SimpleUploadedFile("bomb.png", huge_png, content_type="image/png")
    stored_before = set(image_dir().iterdir())
    started = time.monotonic()
    response = client.post("/editor/new/", {**form_data(), "image": upload})
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    # Past twice the limit, Pillow itself refuses from the header, without the dimensions.
    assert (
        "This image is over 80,000,000 pixels; images of up to 40 million pixels are accepted."
        in response.content.decode()
    )
    assert elapsed < 1.5  # decoding it alone takes longer; resizing it, several seconds
    assert not Post.objects.exists() and set(image_dir().iterdir()) == stored_before


def test_the_pixel_limit_is_a_setting(client, writer, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "MAX_IMAGE_PIXELS": 2400 * 1200 - 1}
    upload = SimpleUploadedFile("chart.png", png_bytes(2400, 1200), content_type="image/png")
    response = client.post("/editor/new/", {**form_data(), "image": upload})
    assert response.status_code == 400
    assert "This image is 2,400 × 1,200 pixels; images of up to 2.88 million" in response.content.decode()
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "MAX_IMAGE_PIXELS": 2400 * 1200}
    upload = SimpleUploadedFile("chart.png", png_bytes(2400, 1200), content_type="image/png")
    assert client.post("/editor/new/", {**form_data(), "image": upload}).status_code == 302


def test_a_file_that_is_not_an_image_is_refused_with_a_message(client, writer):
    upload = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post("/editor/new/", {**form_data(), "image": upload})
    assert response.status_code == 400
    assert not Post.objects.exists()
    assert client.get("/media/images/../../secret_key").status_code == 404
