"""The queue in Chromium: decide with the keyboard, and see who else is working."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment
from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _moderator(django_user_model, username, first_name):
    user = django_user_model.objects.create_user(
        username=username, password="pw", first_name=first_name, last_name="Moderator", is_staff=True
    )
    user.groups.add(Group.objects.get(name="moderator"))
    return user


@pytest.fixture
def logged_in_page(browser, live_server):
    """Open pages as a logged-in moderator; at the end, let the queue's own requests finish, then close."""
    contexts = []

    def open_page(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context()
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    # A claim or an undo still in flight would race the database flush that ends the test.
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


@pytest.fixture
def held(post):
    return hold_comment(comment=make_comment(post, name="Waiting Reader", body="Please approve me."))


def test_moderator_approves_with_the_keyboard_and_the_comment_appears(
    live_server, browser, logged_in_page, django_user_model, post, held
):
    page = logged_in_page(_moderator(django_user_model, "mona", "Mona"))
    page.goto(live_server.url + "/moderation/")
    item = page.locator(f"#item-{held.pk}")
    expect(item).to_contain_text("Please approve me.")
    page.keyboard.press("j")
    expect(item).to_be_focused()
    page.keyboard.press("a")
    expect(item.locator(".item-status")).to_have_text("Approved")
    expect(item.locator(".item-result")).to_contain_text("Approved")
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.APPROVED
    reader = browser.new_page()
    reader.goto(live_server.url + post.get_absolute_url())
    expect(reader.locator(f"#comment-{held.pk}")).to_contain_text("Please approve me.")
    reader.close()
    page.keyboard.press("u")
    expect(item.locator(".item-status")).to_have_text("Awaiting review")
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING


def test_a_second_moderator_sees_the_claim_and_cannot_decide(
    live_server, logged_in_page, django_user_model, post, held
):
    first = logged_in_page(_moderator(django_user_model, "mona", "Mona"))
    first.goto(live_server.url + "/moderation/")
    first.keyboard.press("j")  # opening the item claims it
    expect(first.locator(f"#item-{held.pk}")).to_be_focused()
    first.wait_for_load_state("networkidle")
    second = logged_in_page(_moderator(django_user_model, "sam", "Sam"))
    second.goto(live_server.url + "/moderation/")
    item = second.locator(f"#item-{held.pk}")
    expect(item.locator(".claim-note")).to_have_text("Mona Moderator is working on this")
    second.keyboard.press("j")
    second.keyboard.press("a")
    expect(item.locator(".item-result")).to_contain_text("Mona Moderator is working on this comment.")
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING


def test_a_stray_key_on_a_fresh_queue_decides_nothing(live_server, logged_in_page, django_user_model, post, held):
    page = logged_in_page(_moderator(django_user_model, "mona", "Mona"))
    page.goto(live_server.url + "/moderation/")
    item = page.locator(f"#item-{held.pk}")
    expect(item).to_contain_text("Please approve me.")
    page.keyboard.press("s")  # nothing was chosen yet
    page.keyboard.press("a")
    expect(item).not_to_be_focused()
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING
    # The button is named plainly; its key is shown beside the name.
    expect(item.get_by_role("button", name="Spam", exact=True)).to_be_visible()
    page.keyboard.press("j")
    expect(item).to_be_focused()
    page.keyboard.press("s")
    expect(item.locator(".item-status")).to_have_text("Spam")


def test_shortcuts_behind_alt_shift_and_off(live_server, logged_in_page, django_user_model, post, held):
    from commentariat.moderation.models import ModeratorPreferences

    mona = _moderator(django_user_model, "mona", "Mona")
    ModeratorPreferences.objects.create(user=mona, shortcuts="modifier")
    page = logged_in_page(mona)
    page.goto(live_server.url + "/moderation/")
    item = page.locator(f"#item-{held.pk}")
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(item).not_to_be_focused()
    page.keyboard.press("Alt+Shift+KeyJ")
    expect(item).to_be_focused()
    page.keyboard.press("a")  # a single key does nothing in this mode
    page.keyboard.press("Alt+Shift+KeyA")
    expect(item.locator(".item-status")).to_have_text("Approved")

    ModeratorPreferences.objects.filter(user=mona).update(shortcuts="off")
    held_again = hold_comment(comment=make_comment(post, name="Second Reader", body="And me."))
    page.goto(live_server.url + "/moderation/")
    second = page.locator(f"#item-{held_again.pk}")
    expect(second).to_contain_text("And me.")
    second.click(position={"x": 5, "y": 5})
    for key in ("j", "a", "Alt+Shift+KeyA"):
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")
    assert Comment.objects.get(pk=held_again.pk).status == Comment.Status.PENDING


def test_two_moderators_see_each_others_decisions_and_new_items_live(
    live_server, logged_in_page, django_user_model, post, held, settings
):
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "QUEUE_POLL_SECONDS": 1}
    other = hold_comment(comment=make_comment(post, name="Second Reader", body="Me too, please."))
    mona = logged_in_page(_moderator(django_user_model, "mona", "Mona"))
    sam = logged_in_page(_moderator(django_user_model, "sam", "Sam"))
    for page in (mona, sam):
        page.goto(live_server.url + "/moderation/")
        expect(page.locator(f"#item-{other.pk}")).to_be_visible()
    # Mona approves the first item; Sam's page shows it without a reload.
    mona.locator(f"#item-{held.pk}").click(position={"x": 5, "y": 5})
    mona.keyboard.press("a")
    expect(mona.locator(f"#item-{held.pk} .item-status")).to_have_text("Approved")
    sams_item = sam.locator(f"#item-{held.pk}")
    expect(sams_item.locator(".item-result")).to_have_text("Approved by Mona Moderator.", timeout=10000)
    expect(sams_item).to_have_class(re.compile(r"\bdecided\b"))
    expect(sam).to_have_title(re.compile(r"^Queue \(1\)"))
    # A new comment arrives for review: both pages add it at the end and say so.
    newcomer = hold_comment(comment=make_comment(post, name="Newcomer", body="Fresh off the press."))
    for page in (mona, sam):
        expect(page.locator(f"#item-{newcomer.pk}")).to_contain_text("Fresh off the press.", timeout=10000)
        expect(page.locator(".queue-news")).to_have_text("1 new item added at the end of the page.")
    # Sam decides on the new item from his page, with the buttons it came with.
    sam.locator(f"#item-{newcomer.pk}").get_by_role("button", name="Spam", exact=True).click()
    expect(mona.locator(f"#item-{newcomer.pk} .item-result")).to_have_text("Spam by Sam Moderator.", timeout=10000)
    assert Comment.objects.get(pk=newcomer.pk).status == Comment.Status.SPAM
