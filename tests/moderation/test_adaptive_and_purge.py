"""Time-driven moderation, with a controllable clock: the adaptive switch and the purge."""

from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from pytest_django.asserts import assertContains, assertNotContains

from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment, remove_comment
from commentariat.moderation.models import AdaptiveState, ModerationAction
from tests.factories import comment_form, make_comment

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)


def at(moment):
    return mock.patch("commentariat.core.clock.now", return_value=moment)


@pytest.fixture
def adaptive(policy):
    policy.adaptive_enabled = True
    policy.duty_start, policy.duty_end = time(8, 0), time(20, 0)
    policy.backlog_max_pending = 3
    policy.strict_mode = "hold_all"
    policy.save()
    return policy


def _post(client, post, body):
    return client.post(
        post.get_absolute_url() + "comments/",
        comment_form(author_name="Night Owl", author_email="owl@example.org", body=body),
    )


def test_nobody_on_duty_switches_to_the_strict_mode_and_back(client, post, adaptive):
    with at(MIDNIGHT):
        _post(client, post, "Posted at night.")
        page = client.get(post.get_absolute_url())
    assert Comment.objects.get(body="Posted at night.").status == Comment.Status.PENDING
    assertContains(page, "moderators are away or catching up")
    switch = ModerationAction.objects.get(kind="switch")
    assert switch.after == {"strict": True} and "no moderator on duty" in switch.reason
    Comment.objects.update(status=Comment.Status.APPROVED)
    with at(NOON + timedelta(days=1)):
        _post(client, post, "Posted at noon.")
        assertNotContains(client.get(post.get_absolute_url()), "moderators are away")
    assert Comment.objects.get(body="Posted at noon.").status == Comment.Status.APPROVED
    assert list(ModerationAction.objects.filter(kind="switch").values_list("after", flat=True)) == [
        {"strict": False},
        {"strict": True},
    ]
    assert AdaptiveState.current().strict is False


def test_a_long_queue_switches_to_the_strict_mode(client, post, adaptive):
    with at(NOON):  # the whole test in the team's hours, whatever the time the suite runs at
        for i in range(4):
            hold_comment(comment=make_comment(post, body=f"waiting {i}"))
        _post(client, post, "While the queue is long.")
    assert Comment.objects.get(body="While the queue is long.").status == Comment.Status.PENDING
    assert "4 comments waiting" in ModerationAction.objects.get(kind="switch").reason


def test_an_old_queue_switches_to_the_strict_mode(client, post, adaptive):
    with at(NOON):  # the whole test in the team's hours, whatever the time the suite runs at
        old = hold_comment(comment=make_comment(post))
        Comment.objects.filter(pk=old.pk).update(created_at=NOON - timedelta(hours=6))
        _post(client, post, "Behind schedule.")
    assert "oldest comment waiting 360 minutes" in ModerationAction.objects.get(kind="switch").reason


def test_without_the_adaptive_setting_nothing_switches(client, post, policy):
    with at(MIDNIGHT):
        _post(client, post, "Any time.")
    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert not ModerationAction.objects.filter(kind="switch").exists()


def test_removed_comments_are_purged_after_thirty_days(post, policy):
    lonely = remove_comment(comment=make_comment(post, body="Gone soon."))
    parent = make_comment(post, body="Has a reply.", email="parent@example.org")
    make_comment(post, parent=parent)
    remove_comment(comment=parent)
    recent = remove_comment(comment=make_comment(post, body="Removed today."))
    Comment.objects.filter(pk__in=[lonely.pk, parent.pk]).update(status_changed_at=NOON - timedelta(days=31))
    with at(NOON):
        call_command("purge_removed_comments", verbosity=0)
    assert not Comment.objects.filter(pk=lonely.pk).exists()
    parent.refresh_from_db()
    assert (parent.body, parent.author_email, parent.number) == ("", "", "2")  # a shell keeps its number
    assert Comment.objects.filter(pk=recent.pk).exists()
    assert ModerationAction.objects.get(kind="purge").after == {"purged": 2}


def test_moderators_work_runs_the_purge_once_a_day(
    post, policy, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    from commentariat.moderation.services import decide_comment

    old = remove_comment(comment=make_comment(post, body="Removed long ago."))
    Comment.objects.filter(pk=old.pk).update(status_changed_at=NOON - timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        decide_comment(comment=hold_comment(comment=make_comment(post)), decision="approve", by=moderator)
    assert not Comment.objects.filter(pk=old.pk).exists()
    again = hold_comment(comment=make_comment(post))  # numbered already: approving it announces nothing
    from types import SimpleNamespace

    from commentariat.moderation import tasks

    enqueued = []
    monkeypatch.setattr(tasks, "purge_removed_comments", SimpleNamespace(enqueue=lambda: enqueued.append(1)))
    with django_capture_on_commit_callbacks(execute=True):
        decide_comment(comment=again, decision="approve", by=moderator)
    assert enqueued == []  # the purge already ran today
