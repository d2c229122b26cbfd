"""Reply notifications end to end, through a real SMTP server on loopback (aiosmtpd)."""

import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from commentariat.discussion.models import Comment, Subscription
from commentariat.discussion.services import approve_comment, hold_comment
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address):
        return [message for rcpt, message in self.messages if address in rcpt]


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "SITE_URL": "http://testserver"}
    yield inbox
    controller.stop()


def link(message, path):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://testserver(/{path}/[^\s]+/)", text).group(1)


def test_double_opt_in_then_a_reply_notification_then_one_click_unsubscribe(
    client, post, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{post.get_absolute_url()}comments/", comment_form(author_email="ada@example.org", notify="on")
        )
    ada_comment = Comment.objects.get(author_email="ada@example.org")
    (confirmation,) = smtp.to("ada@example.org")
    assert "Please confirm" in confirmation["Subject"]

    # Before confirming, a reply sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(post, parent=ada_comment, name="Ben", email="ben@example.org", body="An early reply.")
    assert len(smtp.to("ada@example.org")) == 1

    confirm_path = link(confirmation, "notifications/confirm")
    assert "Yes, confirm" in client.get(confirm_path).content.decode()
    client.post(confirm_path)
    assert Subscription.objects.get(email="ada@example.org").confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        make_comment(
            post, parent=ada_comment, name="Cy", email="cy@example.org", body="A reply Ada should see."
        )
    notification = smtp.to("ada@example.org")[-1]
    assert notification["Subject"].strip() == f"Cy replied to your comment on “{post.title}”"
    assert "A reply Ada should see." in notification.get_body(preferencelist=("plain",)).get_content()
    assert "cy@example.org" not in notification.as_string()
    unsubscribe_url = notification["List-Unsubscribe"].strip().strip("<>")
    assert notification["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"

    # A mail program's one-click POST: no page, no CSRF token.
    strict = client.__class__(enforce_csrf_checks=True)
    assert (
        strict.post(
            unsubscribe_url.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"}
        ).status_code
        == 200
    )
    assert not Subscription.objects.exists()
    # The same link again: nothing to do, and no error.
    again = strict.post(unsubscribe_url.removeprefix("http://testserver"))
    assert again.status_code == 200 and "not subscribed" in again.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(post, parent=ada_comment, name="Di", email="di@example.org", body="Too late.")
    assert "Too late." not in str([m.as_string() for m in smtp.to("ada@example.org")])


def test_followers_of_a_discussion_hear_of_comments_once_they_are_approved(
    client, post, smtp, django_capture_on_commit_callbacks
):
    Subscription.objects.create(email="confirmed@example.org", kind="replies", post=post,
                                comment=make_comment(post, email="confirmed@example.org"),
                                confirmed_at="2026-01-01T00:00:00Z")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{post.get_absolute_url()}follow/", {"email": "confirmed@example.org"})
    assert "Done" in response.content.decode()  # an address confirmed before needs no second email
    assert smtp.messages == []
    held = hold_comment(
        comment=make_comment(post, name="Eve", email="eve@example.org", body="Held at first.")
    )
    Comment.objects.filter(pk=held.pk).update(number="", sequence=None, sort_key="", root_sequence=None)
    held.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment=held)
    (message,) = smtp.to("confirmed@example.org")
    assert message["Subject"].strip() == f"New comment on “{post.title}” by Eve"
    with django_capture_on_commit_callbacks(execute=True):
        hold_comment(comment=held)
        approve_comment(comment=held)  # approved again: not news, no second email
    assert len(smtp.to("confirmed@example.org")) == 1


def test_forged_expired_and_bad_links_and_addresses_are_refused(client, post, smtp, settings):
    assert client.get("/notifications/confirm/forged-token/").status_code == 400
    assert client.post("/notifications/confirm/forged-token/").status_code == 400
    assert "not subscribed" in client.post("/notifications/unsubscribe/forged/").content.decode()
    response = client.post(
        f"{post.get_absolute_url()}follow/", {"email": "not an address\nBcc: x@example.org"}
    )
    assert response.status_code == 400 and "valid email address" in response.content.decode()
    assert not Subscription.objects.exists()
    subscription = Subscription.objects.create(email="z@example.org", kind="discussion", post=post)
    from commentariat.discussion import notifications

    token = notifications.confirmation_token(subscription)
    assert (
        client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    )  # wrong purpose: nothing done
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    monkey_age = notifications.CONFIRM_MAX_AGE
    notifications.CONFIRM_MAX_AGE = -1
    try:
        assert client.post(f"/notifications/confirm/{token}/").status_code == 400  # expired
    finally:
        notifications.CONFIRM_MAX_AGE = monkey_age
    assert Subscription.objects.get(pk=subscription.pk).confirmed_at is None


def test_the_forms_cannot_flood_an_inbox_with_confirmations(
    client, post, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            client.post(f"{post.get_absolute_url()}comments/",
                        comment_form(author_email="victim@example.org", notify="on", body=f"Comment {n}"))  # fmt: skip
    assert len(smtp.to("victim@example.org")) == 3
