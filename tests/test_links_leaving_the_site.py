"""Links that leave the site (mail, print, PDF) point at COMMENTARIAT_SITE_URL, whatever Host
header the request that made them carried."""

import io
import re
from urllib.parse import unquote

import pytest
from django.core import mail
from pypdf import PdfReader

from tests.factories import comment_form

pytestmark = pytest.mark.django_db

SITE_URL = "https://comments.example.org"
FORGED = "evil.example"
_URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def forged_host(client, settings):
    """A client whose requests name another host, one the site answers to (as behind a proxy
    that passes Host through, or a catch-all ALLOWED_HOSTS)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, FORGED]
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "SITE_URL": SITE_URL}
    client.defaults["HTTP_HOST"] = FORGED
    return client


def _links(text: str) -> list[str]:
    return _URL.findall(unquote(text))


def _mail_text(message) -> str:
    return message.body + "".join(content for content, _ in message.alternatives)


def test_email_this_post_links_to_the_site_url(forged_host, post):
    forged_host.post(
        f"{post.get_absolute_url()}email/",
        {"recipient": "friend@example.net", "sender_name": "Ada", "note": "", "homepage": ""},
    )
    (message,) = mail.outbox
    text = _mail_text(message)
    assert f"{SITE_URL}{post.get_absolute_url()}" in text
    assert FORGED not in text


def test_the_mailto_link_without_smtp_carries_the_site_url(forged_host, post, settings):
    settings.EMAIL_HOST = ""
    page = forged_host.get(f"{post.get_absolute_url()}email/").content.decode()
    (mailto,) = re.findall(r'href="(mailto:[^"]+)"', page)
    assert f"{SITE_URL}{post.get_absolute_url()}" in unquote(mailto) and FORGED not in unquote(mailto)


def test_the_print_view_names_the_site_url(forged_host, post):
    page = forged_host.get(f"{post.get_absolute_url()}print/").content.decode()
    assert f'<p class="print-url">{SITE_URL}{post.get_absolute_url()}</p>' in page
    assert FORGED not in page


def test_the_pdf_names_the_site_url_and_is_not_cached_with_a_forged_one(forged_host, post, client):
    forged_host.get(f"{post.get_absolute_url()}pdf/")  # made and cached for this request
    del client.defaults["HTTP_HOST"]
    pdf = client.get(f"{post.get_absolute_url()}pdf/").content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "comments.example.org" in text and FORGED not in text


def test_the_confirmation_mail_links_to_the_site_url(forged_host, post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        forged_host.post(f"{post.get_absolute_url()}comments/", comment_form(notify="on"))
    (message,) = mail.outbox
    links = _links(_mail_text(message))
    assert links and all(link.startswith(f"{SITE_URL}/") for link in links), links
