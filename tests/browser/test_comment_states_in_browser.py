"""A comment's state as people meet it in Chromium: the permalink of a comment that is gone,
two moderators deciding on the same comment, and a click that claims a queue item."""

import re
import time

import pytest
from django.test import Client
from playwright.sync_api import expect

from commentariat.discussion.models import Comment
from commentariat.discussion.services import delete_own_comment, hold_comment, remove_comment
from commentariat.moderation.models import Claim
from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Comment.Status
WATCH_SECONDS = 3.0  # a permalink loop goes round several times in this window
CHANGED_BY_MONA = "Mona Moderator set this comment to “approved” at"


@pytest.fixture
def logged_in_page(browser, live_server):
    """A page of a new browser context logged in as this user (with or without JavaScript)."""
    in_flight = {}

    def open_page(user, *, javascript=True):
        client = Client()
        client.force_login(user)
        context = browser.new_context(java_script_enabled=javascript)
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        page = context.new_page()
        requests = in_flight[page] = set()
        page.on("request", lambda request: requests.add(request))
        page.on("requestfinished", lambda request: requests.discard(request))
        page.on("requestfailed", lambda request: requests.discard(request))
        return page

    def settle(page):
        """Until the page's own requests (claims, decisions, polls) have had their answers."""
        for _ in range(100):
            page.wait_for_timeout(50)
            if not in_flight[page]:
                return

    open_page.settle = settle
    yield open_page
    # A claim or a decision still in flight would race the database flush that ends the test.
    for page in in_flight:
        settle(page)
        page.context.close()


@pytest.fixture
def held(post):
    return hold_comment(comment=make_comment(post, name="Waiting Reader", body="Please approve me."))


def _status(comment) -> str:
    return Comment.objects.values_list("status", flat=True).get(pk=comment.pk)


def _answer(page, to: str, pk=None, timeout=5000):
    """Waits for the answer to the page's POST to .../claim/ or .../decide/ (of comment pk)."""
    path = f"/moderation/comments/{pk}/{to}/" if pk else f"/{to}/"
    return page.expect_response(
        lambda response: response.request.method == "POST" and response.url.endswith(path), timeout=timeout
    )


def _open_queue(page, live_server):
    page.goto(live_server.url + "/moderation/")
    # One request at a time across the two moderators: the test database (SQLite in memory,
    # shared cache) answers "table is locked" to concurrent writers, where a server would wait.
    page.wait_for_load_state("networkidle")


# 1. The permalink of a comment that is no longer public ------------------------------------

GONE = {
    "removed": (lambda c: remove_comment(comment=c), "This comment was removed."),
    "withdrawn": (lambda c: delete_own_comment(comment=c), "This comment was deleted by its author."),
}


@pytest.fixture(params=sorted(GONE))
def gone(request, policy, post):
    """A post whose comment 2 was public, then removed by a moderator or deleted by its author."""
    make_comment(post, name="Staying Reader", body="I stay.")
    comment = make_comment(post, name="Leaving Reader", body="Soon gone.")
    assert comment.status == Status.APPROVED and comment.number == "2"
    hide, note = GONE[request.param]

    def hide_it():
        hide(comment)
        assert _status(comment) == request.param

    return post, comment, hide_it, note


def test_permalink_of_a_gone_comment_answers_410_with_a_note(live_server, page, gone):
    post, comment, hide, note = gone
    hide()
    response = page.goto(f"{live_server.url}/comments/{comment.pk}/")
    assert response.status == 410
    expect(page.locator("#gone-note")).to_have_text(re.compile(rf"^{re.escape(note)} It was number 2;"))
    expect(page.locator(f"#comment-{comment.pk}.comment-removed")).to_be_visible()  # its place
    expect(page.locator("#comments")).to_contain_text("I stay.")
    expect(page.locator("#comments")).not_to_contain_text("Soon gone.")


def test_post_address_at_a_gone_comment_goes_to_its_permalink_once(live_server, page, gone):
    post, comment, hide, note = gone
    post_url = live_server.url + post.get_absolute_url()
    assert "Soon gone." in page.request.get(post_url).text()  # the page is cached with it shown
    hide()
    navigations = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))
    started = time.monotonic()
    page.goto(f"{post_url}#comment-{comment.pk}")
    expect(page.locator("#gone-note")).to_contain_text(note, timeout=WATCH_SECONDS * 1000)
    page.wait_for_timeout(max(0.0, WATCH_SECONDS - (time.monotonic() - started)) * 1000)
    # The page, then one trip to the permalink (which answers without a hash): never a loop.
    assert navigations == [f"{post_url}#comment-{comment.pk}", f"{live_server.url}/comments/{comment.pk}/"]
    expect(page.locator("#gone-note")).to_contain_text(note)
    expect(page.locator("#comments")).to_contain_text("I stay.")
    expect(page.locator("#comments")).not_to_contain_text("Soon gone.")


# 2. Two moderators, one comment ------------------------------------------------------------


@pytest.mark.parametrize("held_count", [2, 1])
def test_keyboard_decision_on_a_changed_comment_offers_decide_anyway(
    live_server, logged_in_page, moderator, second_moderator, post, held, held_count
):
    for n in range(held_count - 1):  # later in the queue than `held`
        hold_comment(comment=make_comment(post, name="Next Reader", body=f"Also waiting {n}."))
    first, second = logged_in_page(moderator), logged_in_page(second_moderator)
    for page in (first, second):
        _open_queue(page, live_server)
        expect(page.locator(".queue-item").first).to_contain_text("Please approve me.")
    with _answer(first, "claim", held.pk):
        first.keyboard.press("j")
    with _answer(first, "decide", held.pk):
        first.keyboard.press("a")
    expect(first.locator(f"#item-{held.pk} .item-status")).to_have_text("Approved")
    logged_in_page.settle(first)  # the queue moves on after deciding (and claims the next item)
    assert _status(held) == Status.APPROVED

    item = second.locator(f"#item-{held.pk}")
    with _answer(second, "claim", held.pk):
        second.keyboard.press("j")
    with _answer(second, "decide", held.pk):
        second.keyboard.press("s")
    result = item.locator(".item-result")
    expect(result).not_to_be_empty()
    assert CHANGED_BY_MONA in result.inner_text()
    expect(item.locator(".item-status")).to_have_text("Approved")  # what it is now
    assert _status(held) == Status.APPROVED  # the outdated page decided nothing
    with _answer(second, "decide", held.pk) as answer:
        result.get_by_role("button", name="Decide anyway").click()
    assert answer.value.ok
    expect(item.locator(".item-status")).to_have_text("Spam")
    assert _status(held) == Status.SPAM


def test_plain_form_decision_on_a_changed_comment_offers_decide_anyway(
    live_server, logged_in_page, moderator, second_moderator, held
):
    first = logged_in_page(moderator, javascript=False)
    second = logged_in_page(second_moderator, javascript=False)
    for page in (first, second):
        _open_queue(page, live_server)
    first.locator(f"#item-{held.pk}").get_by_role("button", name="Approve").click()
    expect(first.locator(f"#item-{held.pk}")).to_have_count(0)  # back on the queue, decided
    assert _status(held) == Status.APPROVED

    with _answer(second, "decide", held.pk) as answer:
        second.locator(f"#item-{held.pk}").get_by_role("button", name="Spam").click()
    assert answer.value.status == 409
    heading = second.get_by_role("heading", level=1)
    expect(heading).to_have_text("This comment changed since you loaded the page")
    expect(second.get_by_role("alert")).to_contain_text(CHANGED_BY_MONA)
    assert _status(held) == Status.APPROVED
    second.get_by_role("button", name="Decide anyway").click()
    expect(second).to_have_url(f"{live_server.url}/moderation/")
    assert _status(held) == Status.SPAM


def test_clicking_approve_with_javascript_approves(live_server, logged_in_page, moderator, held):
    first = logged_in_page(moderator)
    _open_queue(first, live_server)
    approve = first.locator(f"#item-{held.pk}").get_by_role("button", name="Approve")
    # As on a long queue: the button in view, the bottom of its item below the fold.
    approve.evaluate("b => scrollTo(0, scrollY + b.getBoundingClientRect().bottom - innerHeight + 2)")
    with _answer(first, "decide", held.pk, timeout=2000):
        approve.click()
    logged_in_page.settle(first)
    assert _status(held) == Status.APPROVED
    assert not Claim.objects.filter(comment=held).exists()  # nobody is still "working on" it


# 3. A click on an item claims it -----------------------------------------------------------


def test_clicking_an_items_text_claims_it_for_the_other_moderator_to_see(
    live_server, logged_in_page, moderator, second_moderator, held
):
    first, second = logged_in_page(moderator), logged_in_page(second_moderator)
    second.clock.install()  # to run the queue's polling timer without waiting for it
    for page in (first, second):
        _open_queue(page, live_server)
    note = second.locator(f"#item-{held.pk} .claim-note")
    expect(note).to_be_hidden()
    assert not Claim.objects.exists()

    with _answer(first, "claim", held.pk) as answer:
        first.locator(f"#item-{held.pk} .item-body").click()
    assert answer.value.ok
    expect(first.locator(f"#item-{held.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    assert Claim.objects.select_related("moderator").get(comment=held).moderator == moderator

    second.clock.run_for(15_000)  # the queue asks for others' claims every 15 seconds
    expect(note).to_be_visible()
    expect(note).to_have_text("Mona Moderator is working on this")
