"""Reading a long thread in Chromium: collapse a branch, "new since your last visit", fewer Tab stops."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from commentariat.discussion.models import Comment
from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def thread(post, policy):
    """1 (with 1.1 and 1.1.1), 2, 3, written an hour ago."""
    first = make_comment(post, name="First Reader", body="The first comment.")
    reply = make_comment(post, parent=first, name="Replier", body="A reply to the first.")
    make_comment(post, parent=reply, name="Deep Replier", body="A reply to the reply.")
    make_comment(post, name="Second Reader", body="The second comment.", url="https://second.example/")
    make_comment(post, name="Third Reader", body="The third comment.")
    Comment.objects.update(created_at=timezone.now() - timedelta(hours=1))
    return post


def _focusable_per_comment(page: Page) -> list[int]:
    """Tab stops inside each comment's own article (not its replies)."""
    return page.locator(".comment > article").evaluate_all(
        """articles => articles.map(a => a.querySelectorAll(
             'a[href], button, input, textarea, select, [tabindex]:not([tabindex="-1"])').length)"""
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_branch_collapses_with_the_keyboard_and_stays_collapsed(browser: Browser, live_server, thread, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + thread.get_absolute_url())
    first = page.locator(".comment-list > .comment").first
    toggle = first.get_by_role("button", name="Hide 2 replies")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(first.get_by_text("A reply to the first.")).to_be_hidden()
    expect(first.get_by_role("button", name="Show 2 replies")).to_have_attribute("aria-expanded", "false")
    page.reload()  # remembered in this browser
    expect(first.get_by_text("A reply to the first.")).to_be_hidden()
    first.get_by_role("button", name="Show 2 replies").press("Enter")
    expect(first.get_by_text("A reply to the reply.")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    context.close()


def test_without_script_every_branch_is_open_and_reply_opens_the_form_under_the_comment(
    browser: Browser, live_server, thread
):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + thread.get_absolute_url())
    expect(page.get_by_text("A reply to the reply.")).to_be_visible()
    expect(page.locator(".thread-toggle")).to_have_count(0)
    second = Comment.objects.get(author_name="Second Reader")
    page.locator(f"#comment-{second.pk}").get_by_role("link", name="Reply to Second Reader").click()
    form = page.locator(f"#comment-{second.pk} > article + #respond")
    expect(form.get_by_role("heading")).to_have_text("Replying to Second Reader (2) — Cancel reply")
    expect(form).to_be_in_viewport()
    context.close()


def test_new_comments_since_the_last_visit_are_marked_and_n_jumps_to_each(browser: Browser, live_server, thread):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + thread.get_absolute_url())
    expect(page.locator(".comment-list")).to_be_visible()
    expect(page.locator(".comment-new")).to_have_count(0)  # a first visit: nothing is "new"
    expect(page.get_by_role("button", name="Next new comment")).to_have_count(0)
    page.close()

    first = Comment.objects.get(author_name="First Reader")
    early = make_comment(thread, parent=first, name="Newcomer", body="New under the first.")
    late = make_comment(thread, name="Latecomer", body="New at the end.")
    page = context.new_page()  # a later visit, in another tab of the same browser
    page.goto(live_server.url + thread.get_absolute_url())
    expect(page.locator(".comment-new")).to_have_count(2)
    expect(page.locator(f"#comment-{early.pk} .comment-new-mark")).to_have_text("New")
    expect(page.locator(f"#comment-{early.pk} > article")).to_have_attribute("aria-label", "Comment 1.2, new")
    expect(page.get_by_role("button", name="Next new comment (2 new)")).to_be_visible()

    page.locator("body").press("n")
    expect(page.locator(f"#comment-{early.pk} > article")).to_be_focused()
    page.keyboard.press("n")
    expect(page.locator(f"#comment-{late.pk} > article")).to_be_focused()
    expect(page.locator(f"#comment-{late.pk} > article")).to_be_in_viewport()
    # Typing an "n" in the form writes it; it does not jump.
    body = page.get_by_role("textbox", name="Comment", exact=True)
    body.press("n")
    expect(body).to_have_value("n")
    expect(body).to_be_focused()
    # The button does the same, and opens a collapsed branch holding a new comment.
    page.locator(".comment-list > .comment").first.get_by_role("button", name="Hide 3 replies").click()
    page.get_by_role("button", name="Next new comment (2 new)").click()
    expect(page.locator(f"#comment-{early.pk} > article")).to_be_focused()
    expect(page.get_by_text("New under the first.")).to_be_visible()

    page.reload()  # the marks stay for this visit
    expect(page.locator(".comment-new")).to_have_count(2)
    context.close()


def test_each_comment_has_fewer_tab_stops(browser: Browser, live_server, thread):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + thread.get_absolute_url())
    # Number (the permalink), Reply, Report, a toggle where there are replies, the author's site if
    # any; the date, linked to the same place as the number, was one more stop on every comment.
    # In reading order: 1 (toggle), 1.1 (toggle), 1.1.1, 2 (website), 3.
    assert _focusable_per_comment(page) == [4, 4, 3, 4, 3]
    assert page.locator(".comment-meta a.comment-date").count() == 0
    context.close()


def test_the_number_is_the_only_permalink_of_a_comment(thread):
    page = Client().get(thread.get_absolute_url()).content.decode()
    comment = Comment.objects.get(author_name="Third Reader")
    assert page.count(f'href="#comment-{comment.pk}"') == 1
    assert '<span class="comment-date"><time datetime=' in page
