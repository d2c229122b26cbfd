"""The moderation dashboard in Chromium, on a phone-sized screen."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from commentariat.discussion.services import hold_comment
from commentariat.moderation.models import ModerationAction
from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_fits_a_390_pixel_screen(live_server, browser, moderator, post):
    hold_comment(comment=make_comment(post, body="Waiting for a decision."))
    long_name = "Maximiliane-Konstantina Wolkenstein-Trostburg"
    moderator.first_name, moderator.last_name = long_name, "von Unterhausen"
    moderator.save()
    ModerationAction.objects.create(kind=ModerationAction.Kind.NOTE, actor=moderator)
    client = Client()
    client.force_login(moderator)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/moderation/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How moderation is going")
    expect(page.get_by_role("img", name="Comments waiting for review at the end of each day")).to_be_visible()
    chart = page.locator("#chart-queue-size svg").bounding_box()
    assert 0 < chart["width"] <= 390
    page.locator("#chart-moderators summary").click()  # the numbers behind a chart, opened
    expect(page.locator("#chart-moderators table")).to_contain_text(long_name)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    context.close()
