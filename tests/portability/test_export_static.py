"""`commentariat export-static DIR`, read the way a reader meets it: the written directory served
by Python's http.server, links followed from the front page, every file searched for what must
not be there."""

import io
import re
import threading
import urllib.request
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from commentariat.core.archive_mode import ARCHIVED_NOTE
from commentariat.discussion.models import Comment
from commentariat.discussion.services.status import decide
from commentariat.moderation.services import pick_comment
from commentariat.portability.static_export import ExportProgress, export_static_site
from commentariat.portability.static_links import links_in_html
from commentariat.publishing.images import image_dir, store_image
from commentariat.publishing.models import Category, Post, Tag
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"  # COMMENTARIAT_SITE_URL's default, as the test settings keep it


@pytest.fixture
def site(author, moderator):
    """A small site with everything a static copy must carry, and everything it must leave out."""
    essays, tag = (
        Category.objects.create(name="Essays", slug="essays"),
        Tag.objects.create(name="Ports", slug="ports"),
    )
    older = make_post(author=author, title="Harbour dues", slug="harbour-dues",
                      published_at=timezone.now() - timedelta(days=40))  # fmt: skip
    chart = store_image(_png_upload())
    post = make_post(
        author=author,
        title="Lantern tariffs",
        slug="lantern-tariffs",
        body=f"Tariffs **rose**.\n\n![Chart of tariffs]({chart.url})",
    )
    post.categories.add(essays)
    post.tags.add(tag)
    first = make_comment(post, name="Ada", email="ada.commenter@example.org", body="First point.")
    reply = make_comment(post, parent=first, name="Bo", email="bo.replier@example.org", body="A reply to it.")
    pick_comment(comment=reply, picked=True, by=moderator)
    make_comment(post, name="Eve <script>", email="eve.hostile@example.org",
                 body='<script>alert("x")</script> [click](javascript:alert(1)) Hostile but inert.')  # fmt: skip
    held = make_comment(post, name="Held", email="held.person@example.org", body="HELD-TEXT waiting.")
    decide(comment=held, to=Comment.Status.PENDING, by=moderator)
    spam = make_comment(post, name="Spammer", email="spam.sender@example.org", body="SPAM-TEXT buy now.")
    decide(comment=spam, to=Comment.Status.SPAM, by=moderator)
    removed = make_comment(post, name="Gone", email="gone.person@example.org", body="REMOVED-TEXT rude.")
    make_comment(
        post, parent=removed, name="Cy", email="cy.after@example.org", body="Reply under a removed one."
    )
    decide(comment=removed, to=Comment.Status.REMOVED, by=moderator)
    page = make_post(author=author, title="About us", slug="about", kind=Post.Kind.PAGE)
    make_comment(page, name="Di", email="di.onpage@example.org", body="A comment on the page.")
    make_post(author=author, title="DRAFT-TITLE", slug="a-draft", status=Post.Status.DRAFT)
    make_post(
        author=author, title="FUTURE-TITLE", slug="later", published_at=timezone.now() + timedelta(days=3)
    )
    locked = make_post(author=author, title="Members only", slug="members", body="PROTECTED-BODY text.",
                       password="opensesame")  # fmt: skip
    return {
        "chart": chart,
        "post": post,
        "older": older,
        "page": page,
        "locked": locked,
        "first": first,
        "reply": reply,
    }


def _png_upload() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 40, 40)).save(buffer, "PNG")
    return SimpleUploadedFile("chart.png", buffer.getvalue(), content_type="image/png")


def export(directory: Path, *args) -> str:
    out = io.StringIO()
    call_command("export_static", str(directory), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def exported(site, tmp_path):
    directory = tmp_path / "archive"
    export(directory)
    return directory


@pytest.fixture
def served(exported):
    """The exported directory behind Python's own static file server."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(exported))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.read().decode()


def link_to(html: str, text: str) -> str:
    found = re.search(rf'<a [^>]*href="([^"]+)"[^>]*>\s*{re.escape(text)}', html)
    assert found, f"no link to {text!r}"
    return found.group(1)


def written_files(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


def test_reader_goes_from_the_front_page_to_a_post_its_numbered_comments_and_the_feed(served, site):
    front = fetch(served + "/")
    post_page = fetch(urljoin(served + "/", link_to(front, "Lantern tariffs")))
    first, reply = site["first"], site["reply"]
    assert f'<a class="comment-number" href="#comment-{first.pk}"' in post_page
    assert f'id="comment-{reply.pk}"' in post_page and ">1.1</a>" in post_page
    assert "<strong>rose</strong>" in post_page and ARCHIVED_NOTE in post_page

    permalink = fetch(urljoin(served + "/", link_to(post_page, "1.1")))  # the editors' pick above
    assert f'url={site["post"].get_absolute_url()}#comment-{reply.pk}"' in permalink

    feed = fetch(urljoin(served + "/", link_to(front, "Feed")))
    assert "<rss" in feed and "Lantern tariffs" in feed
    comments_feed = fetch(urljoin(served + "/", link_to(front, "Comments feed")))
    assert "A reply to it." in comments_feed
    assert "<feed" in fetch(served + "/feed/atom/")


def test_every_internal_link_and_anchor_of_every_written_page_resolves_to_a_written_file(exported):
    pages = [path for path in written_files(exported) if path.suffix == ".html"]
    assert len(pages) > 10
    checked = 0
    for page in pages:
        address = "/" + page.relative_to(exported).as_posix().removesuffix("index.html")
        for link in links_in_html(page.read_text()):
            url = urlsplit(urljoin(SITE + address, link))
            if url.scheme not in ("http", "https") or url.netloc != urlsplit(SITE).netloc:
                continue
            assert not url.query, f"{address} links to {link}: a static file cannot answer a query"
            target = exported / unquote(url.path).lstrip("/")
            if url.path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{address} links to {link}, which was not written"
            if url.fragment and target.suffix == ".html":
                assert f'id="{url.fragment}"' in target.read_text(), (
                    f"{address}: no #{url.fragment} in {link}"
                )
            checked += 1
    assert checked > 50


def test_every_link_in_the_written_feeds_to_this_site_finds_its_page(exported):
    feeds = [path for path in written_files(exported) if path.name == "index.xml"]
    assert len(feeds) >= 10
    links = set()
    for feed in feeds:
        for text, href in re.findall(r"<link>([^<]+)</link>|<link[^>]*href=\"([^\"]+)\"", feed.read_text()):
            links.add(text or href)
    comment_links = [link for link in links if "/comments/" in link and "/feed/" not in link]
    assert comment_links
    for link in links:
        url = urlsplit(link)
        assert url.netloc == urlsplit(SITE).netloc, link
        assert (exported / unquote(url.path).lstrip("/") / "index.html").is_file(), link


def test_archive_pages_have_no_forms_scripts_tokens_or_reply_links(exported, site):
    for page in written_files(exported):
        if page.suffix != ".html":
            continue
        html = page.read_text()
        assert "<form" not in html, page
        assert "csrfmiddlewaretoken" not in html, page
        assert "replytocom" not in html and "comment-reply-link" not in html, page
        scripts = re.findall(r"<script(?![^>]*application/ld\+json)[^>]*>", html)
        assert not scripts, f"{page}: {scripts}"
    post_page = (exported / site["post"].get_absolute_url().lstrip("/") / "index.html").read_text()
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in post_page and "Eve &lt;script&gt;" in post_page
    assert 'href="javascript:' not in post_page


def test_only_public_content_is_written_and_no_commenter_email_anywhere(exported):
    everything = b"".join(path.read_bytes() for path in written_files(exported))
    for secret in (
        b"DRAFT-TITLE",
        b"FUTURE-TITLE",
        b"PROTECTED-BODY",
        b"HELD-TEXT",
        b"SPAM-TEXT",
        b"REMOVED-TEXT",
    ):
        assert secret not in everything, secret
    emails = Comment.objects.values_list("author_email", flat=True)
    assert len(emails) == 8
    for email in emails:
        assert email.encode() not in everything, email
    assert b"Reply under a removed one." in everything  # its parent's place is kept, text gone


def test_protected_post_is_written_as_its_title_and_a_note(exported, site):
    html = (exported / site["locked"].get_absolute_url().lstrip("/") / "index.html").read_text()
    assert "Members only" in html and "not part of this archive" in html
    assert "PROTECTED-BODY" not in html and "post_password" not in html


def test_page_and_the_archives_of_its_category_tag_author_and_month_are_written(exported, site):
    assert "A comment on the page." in (exported / "about" / "index.html").read_text()
    for listing in ("category/essays", "tag/ports", "author/editor"):
        assert "Lantern tariffs" in (exported / listing / "index.html").read_text(), listing
        assert "<rss" in (exported / listing / "feed" / "index.xml").read_text()
    month = timezone.localtime(site["post"].published_at).strftime("%Y/%m")
    assert "Lantern tariffs" in (exported / month / "index.html").read_text()
    assert "<urlset" in (exported / "sitemap.xml").read_text()
    assert (exported / "static" / "commentariat" / "css" / "site.css").is_file()
    image = site["chart"].name
    assert (exported / "media" / "images" / image).read_bytes() == (image_dir() / image).read_bytes()


def test_listing_pages_are_written_by_path_and_linked_from_the_front_page(site, tmp_path, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "POSTS_PER_PAGE": 1}
    export(tmp_path / "out")
    address, seen = "/", []
    while True:
        html = (tmp_path / "out" / address.lstrip("/") / "index.html").read_text()
        seen.append(address)
        if "Older posts" not in html:
            break
        address = link_to(html, "← Older posts")
        assert (
            link_to((tmp_path / "out" / address.lstrip("/") / "index.html").read_text(), "Newer posts →")
            == seen[-1]
        )
    assert seen == ["/", "/page/2/", "/page/3/"]
    assert "Harbour dues" in html


def test_a_thread_longer_than_a_page_is_written_whole_on_its_post_page(site, tmp_path, comments_per_page):
    comments_per_page(1)
    export(tmp_path / "out")
    html = (tmp_path / "out" / site["post"].get_absolute_url().lstrip("/") / "index.html").read_text()
    assert "First point." in html and "Hostile but inert." in html and "cpage" not in html


def test_an_old_address_is_written_as_a_page_sending_the_reader_to_the_post(site, tmp_path):
    post = site["older"]
    old_url = post.get_absolute_url()
    post.slug = "harbour-dues-revisited"
    post.save()
    export(tmp_path / "out")
    html = (tmp_path / "out" / old_url.lstrip("/") / "index.html").read_text()
    assert f'content="0; url={post.get_absolute_url()}"' in html
    assert (
        "Harbour dues" in (tmp_path / "out" / post.get_absolute_url().lstrip("/") / "index.html").read_text()
    )


def test_empty_site_exports_a_front_page_and_feeds(db, tmp_path):
    summary = export(tmp_path / "empty")
    assert "Nothing has been published yet." in (tmp_path / "empty" / "index.html").read_text()
    assert "<rss" in (tmp_path / "empty" / "feed" / "index.xml").read_text()
    assert "pages" in summary


def test_a_directory_that_is_not_empty_is_refused_unless_forced(site, tmp_path):
    directory = tmp_path / "busy"
    directory.mkdir()
    (directory / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        export(directory)
    assert [path.name for path in directory.iterdir()] == ["keep.txt"]
    export(directory, "--force")
    assert not (directory / "keep.txt").exists() and (directory / "index.html").is_file()


def test_force_never_empties_the_directory_the_command_runs_in(site, tmp_path, monkeypatch):
    directory = tmp_path / "project"
    (directory / "src").mkdir(parents=True)
    (directory / "src" / "code.py").write_text("precious")
    monkeypatch.chdir(directory / "src")
    with pytest.raises(CommandError, match="not replacing it"):
        export(directory, "--force")
    assert (directory / "src" / "code.py").read_text() == "precious"


def test_the_written_directory_is_readable_by_a_web_server_running_as_another_user(exported):
    assert exported.stat().st_mode & 0o005 == 0o005
    assert (exported / "index.html").stat().st_mode & 0o004


def test_progress_lines_and_summary_say_what_was_written_and_skipped(site, tmp_path):
    lines = io.StringIO()
    report = export_static_site(directory=tmp_path / "out", progress=ExportProgress(lines, every=5))
    assert re.search(r"^5 files written \(last: /.*\), [0-9]+ to go$", lines.getvalue(), re.M)
    summary = "\n".join(report.lines())
    assert re.search(r"pages\s+1[0-9]", summary)
    assert re.search(r"comment permalinks\s+5\b", summary)
    assert re.search(r"protected posts \(title and excerpt only\)\s+1\b", summary)


def test_the_live_site_keeps_its_forms_after_an_export_and_no_header_turns_archive_mode_on(
    client, site, tmp_path
):
    export(tmp_path / "out")
    url = site["post"].get_absolute_url()
    for answer in (client.get(url), client.get(url, HTTP_COMMENTARIAT_STATIC_ARCHIVE="1")):
        assert b'class="comment-form"' in answer.content and ARCHIVED_NOTE.encode() not in answer.content
