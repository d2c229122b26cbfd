"""Print, PDF and email from the post page, in Chromium."""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.factories import make_comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def discussed(post):
    first = make_comment(
        post, name="First Reader", body="A first thought with [a link](https://example.org/x)."
    )
    make_comment(post, parent=first, name="Second Reader", body="A reply.")
    return post


def test_reader_opens_the_print_view_chooses_the_discussion_and_prints(live_server, page: Page, discussed):
    page.goto(live_server.url + discussed.get_absolute_url())
    page.get_by_role("link", name="Print", exact=True).click()
    expect(page.locator(".print-title")).to_have_text(discussed.title)
    expect(page.locator(".print-comment")).to_have_count(0)
    page.get_by_role("link", name="Article with discussion").click()
    expect(page.locator(".print-comment-number")).to_have_text(["1", "1.1"])
    expect(page.locator(".print-notes li")).to_have_text(["https://example.org/x"])
    # The print button appears with JavaScript; printed, the controls disappear.
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".print-controls")).to_be_hidden()
    pdf = page.pdf()  # Chromium's own print of the view
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert discussed.title in text and "First Reader" in text


def test_reader_downloads_the_pdf_named_after_the_post(live_server, page: Page, discussed):
    page.goto(live_server.url + discussed.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"{discussed.slug}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_reader_emails_a_post_to_a_friend(live_server, page: Page, discussed, mailoutbox):
    page.goto(live_server.url + discussed.get_absolute_url())
    page.get_by_role("link", name="Email", exact=True).click()
    page.get_by_label("Their email address").fill("friend@example.net")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("A short note (optional)").fill("Worth your time.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent.")
    assert [m.to for m in mailoutbox] == [["friend@example.net"]]


def test_a_video_card_loads_nothing_from_the_video_site_until_clicked(live_server, page: Page, author):
    from tests.factories import make_post

    post = make_post(
        author=author, body="Watch:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nThen comment."
    )
    third_party = []
    page.route("**/*", lambda route: (third_party.append(route.request.url), route.abort())
               if not route.request.url.startswith(live_server.url) else route.continue_())  # fmt: skip
    page.goto(live_server.url + post.get_absolute_url())
    card = page.locator("figure.embed-youtube")
    expect(card).to_contain_text("Nothing loads from YouTube until you click.")
    expect(page.locator("iframe")).to_have_count(0)
    assert third_party == []
    card.get_by_role("link").click()
    expect(page.locator("iframe.embed-player")).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    )
    page.wait_for_timeout(300)
    assert third_party and all("youtube-nocookie.com" in url for url in third_party)
