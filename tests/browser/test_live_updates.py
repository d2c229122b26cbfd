"""Live updates in Chromium: a comment a moderator approves while the thread is open is announced
and, on "show", put in its place without the page having moved meanwhile. (Django's live server
is WSGI, so the page polls: the SSE stream itself is tested over HTTP in
tests/discussion/test_live_updates.py.)"""

import pytest
from playwright.sync_api import Page, expect

from commentariat.discussion.models import Comment
from commentariat.discussion.services.status import decide
from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_comment_approved_while_the_thread_is_open_is_announced_then_shown(
    live_server, page: Page, post, moderator, settings
):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "LIVE_POLL_SECONDS": 1}
    first = make_comment(post, name="First Reader", body="The first comment. " * 40)
    for number in range(2, 8):
        make_comment(post, name=f"Reader {number}", body="Filler. " * 60)
    post.comment_mode = "hold_all"
    post.save()
    held = make_comment(post, parent=first, name="Late Reader", email="late.private@example.org", body="A late reply.")
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(live_server.url + post.get_absolute_url())
    page.locator("#comments-title").scroll_into_view_if_needed()
    page.mouse.wheel(0, 900)
    page.wait_for_timeout(1500)  # a poll or two go by: nothing to announce while it is held
    news = page.locator("#live-news")
    expect(news).to_be_empty()
    decide(comment=held, to=Comment.Status.APPROVED, by=moderator)
    expect(news).to_have_text("1 new comment — show")
    scrolled = page.evaluate("window.scrollY")
    expect(page.locator(f"#comment-{held.pk}")).to_have_count(0)  # not moved under the reader
    assert page.evaluate("window.scrollY") == scrolled
    news.get_by_role("button", name="show").click()
    reply = page.locator(f"#comment-{first.pk} > ol.children > #comment-{held.pk}")
    expect(reply).to_contain_text("A late reply.")
    expect(reply.locator(".comment-number")).to_have_text("1.1")
    expect(reply.locator("article")).to_be_focused()
    expect(news).to_be_empty()
    assert "late.private@example.org" not in page.content()
