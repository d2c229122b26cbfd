"""Readers report comments; reports raise items in the queue by weight; a decision closes them."""

import pytest
from django.core import mail
from django.test import Client

from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment
from commentariat.moderation.models import Report
from commentariat.moderation.reports import REPORTS_PER_HOUR
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(post, policy):
    return make_comment(post, name="Loud Reader", email="loud@example.org", body="Buy cheap watches now.")


@pytest.fixture
def reader():
    return Client()


def _report(reader, comment, *, ip="127.0.0.1", **fields):
    return reader.post(f"/comments/{comment.pk}/report/", {"reason": "spam", **fields}, REMOTE_ADDR=ip)


def test_a_reader_reports_a_comment_from_the_thread(
    reader, post, published, moderator_client, django_capture_on_commit_callbacks
):
    page = reader.get(post.get_absolute_url()).content.decode()
    assert f'href="/comments/{published.pk}/report/"' in page
    form = reader.get(f"/comments/{published.pk}/report/")
    assert form.status_code == 200
    assert "Buy cheap watches now." in form.content.decode()
    assert "loud@example.org" not in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        answer = _report(reader, published, email="watcher@example.net")
    assert answer.status_code == 200
    assert "your report reached the moderators" in answer.content.decode()
    report = Report.objects.get()
    assert (report.reason, report.weight, report.reporter_ip) == ("spam", 1, "127.0.0.1")
    assert mail.outbox[-1].to == ["watcher@example.net"] and "received" in mail.outbox[-1].subject

    queue = moderator_client.get("/moderation/").content.decode()
    assert f'id="item-{published.pk}"' in queue  # an approved comment, in the queue because reported
    assert "Reported by readers" in queue and "Spam or advertising" in queue
    assert "1 reported" in queue


def test_illegal_content_needs_an_explanation_and_an_address(reader, published):
    answer = _report(reader, published, reason="illegal")
    assert answer.status_code == 400
    html = answer.content.decode()
    assert html.count("Error:") >= 1
    assert "Say why this comment is illegal" in html and "Give an address to hear the decision" in html
    assert not Report.objects.exists()


def test_the_same_reader_reporting_twice_counts_once(reader, published):
    _report(reader, published)
    second = _report(reader, published, reason="abuse")
    assert "You had already reported" in second.content.decode()
    assert Report.objects.count() == 1


def test_reports_order_the_queue_by_weight(reader, post, published, moderator_client):
    quieter = make_comment(post, name="Other", body="Mildly off-topic remark.")
    waiting = hold_comment(comment=make_comment(post, name="Waiting", body="Held for review."))
    # The reporter's address has approved comments here: their report weighs more.
    Comment.objects.filter(pk=quieter.pk).update(ip_address="127.0.0.1")
    _report(reader, published, ip="192.0.2.7")
    _report(reader, quieter, reason="off_topic")
    assert Report.objects.get(comment=quieter).weight == 3
    assert Report.objects.get(comment=published).weight == 1
    queue = moderator_client.get("/moderation/").content.decode()
    order = [queue.index(f'id="item-{c.pk}"') for c in (quieter, published, waiting)]
    assert order == sorted(order)
    filtered = moderator_client.get("/moderation/?reported=off_topic").content.decode()
    assert f'id="item-{quieter.pk}"' in filtered
    assert f'id="item-{published.pk}"' not in filtered and f'id="item-{waiting.pk}"' not in filtered


def test_a_decision_closes_the_reports_and_tells_the_illegal_content_reporter(
    reader, published, moderator_client, django_capture_on_commit_callbacks
):
    _report(reader, published, reason="illegal", explanation="It defames a named person.", email="r@example.net")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            f"/moderation/comments/{published.pk}/decide/",
            {"decision": "remove", "seen_version": Comment.objects.get(pk=published.pk).state_version},
        )
    report = Report.objects.get()
    assert report.resolved_at is not None and report.resolution == "removed"
    assert [m.to for m in mail.outbox] == [["r@example.net"]]
    assert "removed by a moderator" in mail.outbox[0].body
    queue = moderator_client.get("/moderation/").content.decode()
    assert f'id="item-{published.pk}"' not in queue


def test_approving_keeps_the_comment_and_closes_the_reports(reader, published, moderator_client):
    _report(reader, published, reason="abuse")
    moderator_client.post(
        f"/moderation/comments/{published.pk}/decide/",
        {"decision": "approve", "seen_version": Comment.objects.get(pk=published.pk).state_version},
    )
    assert Report.objects.get().resolution == "approved"
    assert f'id="item-{published.pk}"' not in moderator_client.get("/moderation/").content.decode()


def test_reports_are_rate_limited_per_address(reader, post, policy):
    comments = [make_comment(post, body=f"Comment {n}") for n in range(REPORTS_PER_HOUR + 1)]
    for comment in comments[:-1]:
        assert _report(reader, comment).status_code == 200
    refused = _report(reader, comments[-1])
    assert refused.status_code == 429
    assert "many reports" in refused.content.decode()
    assert Report.objects.count() == REPORTS_PER_HOUR


def test_only_comments_a_reader_can_see_can_be_reported(reader, post, policy):
    held = hold_comment(comment=make_comment(post, body="Not shown yet."))
    assert reader.get(f"/comments/{held.pk}/report/").status_code == 404
    assert _report(reader, held).status_code == 404
    assert not Report.objects.exists()
    page = reader.get(post.get_absolute_url()).content.decode()
    assert f"/comments/{held.pk}/report/" not in page


def test_a_hostile_explanation_is_inert_in_the_queue(reader, published, moderator_client):
    _report(reader, published, reason="abuse", explanation='<script>alert(1)</script><a href="javascript:x">y</a>')
    queue = moderator_client.get("/moderation/").content.decode()
    assert "<script>alert(1)" not in queue and 'href="javascript:' not in queue
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in queue


def test_a_reported_comment_its_author_deleted_leaves_the_queue(reader, published, moderator_client):
    from commentariat.discussion.services.status import withdraw

    _report(reader, published, reason="abuse")
    assert f'id="item-{published.pk}"' in moderator_client.get("/moderation/").content.decode()
    withdraw(comment=published)
    queue = moderator_client.get("/moderation/").content.decode()
    # Nothing left to act on, and no "Approve" that would publish what its author took back.
    assert f'id="item-{published.pk}"' not in queue and "reported" not in queue.split("<main", 1)[-1].split("queue-filters")[0]


@pytest.mark.parametrize("taken_down", ["withdraw", "erase_at_authors_request"])
def test_a_comment_its_author_takes_down_closes_its_reports_and_tells_the_illegal_content_reporter(
    reader, published, taken_down, django_capture_on_commit_callbacks
):
    from commentariat.discussion.services import status

    _report(reader, published, reason="illegal", explanation="It names a private person.", email="r@example.net")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        getattr(status, taken_down)(comment=published)
    report = Report.objects.get()
    assert report.resolved_at is not None and report.resolution == "withdrawn"
    assert [m.to for m in mail.outbox] == [["r@example.net"]]
    assert "taken down by its author" in mail.outbox[0].body
    assert "loud@example.org" not in mail.outbox[0].body


def test_undoing_a_removal_reopens_the_reports_it_closed(reader, published, moderator, moderator_client):
    from commentariat.moderation.services import decide_comment, undo_action

    _report(reader, published, reason="abuse")
    action = decide_comment(comment=published, decision="remove", by=moderator)
    assert Report.objects.get().resolved_at is not None
    undo_action(action=action, by=moderator)
    assert Report.objects.get().resolved_at is None
    assert f'id="item-{published.pk}"' in moderator_client.get("/moderation/").content.decode()


def test_a_moderator_cannot_publish_what_its_author_deleted(published, moderator):
    from commentariat.discussion.exceptions import StateConflict
    from commentariat.discussion.services.status import withdraw
    from commentariat.moderation.services import decide_comment

    withdraw(comment=published)
    with pytest.raises(StateConflict):
        decide_comment(comment=published, decision="approve", by=moderator, force=True)
    decide_comment(comment=published, decision="remove", by=moderator)
    assert Comment.objects.get(pk=published.pk).status == "removed"


def test_the_api_queue_carries_reports_in_the_same_order(reader, post, published, moderator):
    from commentariat.api.models import ApiToken

    waiting = hold_comment(comment=make_comment(post, body="Held for review."))
    _report(reader, published, reason="abuse", explanation="Rude.")
    _, token = ApiToken.issue(moderator)
    answer = Client().get("/api/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [item["id"] for item in answer] == [published.pk, waiting.pk]
    assert answer[0]["report_weight"] == 1 and answer[0]["reports"][0]["reason"] == "abuse"
    assert answer[1]["reports"] == []
