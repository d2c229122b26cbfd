"""Keyboard only (Tab, Shift+Tab, Enter and typing): the comment form under a long thread, and the
moderation queue."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment
from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_until(page: Page, matches: str, limit: int) -> int:
    """Press Tab until the focused element matches the JS predicate; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => {matches})(document.activeElement)"):
            return presses
    raise AssertionError(f"not reached in {limit} Tab presses: {matches}")


def test_a_reader_comments_under_a_long_thread_with_the_keyboard_alone(browser: Browser, live_server, post, policy):
    for n in range(30):
        parent = make_comment(post, name=f"Reader {n}", url=f"https://reader{n}.example/", body=f"Point {n}.")
        make_comment(post, parent=parent, name=f"Answer {n}", body=f"Answer {n}.")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    presses = _tab_until(page, "e.textContent === 'Skip to the comment form'", limit=15)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_be_focused()
    page.keyboard.type("Written without a mouse.")
    for name, text in (("Name", "Kim Keys"), ("Email", "kim@example.org")):
        page.keyboard.press("Tab")
        expect(page.get_by_role("textbox", name=name, exact=True)).to_be_focused()
        page.keyboard.type(text)
    _tab_until(page, "e.textContent === 'Post Comment'", limit=4)  # past Website and the two boxes
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    comment = Comment.objects.get(body="Written without a mouse.")
    expect(page.locator(f"#comment-{comment.pk}")).to_be_in_viewport()
    assert presses <= 15  # was 773 on a long thread without the skip link
    page.wait_for_load_state("networkidle")  # nothing in flight when the test's database is flushed
    context.close()


def test_a_moderator_approves_with_tab_and_enter(browser: Browser, live_server, post, moderator):
    held = [hold_comment(comment=make_comment(post, name=f"Waiting {n}", body=f"Held {n}.")) for n in range(2)]
    client = Client()
    client.force_login(moderator)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/moderation/")
    first = page.locator(f"#item-{held[0].pk}")
    expect(first).to_contain_text("Held 0.")
    _tab_until(page, f"e.closest('#item-{held[0].pk}') && e.value === 'approve'", limit=40)
    page.keyboard.press("Enter")
    expect(first.locator(".item-status")).to_have_text("Approved")
    # On to the next item's Remove button, Tab by Tab.
    _tab_until(page, f"e.closest('#item-{held[1].pk}') && e.value === 'remove'", limit=40)
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-{held[1].pk} .item-status")).to_have_text("Removed")
    page.wait_for_load_state("networkidle")
    assert [c.status for c in Comment.objects.filter(pk__in=[h.pk for h in held]).order_by("pk")] == [
        Comment.Status.APPROVED,
        Comment.Status.REMOVED,
    ]
    context.close()
