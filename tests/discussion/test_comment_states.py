"""Where the features that change a comment's status meet: the duplicate check and the edit
window, an author's edit and a moderator's decision, two moderators, digest links, the API,
the importer. Each move goes through discussion/services/status.py."""

from unittest import mock

import pytest
from django.test import Client

from commentariat.discussion.edit_window import EDIT_COOKIE
from commentariat.discussion.models import Comment
from commentariat.discussion.services import approve_comment, hold_comment, mark_spam, remove_comment
from commentariat.discussion.services.status import status_after_import
from commentariat.moderation import digest
from commentariat.moderation.models import DigestLink, ModerationAction, ModerationPolicy
from commentariat.moderation.services import decide_comment
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db


def write(client, post, **fields):
    response = client.post(f"{post.get_absolute_url()}comments/", comment_form(**fields))
    return response, Comment.objects.latest("pk")


# The duplicate check hands nothing to a stranger.


def test_the_same_text_with_someone_elses_email_gets_nothing_of_theirs(post):
    reader_a, reader_b = Client(), Client()
    _, original = write(reader_a, post, author_name="Ada", author_email="ada@example.org", body="My view.")
    response, _ = write(reader_b, post, author_name="Bea", author_email="ADA@example.org", body="My view.")
    assert response.status_code == 409
    assert "You already sent this comment." in response.content.decode()
    assert EDIT_COOKIE not in response.cookies  # no grant for Ada's comment
    assert reader_b.get(f"/comments/{original.pk}/edit/").status_code == 403
    assert reader_b.post(f"/comments/{original.pk}/edit/", {"body": "Bea's words"}).status_code == 403
    original.refresh_from_db()
    assert (original.author_name, original.body) == ("Ada", "My view.")
    assert Comment.objects.count() == 1


def test_the_same_browser_sending_twice_is_shown_its_comment(post):
    reader = Client()
    _, first = write(reader, post, body="Sent twice by a double click.")
    again, _ = write(reader, post, body="Sent twice by a double click.")
    assert again.status_code == 302 and again["Location"].endswith(f"#comment-{first.pk}")
    assert Comment.objects.count() == 1


def test_the_api_refuses_a_duplicate_without_naming_the_earlier_comment(client, post):
    payload = {"author_name": "Ada", "author_email": "ada@example.org", "author_url": "", "body": "Once."}
    first = client.post(f"/api/posts/{post.pk}/comments", payload, content_type="application/json")
    again = client.post(
        f"/api/posts/{post.pk}/comments", {**payload, "author_name": "Bea"}, content_type="application/json"
    )
    assert first.status_code == 201 and again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate"
    assert str(first.json()["id"]) not in again.content.decode()


# An author's edit never undoes a moderator.


@pytest.mark.parametrize("decide", [mark_spam, hold_comment, remove_comment], ids=["spam", "hold", "remove"])
def test_after_a_moderators_decision_the_edit_window_is_closed(client, post, moderator, decide):
    _, comment = write(client, post, body="Before the moderator looked.")
    decide(comment=comment, by=moderator)
    status = Comment.objects.get(pk=comment.pk).status
    page = client.get(f"/comments/{comment.pk}/edit/")
    assert page.status_code == 403
    assert "A moderator has reviewed this comment" in page.content.decode()
    assert client.post(f"/comments/{comment.pk}/edit/", {"body": "Trivial edit."}).status_code == 403
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert (comment.status, comment.body) == (status, "Before the moderator looked.")


def test_an_edit_of_a_held_comment_never_publishes_it(client, post, policy):
    policy.mode = "hold_all"
    policy.save()
    _, comment = write(client, post, body="Held by the rules.")
    assert comment.status == Comment.Status.PENDING
    policy.mode = "hold_none"  # the rules now approve everything ...
    policy.save()
    client.post(f"/comments/{comment.pk}/edit/", {"body": "Held by the rules, edited."})
    comment.refresh_from_db()
    assert comment.body == "Held by the rules, edited."
    assert comment.status == Comment.Status.PENDING  # ... but an edit never raises a comment
    assert "edited" not in Client().get(post.get_absolute_url()).content.decode()


def test_after_a_moderators_approval_the_author_may_still_edit(client, post, policy, moderator):
    policy.mode = "hold_all"
    policy.save()
    _, comment = write(client, post, body="Waiting.")
    approve_comment(comment=comment, by=moderator)
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Waiting, then approved."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Waiting, then approved."
    assert comment.status == Comment.Status.PENDING  # re-screened: the site holds everything
    assert comment.decided_status == Comment.Status.APPROVED


def test_spam_caught_by_the_filter_cannot_be_edited_and_the_author_is_not_told_why(client, post):
    policy = ModerationPolicy.current()
    policy.disallowed_terms = "casino"
    policy.save()
    _, comment = write(client, post, body="Visit my casino")
    assert comment.status == Comment.Status.SPAM
    page = client.get(f"/comments/{comment.pk}/edit/").content.decode()
    assert "with the moderators now" in page and "spam" not in page.lower()


# A stale page never undoes another moderator.


@pytest.fixture
def held(post, policy):
    policy.mode = "hold_all"
    policy.save()
    return make_comment(post, body="Held text.")


def test_a_decision_from_an_outdated_page_is_refused_and_says_who_did_what(
    client, held, moderator, second_moderator
):
    seen = held.state_version  # both moderators loaded the queue
    decide_comment(comment=held, decision="approve", by=moderator, seen_version=seen)
    client.force_login(second_moderator)
    response = client.post(
        f"/moderation/comments/{held.pk}/decide/", {"decision": "spam", "seen_version": seen, "next": "/"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Mona Moderator set this comment to “approved”" in page and "Decide anyway" in page
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    assert ModerationAction.objects.filter(kind="spam").count() == 0
    forced = client.post(
        f"/moderation/comments/{held.pk}/decide/",
        {"decision": "spam", "seen_version": seen, "force": "on", "next": "/moderation/"},
    )
    assert forced.status_code == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.SPAM and held.decided_by == second_moderator


def test_the_keyboard_queue_gets_the_conflict_as_json(client, held, moderator, second_moderator):
    seen = held.state_version
    decide_comment(comment=held, decision="remove", by=moderator)
    client.force_login(second_moderator)
    answer = client.post(
        f"/moderation/comments/{held.pk}/decide/",
        {"decision": "approve", "seen_version": seen},
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 409
    body = answer.json()
    assert body["conflict"] and "Mona Moderator" in body["message"] and body["status_label"] == "Removed"


def test_an_authors_edit_between_page_load_and_decision_is_a_conflict(client, post, held, moderator):
    seen = held.state_version
    with mock.patch("commentariat.discussion.edit_window.may_edit", return_value=True):
        client.post(f"/comments/{held.pk}/edit/", {"body": "Held text, now with a link to my shop."})
    client.force_login(moderator)
    response = client.post(
        f"/moderation/comments/{held.pk}/decide/",
        {"decision": "approve", "seen_version": seen},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409 and "Its author edited this comment" in response.json()["message"]


def test_bulk_decisions_skip_items_that_changed_since_the_page_was_loaded(client, post, policy, moderator,
                                                                           second_moderator):  # fmt: skip
    policy.mode = "hold_all"
    policy.save()
    changed, unchanged = make_comment(post, body="One."), make_comment(post, body="Two.")
    seen = {f"seen-{c.pk}": c.state_version for c in (changed, unchanged)}
    decide_comment(comment=changed, decision="approve", by=moderator)
    client.force_login(second_moderator)
    response = client.post(
        "/moderation/bulk/", {"decision": "spam", "ids": [changed.pk, unchanged.pk], **seen}, follow=True
    )
    assert "1 comment(s) updated" in response.content.decode()
    assert Comment.objects.get(pk=changed.pk).status == Comment.Status.APPROVED
    assert Comment.objects.get(pk=unchanged.pk).status == Comment.Status.SPAM


def test_the_api_refuses_a_decision_on_a_changed_comment(client, held, moderator):
    from commentariat.api.models import ApiToken

    _, token = ApiToken.issue(moderator)
    seen = held.state_version
    hold_comment(comment=held, by=moderator)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/moderation/comments/{held.pk}/decision"
    stale = client.post(
        url, {"decision": "approve", "seen_version": seen}, content_type="application/json", **auth
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    forced = client.post(url, {"decision": "approve", "seen_version": seen, "force": True},
                         content_type="application/json", **auth)  # fmt: skip
    assert forced.status_code == 200 and forced.json()["status"] == "approved"


def test_two_moderators_digest_links_record_one_decision(held, moderator, second_moderator):
    links = [
        DigestLink.objects.create(
            comment=held, user=user, decision="approve", seen_version=held.state_version
        )
        for user in (moderator, second_moderator)
    ]
    assert digest.use_link(links[0]) == "Approved."
    second = digest.use_link(DigestLink.objects.get(pk=links[1].pk))
    assert second.startswith("Nothing was changed") and "Mona Moderator" in second
    assert ModerationAction.objects.filter(kind="approve").count() == 1


def test_a_digest_link_sent_before_a_change_does_nothing(held, moderator):
    (link,) = [DigestLink.objects.create(comment=held, user=moderator, decision="spam",
                                         seen_version=held.state_version)]  # fmt: skip
    approve_comment(comment=held)  # approved in the queue after the digest went out
    assert digest.use_link(link).startswith("Nothing was changed")
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


# The importer never overrules a moderator here.


def test_an_import_keeps_a_moderators_later_decision(post, moderator):
    comment = make_comment(post, body="Imported once, approved there.")
    assert status_after_import(comment, Comment.Status.APPROVED) == Comment.Status.APPROVED
    mark_spam(comment=comment, by=moderator)
    comment.refresh_from_db()
    assert status_after_import(comment, Comment.Status.APPROVED) == Comment.Status.SPAM


def test_the_duplicate_check_ignores_the_case_of_both_addresses(post):
    _, first = write(Client(), post, author_email="Carol.Smith@Example.org", body="Same words, any case.")
    response, _ = write(Client(), post, author_email="carol.smith@EXAMPLE.ORG", body="Same words, any case.")
    assert response.status_code == 409
    assert list(Comment.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_comment_held_back_for_review_is_not_called_removed(client, post, moderator):
    comment = make_comment(post, body="Public, then back to the queue.")
    hold_comment(comment=comment, by=moderator)
    response = Client().get(f"/comments/{comment.pk}/")
    assert response.status_code == 404  # it may come back: not 410 Gone
    page = response.content.decode()
    assert "waiting for a moderator" in page and "was removed" not in page and "Comment removed" not in page
    assert "Public, then back to the queue." not in page
