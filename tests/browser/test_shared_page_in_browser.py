"""The shared page as a reader meets it in Chromium: posting from it with no cookie at all, and
their own details filled in by script (a page from a shared cache) or by the server (without
script, their cookie gets them a page of their own)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from commentariat.discussion.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _write_and_send(page, *, remember: bool):
    page.get_by_role("textbox", name="Comment", exact=True).fill("Posted from the shared page.")
    page.get_by_role("textbox", name="Name", exact=True).fill("Ada Reader")
    page.get_by_role("textbox", name="Email", exact=True).fill("ada@example.org")
    page.get_by_role("textbox", name="Website", exact=True).fill("https://ada.example.org")
    if remember:
        page.get_by_label("Save my name, email, and website").check()
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()


def _prime(browser, url: str) -> None:
    """Another reader has been there: the page is in the cache."""
    other = browser.new_context()
    other.new_page().goto(url)
    other.close()


def test_a_first_time_reader_posts_from_the_shared_page_without_any_cookie(live_server, browser, post):
    _prime(browser, live_server.url + post.get_absolute_url())
    context = browser.new_context()
    page = context.new_page()
    answer = page.goto(live_server.url + post.get_absolute_url())
    assert answer.headers.get("x-page-cache") == "hit" and "set-cookie" not in answer.headers
    assert context.cookies() == []
    _write_and_send(page, remember=False)
    expect(page.get_by_text("Posted from the shared page.")).to_be_visible()
    assert Comment.objects.get().author_name == "Ada Reader"
    context.close()


def test_the_form_asks_for_a_fresh_start_time_when_first_focused(live_server, browser, post):
    _prime(browser, live_server.url + post.get_absolute_url())
    page = browser.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    started = page.locator("input[name=started]")
    shared_value = started.input_value()
    page.wait_for_timeout(1100)  # tokens are made once a second
    with page.expect_response(lambda response: "/comments/form-started/" in response.url) as fresh:
        page.get_by_role("textbox", name="Comment", exact=True).focus()
    assert fresh.value.status == 200 and "no-store" in fresh.value.headers["cache-control"]
    expect(started).not_to_have_value(shared_value)
    page.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_remembered_details_come_back_with_and_without_script(live_server, browser, post, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    _write_and_send(page, remember=True)
    (remembered,) = [cookie for cookie in context.cookies() if cookie["name"] == "commentariat_commenter"]
    assert "ada@example.org" not in remembered["value"]  # signed and encoded, never plain
    shared_html = Client().get(post.get_absolute_url()).content.decode()
    assert "ada@example.org" not in shared_html and "Ada Reader" not in shared_html.split('id="respond"')[1]
    if javascript:
        # A shared cache that ignores cookies answers with the page every reader gets: the
        # script fills the form from the reader's own cookie.
        page.route(
            live_server.url + post.get_absolute_url(),
            lambda route: route.fulfill(
                status=200, body=shared_html, content_type="text/html; charset=utf-8"
            ),
        )
    answer = page.goto(live_server.url + post.get_absolute_url())
    if not javascript:  # the cookie got this reader a page of their own, filled by the server
        assert "private" in answer.headers["cache-control"] and "x-page-cache" not in answer.headers
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Ada Reader")
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_have_value("ada@example.org")
    expect(page.get_by_role("textbox", name="Website", exact=True)).to_have_value("https://ada.example.org")
    expect(page.get_by_label("Save my name, email, and website")).to_be_checked()
    context.close()


def test_a_held_comment_shows_to_its_writer_on_a_page_from_a_shared_cache(live_server, browser, post, policy):
    policy.mode = "hold_all"
    policy.save()
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    _write_and_send(page, remember=False)
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()  # the server's
    shared_html = Client().get(post.get_absolute_url()).content.decode()
    assert "Posted from the shared page." not in shared_html
    # A cache that ignores cookies answers with the page every reader gets: the script asks for
    # this reader's held comment and shows it.
    page.route(
        live_server.url + post.get_absolute_url(),
        lambda route: route.fulfill(status=200, body=shared_html, content_type="text/html; charset=utf-8"),
    )
    page.goto(live_server.url + post.get_absolute_url())
    held = page.locator("#comments .comment-pending")
    expect(held).to_contain_text("Posted from the shared page.")
    expect(held).to_contain_text("Your comment is awaiting moderation.")
    other = browser.new_context()  # another reader of the same shared page sees nothing of it
    stranger = other.new_page()
    stranger.route(
        live_server.url + post.get_absolute_url(),
        lambda route: route.fulfill(status=200, body=shared_html, content_type="text/html; charset=utf-8"),
    )
    stranger.goto(live_server.url + post.get_absolute_url())
    stranger.wait_for_load_state("networkidle")
    expect(stranger.locator("#comments .comment-pending")).to_have_count(0)
    other.close()
    context.close()
