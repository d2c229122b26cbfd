"""A removed comment's author gets a statement of reasons, appeals once, and hears the outcome."""

import re

import pytest
from django.core import mail
from django.test import Client

from commentariat.discussion.models import Comment
from commentariat.moderation.models import ModerationAction, Statement
from commentariat.moderation.services import decide_comment
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def removed(post, policy, moderator):
    comment = make_comment(post, name="Rash Reader", email="rash@example.org", body="You are all fools.")
    decide_comment(comment=comment, decision="remove", by=moderator)
    return Comment.objects.get(pk=comment.pk)


def _send_statement(moderator_client, comment, capture):
    with capture(execute=True):
        return moderator_client.post(
            f"/moderation/comments/{comment.pk}/statement/",
            {"rule": "Rule 2: no insults", "explanation": "Calling readers fools is an insult."},
            follow=True,
        )


def _appeal_path(message) -> str:
    return re.search(r"http\S+(/comments/appeal/\S+/)", message.body).group(1)


def test_statement_appeal_and_reinstatement(
    post, removed, moderator_client, django_capture_on_commit_callbacks
):
    detail = moderator_client.get(f"/moderation/comments/{removed.pk}/").content.decode()
    assert "Statement of reasons" in detail and "Send the statement" in detail
    answer = _send_statement(moderator_client, removed, django_capture_on_commit_callbacks)
    assert "Statement of reasons sent" in answer.content.decode()
    statement_mail = mail.outbox[-1]
    assert statement_mail.to == ["rash@example.org"]
    assert "Rule 2: no insults" in statement_mail.body and "appeal once" in statement_mail.body

    author = Client()
    path = _appeal_path(statement_mail)
    page = author.get(path).content.decode()
    assert "You are all fools." in page and "Send my appeal" in page
    assert author.post(path, {"text": ""}).status_code == 400
    assert author.post(path, {"text": "It was a joke among friends."}).status_code == 200
    again = author.post(path, {"text": "Once more."})
    assert again.status_code == 409 and "already appealed" in again.content.decode()
    assert Statement.objects.get().appeal_text == "It was a joke among friends."

    queue = moderator_client.get("/moderation/appeals/").content.decode()
    assert "It was a joke among friends." in queue and "1 open" in queue
    statement = Statement.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(f"/moderation/appeals/{statement.pk}/", {"outcome": "reinstate", "note": "Fair."})
    assert Comment.objects.get(pk=removed.pk).status == "approved"
    assert "You are all fools." in Client().get(post.get_absolute_url()).content.decode()
    assert "Comment reinstated" in mail.outbox[-1].body and mail.outbox[-1].to == ["rash@example.org"]
    assert "No open appeals." in moderator_client.get("/moderation/appeals/").content.decode()
    kinds = set(ModerationAction.objects.values_list("kind", flat=True))
    assert {"statement", "appeal", "approve"} <= kinds


def test_upholding_keeps_it_removed(removed, moderator_client, django_capture_on_commit_callbacks):
    _send_statement(moderator_client, removed, django_capture_on_commit_callbacks)
    Client().post(_appeal_path(mail.outbox[-1]), {"text": "Please."})
    statement = Statement.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(f"/moderation/appeals/{statement.pk}/", {"outcome": "uphold"})
    assert Comment.objects.get(pk=removed.pk).status == "removed"
    assert "Removal upheld" in mail.outbox[-1].body
    # Deciding twice changes nothing.
    response = moderator_client.post(f"/moderation/appeals/{statement.pk}/", {"outcome": "reinstate"}, follow=True)
    assert "decided already" in response.content.decode()
    assert Comment.objects.get(pk=removed.pk).status == "removed"


def test_no_statement_for_a_published_comment_and_no_appeal_with_a_forged_link(
    post, policy, moderator_client, django_capture_on_commit_callbacks
):
    published = make_comment(post, body="Fine words.")
    answer = _send_statement(moderator_client, published, django_capture_on_commit_callbacks)
    assert "goes with a removed comment" in answer.content.decode()
    assert not Statement.objects.exists() and mail.outbox == []
    assert Client().get("/comments/appeal/forged-token/").status_code == 400


def test_readers_cannot_reach_the_appeals_queue(client):
    assert client.get("/moderation/appeals/").status_code in (302, 403)


def test_an_appeal_on_a_comment_its_author_erased_cannot_reinstate_it(
    removed, moderator_client, django_capture_on_commit_callbacks
):
    from commentariat.moderation.own_data import erase

    _send_statement(moderator_client, removed, django_capture_on_commit_callbacks)
    Client().post(_appeal_path(mail.outbox[-1]), {"text": "Please."})
    erase("rash@example.org")
    statement = Statement.objects.get()
    answer = moderator_client.post(f"/moderation/appeals/{statement.pk}/", {"outcome": "reinstate"}, follow=True)
    assert answer.status_code == 200 and "no longer removed" in answer.content.decode()
    assert Comment.objects.get(pk=removed.pk).status == "withdrawn"


def test_one_statement_per_removal_and_a_reinstatement_checks_the_version(
    removed, moderator_client, second_moderator, django_capture_on_commit_callbacks
):
    _send_statement(moderator_client, removed, django_capture_on_commit_callbacks)
    again = _send_statement(moderator_client, removed, django_capture_on_commit_callbacks)
    assert "already sent for this removal" in again.content.decode()
    assert Statement.objects.count() == 1
    Client().post(_appeal_path(mail.outbox[-1]), {"text": "Please."})
    statement = Statement.objects.get()
    seen = Comment.objects.get(pk=removed.pk).state_version
    from commentariat.moderation.models import Claim

    Claim.objects.all().delete()  # Mona's look at the comment's page has expired
    decide_comment(comment=removed, decision="spam", by=second_moderator)  # decided again meanwhile
    answer = moderator_client.post(
        f"/moderation/appeals/{statement.pk}/", {"outcome": "reinstate", "seen_version": seen}, follow=True
    )
    assert "Sam Second set this comment to" in answer.content.decode()
    assert Comment.objects.get(pk=removed.pk).status == "spam"
