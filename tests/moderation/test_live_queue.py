"""The live queue's server side: the state an open queue page asks for, the events that say when,
and undo kept to the moderator who decided, for a while."""

from datetime import timedelta

import pytest

from commentariat.core import live
from commentariat.core.queue_signal import CHANNEL
from commentariat.discussion.models import Comment
from commentariat.discussion.services import hold_comment
from commentariat.moderation.exceptions import NothingToUndo
from commentariat.moderation.models import ModerationAction
from commentariat.moderation.services import decide_comment, undo_action
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(post, policy):
    return [hold_comment(comment=make_comment(post, body=f"Held {n}.")) for n in range(2)]


def test_the_page_learns_what_the_other_moderator_decided_and_what_is_new(
    post, held, moderator_client, second_moderator
):
    seen = held[0].state_version
    decide_comment(comment=held[0], decision="approve", by=second_moderator)
    ids = ",".join(str(c.pk) for c in held)
    state = moderator_client.get(f"/moderation/queue/state/?ids={ids}&after={held[1].pk}").json()
    first = state["items"][str(held[0].pk)]
    assert (first["status"], first["decided_by"]) == ("approved", "Sam Second")
    assert first["version"] > seen
    assert state["new"] == [] and state["pending_count"] == 1

    newcomer = hold_comment(comment=make_comment(post, body="Just arrived."))
    state = moderator_client.get(f"/moderation/queue/state/?ids={ids}&after={held[1].pk}").json()
    assert [entry["id"] for entry in state["new"]] == [newcomer.pk]
    assert "Just arrived." in state["new"][0]["html"] and f'id="item-{newcomer.pk}"' in state["new"][0]["html"]
    # The page's own filters apply: a search that does not match brings nothing new.
    state = moderator_client.get(f"/moderation/queue/state/?ids={ids}&after={held[1].pk}&q=zebra").json()
    assert state["new"] == []


def test_readers_get_nothing(client, held):
    assert client.get(f"/moderation/queue/state/?ids={held[0].pk}").status_code in (302, 403)
    assert client.get("/moderation/queue/events/").status_code in (302, 403)


def test_under_wsgi_the_page_is_told_to_poll(moderator_client):
    answer = moderator_client.get("/moderation/queue/events/")
    assert answer.status_code == 503 and answer["Retry-After"]


def test_changes_are_announced_on_the_queue_channel_after_commit(
    post, policy, moderator, django_capture_on_commit_callbacks
):
    subscription = live.subscribe(CHANNEL)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            comment = hold_comment(comment=make_comment(post, body="Watch me."))
        assert subscription.get(timeout=1)["comment"] == comment.pk
        while subscription.get(timeout=0.1):
            pass
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            decide_comment(comment=comment, decision="spam", by=moderator)
        assert subscription.get(timeout=0.2) is None  # nothing before the commit
        for callback in callbacks:
            callback()
        assert subscription.get(timeout=1) == {"comment": comment.pk, "what": "status"}
    finally:
        subscription.close()


def test_only_the_deciding_moderator_undoes_and_only_for_a_while(held, moderator, second_moderator):
    action = decide_comment(comment=held[0], decision="approve", by=moderator)
    with pytest.raises(NothingToUndo, match="Only the moderator who made a decision"):
        undo_action(action=action, by=second_moderator)
    ModerationAction.objects.filter(pk=action.pk).update(created_at=action.created_at - timedelta(minutes=11))
    action.refresh_from_db()
    with pytest.raises(NothingToUndo, match="can be undone for 10 minutes"):
        undo_action(action=action, by=moderator)
    assert Comment.objects.get(pk=held[0].pk).status == "approved"
    fresh = decide_comment(comment=held[1], decision="spam", by=moderator)
    undo_action(action=fresh, by=moderator)
    assert Comment.objects.get(pk=held[1].pk).status == "pending"


def test_an_older_comment_reported_since_joins_the_open_page(post, held, moderator_client):
    from commentariat.moderation.live_queue import latest_report_id
    from commentariat.moderation.reports import file_report

    older = make_comment(post, body="Published long ago.")
    ids = ",".join(str(c.pk) for c in held)
    newest = max(c.pk for c in held + [older])  # the page has seen ids up to here: only the report is new
    seen = latest_report_id()
    file_report(comment=older, reason="abuse", ip="198.51.100.9")
    state = moderator_client.get(
        f"/moderation/queue/state/?ids={ids}&after={newest}&reports_after={seen}"
    ).json()
    assert [entry["id"] for entry in state["new"]] == [older.pk]
    assert state["latest_report"] > seen
