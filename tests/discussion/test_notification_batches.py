"""Notifications gathered into one mail per address and post in each window, as the follower's
inbox receives them: a real SMTP server on loopback, the database task queue and its worker."""

import socket

import pytest
from django.core.management import call_command

from commentariat.discussion.models import Comment, NotificationBatch, Subscription
from commentariat.discussion.services import remove_comment
from tests.discussion.conftest import link, text_of
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db

WINDOW = 10  # minutes: COMMENTARIAT["NOTIFY_BATCH_MINUTES"]'s default


@pytest.fixture
def ada(client, post, smtp, django_capture_on_commit_callbacks):
    """Ada commented with "notify me of replies", and confirmed from the mail she got."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{post.get_absolute_url()}comments/",
            comment_form(author_name="Ada", author_email="ada@example.org", notify="on", body="Ada's point."),
        )
    client.post(link(smtp.to("ada@example.org")[0], "notifications/confirm"))
    smtp.messages.clear()
    return Comment.objects.get(author_email="ada@example.org")


def replies(ada, count, capture, start=1, **fields):
    with capture(execute=True):
        return [make_comment(ada.post, parent=ada, name=f"Replier {n}", body=f"Reply number {n}.", **fields)
                for n in range(start, start + count)]  # fmt: skip


def test_a_flood_of_sixty_replies_is_one_mail_listing_them(
    ada, smtp, worker, django_capture_on_commit_callbacks
):
    replies(ada, 60, django_capture_on_commit_callbacks)
    worker.run()
    assert smtp.to("ada@example.org") == []  # the first reply waits for the window: others join it
    worker.wait(WINDOW)
    worker.run()
    (mail,) = smtp.to("ada@example.org")
    assert mail["Subject"].strip() == f"60 new comments on “{ada.post.title}”"
    text = text_of(mail)
    assert text.count("replied to your comment") == 50 and "Reply number 50." in text
    assert "Reply number 51." not in text and "… and 10 more" in text
    assert not NotificationBatch.objects.exists()


def test_mails_about_one_post_are_a_window_apart(ada, smtp, worker, django_capture_on_commit_callbacks):
    replies(ada, 1, django_capture_on_commit_callbacks)
    worker.run()
    worker.wait(WINDOW)
    worker.run()
    replies(ada, 2, django_capture_on_commit_callbacks, start=2)
    worker.run()
    worker.wait(WINDOW - 1)
    worker.run()
    assert len(smtp.to("ada@example.org")) == 1
    worker.wait(1)
    worker.run()
    first, second = smtp.to("ada@example.org")
    assert first["Subject"].strip() == f"Replier 1 replied to your comment on “{ada.post.title}”"
    assert "Reply number 2." in text_of(second) and "Reply number 3." in text_of(second)
    assert "Reply number 1." not in text_of(second)


def test_a_reply_removed_before_the_mail_goes_is_left_out(
    ada, smtp, worker, moderator, django_capture_on_commit_callbacks
):
    kept, abusive = replies(ada, 2, django_capture_on_commit_callbacks)
    worker.run()
    remove_comment(comment=abusive, by=moderator)
    worker.wait(WINDOW)
    worker.run()
    (mail,) = smtp.to("ada@example.org")
    assert "Reply number 1." in text_of(mail) and "Reply number 2." not in mail.as_string()
    # A batch whose every comment was removed sends nothing at all.
    (only,) = replies(ada, 1, django_capture_on_commit_callbacks, start=3)
    worker.run()
    remove_comment(comment=only, by=moderator)
    worker.wait(WINDOW)
    worker.run()
    assert len(smtp.to("ada@example.org")) == 1 and not NotificationBatch.objects.exists()


def test_a_post_locked_with_a_password_before_the_mail_goes_is_mailed_as_links(
    ada, smtp, worker, django_capture_on_commit_callbacks
):
    (reply,) = replies(ada, 1, django_capture_on_commit_callbacks)
    worker.run()
    ada.post.password = "members only"
    ada.post.save()
    worker.wait(WINDOW)
    worker.run()
    (mail,) = smtp.to("ada@example.org")
    assert "Reply number 1." not in mail.as_string()
    assert "protected by a password" in text_of(mail) and f"/comments/{reply.pk}/" in text_of(mail)


def test_one_click_in_a_gathered_mail_stops_every_mail_about_the_post(
    client, ada, smtp, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{ada.post.get_absolute_url()}follow/", {"email": "ada@example.org"})  # proven browser
    assert Subscription.objects.filter(email="ada@example.org", confirmed_at__isnull=False).count() == 2
    replies(ada, 1, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(ada.post, name="Top", body="A new thread of its own.")
    worker.run()
    worker.wait(WINDOW)
    worker.run()
    (mail,) = smtp.to("ada@example.org")  # one mail, though she follows the post two ways
    assert "Replier 1 replied to your comment" in text_of(mail) and "Top commented on" in text_of(mail)
    unsubscribe = mail["List-Unsubscribe"].strip().strip("<>").removeprefix("http://testserver")
    client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert not Subscription.objects.filter(email="ada@example.org").exists()
    replies(ada, 1, django_capture_on_commit_callbacks, start=2)
    worker.run()
    worker.wait(WINDOW)
    worker.run()
    assert len(smtp.to("ada@example.org")) == 1


def test_without_a_worker_the_first_reply_goes_at_once_and_the_next_wait_for_the_window(
    ada, smtp, clock, django_capture_on_commit_callbacks
):
    """COMMENTARIAT_TASKS=immediate: nothing can be deferred, so the window counts from the last mail."""
    replies(ada, 3, django_capture_on_commit_callbacks)
    assert [m["Subject"].strip() for m in smtp.to("ada@example.org")] == [
        f"Replier 1 replied to your comment on “{ada.post.title}”"
    ]
    call_command("send_notifications", verbosity=0)
    assert len(smtp.to("ada@example.org")) == 1
    clock.advance(WINDOW)
    call_command("send_notifications", verbosity=0)  # from cron
    second = smtp.to("ada@example.org")[1]
    assert second["Subject"].strip() == f"2 new comments on “{ada.post.title}”"


def test_a_mail_that_could_not_be_sent_goes_out_later(
    ada, smtp, settings, worker, django_capture_on_commit_callbacks
):
    replies(ada, 1, django_capture_on_commit_callbacks)
    worker.run()
    working_port = settings.EMAIL_PORT
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]  # nothing listens there: SMTP is down
    worker.wait(WINDOW)
    worker.run()
    assert smtp.to("ada@example.org") == [] and NotificationBatch.objects.exists()
    settings.EMAIL_PORT = working_port
    worker.wait(5)
    replies(ada, 1, django_capture_on_commit_callbacks, start=2)  # the next notification run retries
    worker.run()
    (mail,) = smtp.to("ada@example.org")
    assert "Reply number 1." in text_of(mail) and "Reply number 2." not in text_of(mail)


def test_a_mail_the_server_keeps_refusing_is_dropped_after_a_day(
    ada, smtp, settings, worker, caplog, django_capture_on_commit_callbacks
):
    replies(ada, 1, django_capture_on_commit_callbacks)
    worker.run()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]
    worker.wait(WINDOW)
    worker.run()
    worker.wait(23 * 60)
    call_command("send_notifications", verbosity=0)
    assert NotificationBatch.objects.exists()  # still tried within the day
    worker.wait(60)
    call_command("send_notifications", verbosity=0)
    assert not NotificationBatch.objects.exists()
    assert "Gave up mailing notification batch" in caplog.text
