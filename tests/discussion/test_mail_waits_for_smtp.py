"""With the SMTP server down, a confirmation or a post sent to a friend waits in the task queue and
goes out once the server is back (core/mail_retry.py)."""

import socket

import pytest

from tests.discussion.conftest import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_down(settings, smtp):
    """Point the site at a port nothing listens on; the test calls restore() to bring SMTP back."""
    working = settings.EMAIL_PORT
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]

    def restore():
        settings.EMAIL_PORT = working

    return restore


def test_a_confirmation_waits_for_the_smtp_server(client, post, smtp, smtp_down, worker, caplog,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{post.get_absolute_url()}follow/", {"email": "ada@example.org"})
    assert answer.status_code == 200
    worker.run()
    assert smtp.to("ada@example.org") == [] and "will try again" in caplog.text
    smtp_down()  # the server is back
    worker.wait(6)
    worker.run()
    (mail,) = smtp.to("ada@example.org")
    assert "confirm" in text_of(mail).lower()


def test_a_post_sent_to_a_friend_waits_for_the_smtp_server(client, post, smtp, smtp_down, worker,
                                                           django_capture_on_commit_callbacks):  # fmt: skip
    form = {"recipient": "friend@example.net", "sender_name": "Ada", "note": "", "homepage": ""}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{post.get_absolute_url()}email/", form)
    assert answer.status_code == 200
    worker.run()
    assert smtp.to("friend@example.net") == []
    smtp_down()
    worker.wait(6)
    worker.run()
    (mail,) = smtp.to("friend@example.net")
    assert post.title in mail["Subject"]
