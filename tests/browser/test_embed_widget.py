"""The embeddable thread in Chromium, on a page served by a second local origin."""

import functools
import http.server
import threading

import pytest
from playwright.sync_api import Page, expect

from commentariat.discussion.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def other_site(tmp_path, live_server, settings):
    """A static blog on another port: another origin, allowed to embed threads."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    (tmp_path / "post.html").write_text(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A static post</title>
        <style>#commentariat-thread {{ --cmt-accent: rgb(0, 80, 160); }}</style></head>
        <body><h1>A static post</h1><p>Text of the blog.</p>
        <div id="commentariat-thread"></div>
        <script src="{live_server.url}/embed.js" data-page-url="{origin}/post.html" async></script></body></html>"""
    )
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "EMBED_ORIGINS": [origin]}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield origin
    server.shutdown()


def test_a_reader_comments_and_replies_inside_another_sites_page(page: Page, other_site, live_server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{other_site}/post.html")
    widget = page.locator("#commentariat-thread .cmt")
    expect(widget.get_by_role("heading")).to_have_text("0 comments")
    widget.get_by_label("Comment").fill("Hello from the blog.")
    widget.get_by_label("Name").fill("Ada Reader")
    widget.get_by_label("Email (never published)").fill("ada@private.example")
    widget.get_by_role("button", name="Post Comment").click()
    expect(widget.get_by_role("status")).to_have_text("Your comment is published.")
    expect(widget.locator(".cmt-n")).to_have_text(["1"])
    widget.get_by_role("button", name="Reply").click()
    widget.get_by_label("Comment").fill("Answering myself.")
    widget.get_by_role("button", name="Post Comment").click()
    expect(widget.locator(".cmt-n")).to_have_text(["1", "1.1"])
    expect(widget.get_by_role("heading")).to_have_text("2 comments")
    # Styled by the host page, and nothing fetched from anywhere but the two origins.
    assert widget.locator(".cmt-n").first.evaluate("e => getComputedStyle(e).color") == "rgb(0, 80, 160)"
    assert all(url.startswith((other_site, live_server.url)) for url in requests)
    assert "ada@private.example" not in widget.inner_html()
    assert Comment.objects.filter(post__external_url=f"{other_site}/post.html").count() == 2


def test_a_site_not_on_the_list_gets_a_clear_refusal(page: Page, other_site, settings):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "EMBED_ORIGINS": []}
    page.goto(f"{other_site}/post.html")
    widget = page.locator("#commentariat-thread .cmt")
    expect(widget.get_by_role("heading")).to_have_text("0 comments")
    expect(widget.locator("form")).to_be_hidden()  # the thread says it is not open to this site
    assert not Comment.objects.exists()


def test_an_empty_submit_names_every_missing_field_and_a_held_comment_stays_with_its_author(
    page: Page, other_site, policy
):
    policy.mode = "hold_all"
    policy.save()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{other_site}/post.html")
    widget = page.locator("#commentariat-thread .cmt")
    widget.get_by_role("button", name="Post Comment").click()
    status = widget.get_by_role("status")
    for named in ("Comment: ", "Name: ", "Email: "):
        expect(status).to_contain_text(named)
    expect(widget.get_by_label("Comment")).to_be_focused()
    expect(widget.locator("[aria-invalid=true]")).to_have_count(3)

    body = widget.get_by_label("Comment")
    body.fill("<b>Held</b> words from the blog.")
    # Typed text is set in the text's own weight, not the label's bold.
    assert body.evaluate("e => getComputedStyle(e).fontWeight") == "400"
    widget.get_by_label("Name").fill("Hal Held")
    widget.get_by_label("Email (never published)").fill("hal@private.example")
    widget.get_by_role("button", name="Post Comment").click()
    expect(status).to_have_text("Your comment is awaiting moderation.")
    held = widget.locator(".cmt-held-c")
    expect(held).to_contain_text("<b>Held</b> words from the blog.")  # as typed, inert
    expect(held).to_contain_text("Your comment is awaiting moderation.")
    expect(widget.get_by_role("heading")).to_have_text("0 comments")
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390


def test_the_widget_follows_a_dark_color_scheme(page: Page, other_site):
    page.emulate_media(color_scheme="dark")
    page.goto(f"{other_site}/post.html")
    widget = page.locator("#commentariat-thread .cmt")
    expect(widget.get_by_role("heading")).to_have_text("0 comments")
    assert widget.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(27, 27, 29)"
    assert widget.evaluate("e => getComputedStyle(e).color") == "rgb(232, 230, 227)"
