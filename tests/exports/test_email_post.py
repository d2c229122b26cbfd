"""Email this post: a reader sends the title, excerpt and link to a friend, and nothing more."""

import pytest
from django.core import mail

from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(author):
    return make_post(
        author=author, title="Trams & towns", slug="trams-and-towns", excerpt="Why the tram came back."
    )


def send(client, post, **fields):
    data = {"recipient": "friend@example.net", "sender_name": "Ada", "note": "", "homepage": ""}
    data.update(fields)
    return client.post(f"{post.get_absolute_url()}email/", data, REMOTE_ADDR="203.0.113.5")


def test_a_reader_sends_a_post_as_plain_text_and_simple_html(client, post):
    form = client.get(f"{post.get_absolute_url()}email/").content.decode()
    assert '<label for="id_recipient">Their email address:</label>' in form
    response = send(client, post, note="Thought of you <b>here</b>.\nSee you Sunday.")
    assert response.status_code == 200 and "Sent." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["friend@example.net"] and message.cc == [] and message.bcc == []
    assert message.subject == "Ada sent you “Trams & towns”"
    assert f"http://127.0.0.1:8000{post.get_absolute_url()}" in message.body  # COMMENTARIAT_SITE_URL
    assert "Why the tram came back." in message.body and "Thought of you <b>here</b>." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert (
        "Thought of you &lt;b&gt;here&lt;/b&gt;.<br>See you Sunday." in html
    )  # the note is text, never markup
    assert "Trams &amp; towns" in html


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"recipient": "not-an-address"}, "Enter a valid email address."),
        ({"recipient": "a@example.net, b@example.net"}, "Enter a valid email address."),
        ({"recipient": "friend@example.net\nBcc: victim@example.org"}, "Enter a valid email address."),
        ({"sender_name": "Ada\r\nBcc: victim@example.org"}, "Please give your name on one line"),
        ({"note": "x" * 501}, "Ensure this value has at most 500 characters"),
        ({"homepage": "http://bot.example"}, "This message could not be sent."),
    ],
)
def test_bad_addresses_header_injection_and_bots_are_refused_with_a_message(client, post, fields, error):
    response = send(client, post, **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert mail.outbox == []


def test_sending_is_limited_per_reader_and_per_recipient(client, post, settings):
    settings.COMMENTARIAT = {
        **settings.COMMENTARIAT,
        "EMAIL_POST_PER_IP_PER_HOUR": 4,
        "EMAIL_POST_PER_RECIPIENT_PER_DAY": 2,
    }
    assert send(client, post).status_code == 200
    assert send(client, post).status_code == 200
    limited = send(client, post)  # a third message to the same friend today
    assert limited.status_code == 429 and "received several posts today" in limited.content.decode()
    assert send(client, post, recipient="other@example.net").status_code == 200
    hourly = send(client, post, recipient="third@example.net")  # a fifth attempt (refused ones count)
    assert hourly.status_code == 429 and "in the last hour" in hourly.content.decode()
    assert hourly["Retry-After"]
    assert len(mail.outbox) == 3


def test_without_smtp_the_page_offers_a_mailto_link_and_sends_nothing(client, post, settings):
    settings.EMAIL_HOST = ""
    page = client.get(f"{post.get_absolute_url()}email/").content.decode()
    assert 'href="mailto:?subject=Trams%20%26%20towns&amp;body=' in page
    assert '<form method="post"' not in page
    send(client, post)
    assert mail.outbox == []
