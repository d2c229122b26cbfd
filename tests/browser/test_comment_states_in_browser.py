"""A comment's state as people meet it in Chromium: the permalink of a comment that is gone,
two moderators deciding on the same comment, and a click that claims a queue item."""

import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from commentariat.discussion.models import Comment
from commentariat.discussion.services import delete_own_comment, hold_comment, remove_comment
from commentariat.moderation.models import Claim
from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Comment.Status
WATCH_SECONDS = 3.0  # a permalink loop goes round several times in this window


def _moderator(django_user_model, username, first_name, last_name):
    user = django_user_model.objects.create_user(
        username=username, password="pw", first_name=first_name, last_name=last_name, is_staff=True
    )
    user.groups.add(Group.objects.get(name="moderator"))
    return user


@pytest.fixture
def mona(django_user_model):
    return _moderator(django_user_model, "mod", "Mona", "Moderator")


@pytest.fixture
def sam(django_user_model):
    return _moderator(django_user_model, "mod2", "Sam", "Second")


@pytest.fixture
def logged_in_page(browser, live_server):
    """A page of a new browser context logged in as this user (with or without JavaScript)."""
    contexts = []

    def open_page(user, *, javascript=True):
        client = Client()
        client.force_login(user)
        context = browser.new_context(java_script_enabled=javascript)
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    # A claim still in flight would race the database flush that ends the test.
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


@pytest.fixture
def held(post):
    return hold_comment(comment=make_comment(post, name="Waiting Reader", body="Please approve me."))


def _status(comment) -> str:
    return Comment.objects.values_list("status", flat=True).get(pk=comment.pk)


# 1. The permalink of a comment that is no longer public ------------------------------------


GONE = {
    "removed": (lambda c: remove_comment(comment=c), "This comment was removed."),
    "withdrawn": (lambda c: delete_own_comment(comment=c), "This comment was deleted by its author."),
}


@pytest.fixture(params=sorted(GONE))
def gone(request, policy, post):
    make_comment(post, name="Staying Reader", body="I stay.")
    comment = make_comment(post, name="Leaving Reader", body="Soon gone.")
    assert comment.status == Status.APPROVED and comment.number  # it was public, numbered
    hide, note = GONE[request.param]
    hide(comment)
    comment.refresh_from_db()
    assert comment.status == request.param and comment.number == "2"
    return post, comment, note


def test_permalink_of_a_gone_comment_answers_410_with_a_note(live_server, page, gone):
    post, comment, note = gone
    response = page.goto(f"{live_server.url}/comments/{comment.pk}/")
    assert response.status == 410
    expect(page.locator("#gone-note")).to_contain_text(note)
    expect(page.locator("#gone-note")).to_contain_text("It was number 2")
    expect(page.locator(f"#comment-{comment.pk}")).to_have_class("comment depth-0 comment-removed")
    expect(page.locator("#comments")).to_contain_text("I stay.")
    expect(page.locator("#comments")).not_to_contain_text("Soon gone.")


def test_post_address_at_a_gone_comment_never_loops(live_server, page, gone):
    post, comment, note = gone
    navigations = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))
    started = time.monotonic()
    page.goto(f"{live_server.url}{post.get_absolute_url()}#comment-{comment.pk}")
    expect(page.locator("#gone-note")).to_contain_text(note, timeout=WATCH_SECONDS * 1000)
    page.wait_for_timeout(max(0.0, WATCH_SECONDS - (time.monotonic() - started)) * 1000)
    assert len(navigations) <= 2, navigations
    assert navigations[-1] == f"{live_server.url}/comments/{comment.pk}/", navigations
    expect(page.locator("#comments")).to_contain_text("I stay.")


# 2. Two moderators, one comment ------------------------------------------------------------


def test_keyboard_decision_on_a_changed_comment_offers_decide_anyway(
    live_server, logged_in_page, mona, sam, held
):
    first, second = logged_in_page(mona), logged_in_page(sam)
    for page in (first, second):
        page.goto(live_server.url + "/moderation/")
        expect(page.locator(f"#item-{held.pk}")).to_contain_text("Please approve me.")
    first.keyboard.press("j")
    first.keyboard.press("a")
    expect(first.locator(f"#item-{held.pk} .item-status")).to_have_text("Approved")
    first.wait_for_load_state("networkidle")
    assert _status(held) == Status.APPROVED

    item = second.locator(f"#item-{held.pk}")
    second.keyboard.press("j")
    second.keyboard.press("s")
    result = item.locator(".item-result")
    expect(result).to_contain_text("Mona Moderator set this comment to “approved” at")
    expect(item.locator(".item-status")).to_have_text("Approved")
    assert _status(held) == Status.APPROVED  # nothing decided by the outdated page
    result.get_by_role("button", name="Decide anyway").click()
    expect(item.locator(".item-status")).to_have_text("Spam")
    assert _status(held) == Status.SPAM


def test_plain_form_decision_on_a_changed_comment_offers_decide_anyway(
    live_server, logged_in_page, mona, sam, held
):
    first = logged_in_page(mona, javascript=False)
    second = logged_in_page(sam, javascript=False)
    for page in (first, second):
        page.goto(live_server.url + "/moderation/")
    first.locator(f"#item-{held.pk}").get_by_role("button", name="Approve").click()
    expect(first.locator(f"#item-{held.pk}")).to_have_count(0)  # back on the queue, decided
    assert _status(held) == Status.APPROVED

    with second.expect_response(f"**/moderation/comments/{held.pk}/decide/") as answer:
        second.locator(f"#item-{held.pk}").get_by_role("button", name="Spam").click()
    assert answer.value.status == 409
    expect(second.get_by_role("heading", level=1)).to_have_text("This comment changed since you loaded the page")
    expect(second.get_by_role("alert")).to_contain_text("Mona Moderator set this comment to “approved” at")
    assert _status(held) == Status.APPROVED
    second.get_by_role("button", name="Decide anyway").click()
    expect(second).to_have_url(f"{live_server.url}/moderation/")
    assert _status(held) == Status.SPAM


# 3. A click on an item claims it -----------------------------------------------------------


def test_clicking_an_items_text_claims_it_for_the_other_moderator_to_see(
    live_server, logged_in_page, mona, sam, held
):
    first, second = logged_in_page(mona), logged_in_page(sam)
    second.clock.install()
    for page in (first, second):
        page.goto(live_server.url + "/moderation/")
    note = second.locator(f"#item-{held.pk} .claim-note")
    expect(note).to_be_hidden()
    assert not Claim.objects.exists()

    first.locator(f"#item-{held.pk} .item-body").click()
    first.wait_for_load_state("networkidle")
    expect(first.locator(f"#item-{held.pk}")).to_have_class("queue-item status-pending is-current")
    claim = Claim.objects.select_related("moderator").get(comment=held)
    assert claim.moderator == mona

    second.clock.run_for(15_000)  # the queue asks for others' claims every 15 seconds
    expect(note).to_have_text("Mona Moderator is working on this")
    expect(note).to_be_visible()
