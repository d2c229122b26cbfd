"""A refused comment is shown where the reader is: at the form, not at the top of a long thread."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_thread(post):
    for n in range(40):
        make_comment(post, name=f"Reader {n}", body=f"Comment {n}, long enough to take some room. " * 6)
    return post


def test_a_refused_form_names_each_field_and_says_error_in_the_title(post):
    response = Client().post(
        f"{post.get_absolute_url()}comments/", comment_form(author_name="", author_email="x")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: your comment was not posted" in page
    assert 'action="' + post.get_absolute_url() + 'comments/#respond"' in page
    assert '<a href="#id_author_name">Name: Please enter your name.</a>' in page
    assert '<a href="#id_author_email">Email: Please enter a valid email address' in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_refused_comment_lands_at_the_form_with_the_errors_in_focus(
    live_server, browser, long_thread
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page: Page = context.new_page()
    page.goto(live_server.url + long_thread.get_absolute_url())
    page.get_by_role("textbox", name="Comment", exact=True).fill("My words, kept.")
    page.get_by_role("button", name="Post Comment").click()  # no name, no email
    page.wait_for_load_state()
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value("My words, kept.")
    summary.get_by_role("link", name="Name: Please enter your name.").click()
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_be_focused()
    context.close()
