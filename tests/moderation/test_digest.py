"""The queue by email, with approve and spam links that work once."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment
from commentariat.moderation.models import DigestSubscriber
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(post, policy):
    return [
        hold_comment(comment=make_comment(post, name=f"Reader {n}", body=f"Waiting {n}")) for n in range(2)
    ]


def links(message):
    return re.findall(r"(?:Approve|Spam): +http://127\.0\.0\.1:8000(/moderation/digest/\S+/)", message.body)


def test_a_moderator_asks_for_the_digest_and_decides_from_it_once(
    client, moderator, waiting, django_user_model
):
    moderator.email = "mod@example.org"
    moderator.save()
    client.force_login(moderator)
    client.post("/moderation/digest/")
    assert DigestSubscriber.objects.filter(user=moderator).exists()
    outsider = django_user_model.objects.create_user(
        username="outsider", email="out@example.org", is_staff=True
    )
    DigestSubscriber.objects.create(user=outsider)  # not a moderator: gets nothing
    client.logout()

    call_command("send_moderation_digest", verbosity=0)
    (message,) = mail.outbox
    assert message.to == ["mod@example.org"] and message.subject.startswith("2 comments waiting")
    approve_first, spam_first, approve_second, _ = links(message)

    page = client.get(approve_first)  # a mail scanner's visit decides nothing
    assert "Approve?" in page.content.decode()
    assert Comment.objects.get(pk=waiting[0].pk).status == Comment.Status.PENDING
    done = client.post(approve_first)
    assert "Approved." in done.content.decode()
    assert Comment.objects.get(pk=waiting[0].pk).status == Comment.Status.APPROVED
    assert "already used" in client.post(approve_first).content.decode()  # replayed
    assert "already used" in client.post(spam_first).content.decode()  # the other link for that comment
    assert Comment.objects.get(pk=waiting[0].pk).status == Comment.Status.APPROVED
    client.post(approve_second)
    assert Comment.objects.get(pk=waiting[1].pk).status == Comment.Status.APPROVED


def test_forged_links_and_an_empty_queue(client, moderator, post, policy):
    DigestSubscriber.objects.create(user=moderator)
    call_command("send_moderation_digest", verbosity=0)
    assert mail.outbox == []  # nothing waiting, nothing sent
    assert client.get("/moderation/digest/forged-token/").status_code == 400
    held = hold_comment(comment=make_comment(post))
    assert client.post("/moderation/digest/forged-token/").status_code == 400
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING


def test_a_reported_published_comment_comes_first_with_keep_and_remove(client, moderator, post, policy):
    from commentariat.moderation.models import Report

    moderator.email = "mod@example.org"
    moderator.save()
    DigestSubscriber.objects.create(user=moderator)
    hold_comment(comment=make_comment(post, name="Held Reader", body="Waiting for a moderator."))
    reported = make_comment(post, name="Loud Reader", email="loud@example.org", body="Buy cheap watches.")
    Report.objects.create(comment=reported, reason="spam", reporter_ip="192.0.2.1")

    call_command("send_moderation_digest", verbosity=0)
    (message,) = mail.outbox
    assert message.subject.startswith("2 comments waiting")
    text = message.body
    assert text.index("Loud Reader") < text.index("Held Reader")  # the queue's order: reports first
    assert "reported: Spam or advertising" in text and "loud@example.org" not in text
    keep, remove = re.findall(r"(?:Keep|Remove): +http://127\.0\.0\.1:8000(/moderation/digest/\S+/)", text)
    assert "Remove?" in client.get(remove).content.decode()
    client.post(remove)
    reported.refresh_from_db()
    assert reported.status == Comment.Status.REMOVED
    assert Report.objects.get().resolution == "removed"
    assert "already used" in client.post(keep).content.decode()  # this moderator's other link is spent
    assert Comment.objects.get(pk=reported.pk).status == Comment.Status.REMOVED
