"""The reader's page in Chromium: read, reply, make mistakes."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from commentariat.discussion.models import Comment
from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thread(post):
    first = make_comment(post, name="First Reader", body="The first comment.")
    second = make_comment(
        post, name="Second Reader", email="second.private@example.org", body="The second comment."
    )
    return post, first, second


def _fill(
    scope, *, body="My reply, in the browser.", name="Browser Reader", email="browser.private@example.org"
):
    scope.get_by_role("textbox", name="Comment", exact=True).fill(body)
    scope.get_by_role("textbox", name="Name", exact=True).fill(name)
    scope.get_by_role("textbox", name="Email", exact=True).fill(email)


def test_reader_reads_the_demo_post(live_server, page: Page):
    call_command("load_demo_site", verbosity=0)
    page.goto(live_server.url)
    page.get_by_role("link", name="The library levy is really a vote on trust").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The library levy is really a vote on trust")
    expect(page.locator(".post-body blockquote")).to_have_count(3)
    expect(page.locator("#comments-title")).to_contain_text("comments")
    expect(page.locator(".comment-number", has_text=re.compile(r"^2\.1\.1$"))).to_be_visible()


def test_reply_to_comment_2_appears_as_2_1_at_its_anchor(live_server, page: Page, thread):
    post, _, second = thread
    page.goto(live_server.url + post.get_absolute_url())
    page.locator(f"#comment-{second.pk} .comment-reply-link").click()
    form = page.locator(f"#comment-{second.pk} #respond")
    expect(form).to_be_visible()  # the form moved under the comment, without a reload
    expect(form.get_by_role("link", name="Cancel reply")).to_be_visible()
    _fill(form)
    form.get_by_role("button", name="Post Comment").click()
    reply = Comment.objects.get(author_name="Browser Reader")
    expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    item = page.locator(f"#comment-{reply.pk}")
    expect(item.locator(".comment-number")).to_have_text("2.1")
    expect(item).to_contain_text("My reply, in the browser.")
    assert item.evaluate("el => el.matches(':target')")


def test_cancel_reply_puts_the_form_back(live_server, page: Page, thread):
    post, first, _ = thread
    page.goto(live_server.url + post.get_absolute_url())
    page.locator(f"#comment-{first.pk} .comment-reply-link").click()
    page.get_by_role("link", name="Cancel reply").click()
    expect(page.locator("#comments > #respond")).to_be_visible()
    expect(page.locator("input[name=parent]")).to_have_value("")


def test_reply_works_without_javascript(live_server, browser, thread):
    post, _, second = thread
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    page.locator(f"#comment-{second.pk} .comment-reply-link").click()
    form = page.locator(f"#comment-{second.pk} #respond")
    expect(form.get_by_role("heading")).to_contain_text("Replying to Second Reader (2) — Cancel reply")
    _fill(form, body="No script needed.")
    form.get_by_role("button", name="Post Comment").click()
    reply = Comment.objects.get(body="No script needed.")
    expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{reply.pk} .comment-number")).to_have_text("2.1")
    context.close()


def test_empty_form_shows_errors_beside_the_fields(live_server, page: Page, post):
    page.goto(live_server.url + post.get_absolute_url())
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("alert")).to_contain_text("Your comment was not posted")
    expect(page.locator(".field-body .field-error")).to_have_text("Please write a comment.")
    expect(page.locator(".field-author_name .field-error")).to_have_text("Please enter your name.")
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_attribute("aria-invalid", "true")
    assert not Comment.objects.exists()


def test_commenter_email_appears_nowhere_in_the_page(live_server, page: Page, thread):
    post, _, _ = thread
    page.goto(live_server.url + post.get_absolute_url())
    expect(page.locator("#comments")).to_contain_text("The second comment.")
    assert "second.private@example.org" not in page.content()


def test_permalink_to_a_comment_on_another_page_lands_there(live_server, page: Page, post, comments_per_page):
    comments_per_page(1)
    make_comment(post, body="On page one.")
    later = make_comment(post, body="On page two.")
    page.goto(live_server.url + post.get_absolute_url() + f"#comment-{later.pk}")
    expect(page).to_have_url(re.compile(rf"\?cpage=2#comment-{later.pk}$"))
    expect(page.locator(f"#comment-{later.pk}")).to_contain_text("On page two.")
