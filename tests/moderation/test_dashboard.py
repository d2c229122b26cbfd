"""The moderation dashboard: its numbers from a small history built by hand, the page, the API."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commentariat.api.models import ApiToken
from commentariat.discussion.models import Comment
from commentariat.discussion.refusals import Refusal
from commentariat.moderation import dashboard, refusals
from commentariat.moderation.models import ModerationAction, ModerationPolicy, Report, Statement
from commentariat.moderation.services import decide_comment
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
HOUR = 3600
SVG = "{http://www.w3.org/2000/svg}"


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def frozen_now():
    with mock.patch("commentariat.core.clock.now", return_value=NOW):
        yield NOW


def _comment(post, *, created_at, mode="hold_all", status=None, spam_score=None, **fields) -> Comment:
    """A reader's comment as the screener stored it (hold_all: held; hold_none: approved), then dated."""
    policy = ModerationPolicy.current()
    policy.mode = mode
    policy.save()
    comment = make_comment(post, **fields)
    changes = {"created_at": created_at, "status_changed_at": created_at}
    if status is not None:
        changes["status"] = status
    if spam_score is not None:
        changes["spam_score"] = spam_score
    Comment.objects.filter(pk=comment.pk).update(**changes)
    return Comment.objects.get(pk=comment.pk)


def _decide(comment, decision, by, when) -> None:
    action = decide_comment(comment=comment, decision=decision, by=by)
    ModerationAction.objects.filter(pk=action.pk).update(created_at=when)
    Comment.objects.filter(pk=comment.pk).update(decided_at=when, status_changed_at=when)


@pytest.fixture
def history(post, moderator, second_moderator):
    """Thirty days to 2026-06-15 12:00 UTC: three comments held, four decided at submission, one staff reply."""
    approved, spam = Comment.Status.APPROVED, Comment.Status.SPAM
    held_long_ago = _comment(post, created_at=at(5, 1))  # waits into the window, removed 05-20
    _decide(held_long_ago, "remove", moderator, at(5, 20, 9))
    quick = _comment(post, created_at=at(6, 10, 10))  # waits 2 hours
    _decide(quick, "approve", moderator, at(6, 10, 12))
    slow = _comment(post, created_at=at(6, 12, 8))  # waits 48 hours
    _decide(slow, "spam", second_moderator, at(6, 14, 8))
    waiting = _comment(post, created_at=at(6, 14, 20))  # still waiting
    missed = _comment(post, created_at=at(6, 11, 9), mode="hold_none", status=approved, spam_score=0.05)
    _decide(missed, "spam", second_moderator, at(6, 13, 9))  # the filter let spam through
    wrongly = _comment(post, created_at=at(6, 11, 10), status=spam, spam_score=0.95)
    _decide(wrongly, "approve", moderator, at(6, 11, 15))  # the filter caught a good comment
    _comment(post, created_at=at(6, 12, 9), status=spam, spam_score=0.99)  # rightly caught, left alone
    _comment(post, created_at=at(6, 13, 9), mode="hold_none", status=approved)  # approved with no score
    staff_reply = _comment(post, created_at=at(6, 13, 10), mode="hold_none", status=approved)
    Comment.objects.filter(pk=staff_reply.pk).update(user=moderator)
    ModerationAction.objects.create(kind=ModerationAction.Kind.NOTE, actor=moderator, created_at=at(6, 14, 1))
    ModerationAction.objects.create(kind=ModerationAction.Kind.NOTE, actor=moderator, created_at=at(4, 1))
    Report.objects.create(comment=waiting, reason=Report.Reason.SPAM, created_at=at(6, 14, 21))
    Report.objects.create(comment=waiting, reason=Report.Reason.ABUSE, created_at=at(6, 14, 22),
                          resolved_at=at(6, 14, 23), resolution="approved")  # fmt: skip
    Report.objects.create(comment=waiting, reason=Report.Reason.ABUSE, created_at=at(4, 1))
    for sent, appealed, outcome in [
        (at(6, 14, 8), at(6, 14, 12), "upheld"),
        (at(6, 14, 9), at(6, 15, 1), ""),
        (at(6, 14, 10), None, ""),
        (at(4, 2), at(4, 3), "reinstated"),
    ]:
        Statement.objects.create(comment=slow, rule="No spam", explanation="An advert.", sent_at=sent,
                                 appealed_at=appealed, outcome=outcome)  # fmt: skip
    refusals.record(Refusal(reason="flood", post_id=post.pk, post_title=post.title, author_name="F",
                            author_email="flood@example.org", ip_address="192.0.2.9", excerpt="again"))  # fmt: skip
    return waiting


def _day(numbers, key, day):
    return next(row for row in numbers[key]["days"] if row["day"] == day)


def test_the_queue_is_reconstructed_day_by_day(history, frozen_now):
    queue = dashboard.moderation_numbers()["queue"]
    assert len(queue["days"]) == 30 and queue["days"][0]["day"] == "2026-05-17"
    sizes = {row["day"]: (row["size"], row["oldest_waiting_seconds"]) for row in queue["days"]}
    assert sizes["2026-05-19"] == (1, 19 * 24 * HOUR)  # held since 05-01, removed on 05-20
    assert sizes["2026-05-20"] == (0, None)
    assert sizes["2026-06-10"] == (0, None)  # decided the day it came
    assert sizes["2026-06-12"] == (1, 16 * HOUR)
    assert sizes["2026-06-13"] == (1, 40 * HOUR)
    assert sizes["2026-06-14"] == (1, 4 * HOUR)  # the slow one decided, a new one waiting since 20:00
    assert sizes["2026-06-15"] == (1, 16 * HOUR)  # today: at noon
    assert (queue["size_now"], queue["oldest_now_seconds"]) == (1, 16 * HOUR)


def test_time_to_decision_counts_automatic_decisions_as_instant(history, frozen_now):
    waits = dashboard.moderation_numbers()["time_to_decision"]
    assert (waits["decided"], waits["decided_automatically"], waits["held_decided"]) == (6, 4, 2)
    assert (waits["p50_seconds"], waits["p90_seconds"]) == (0, 48 * HOUR)
    assert (waits["held_p50_seconds"], waits["held_p90_seconds"]) == (2 * HOUR, 48 * HOUR)
    assert [b["comments"] for b in waits["buckets"]] == [0, 1, 0, 1, 0]


def test_share_decided_automatically_per_day(history, frozen_now):
    numbers = dashboard.moderation_numbers()
    assert (numbers["automatic"]["automatic"], numbers["automatic"]["held"]) == (4, 3)
    assert numbers["automatic"]["share"] == round(4 / 7, 4)
    assert _day(numbers, "automatic", "2026-06-11")["share"] == 1
    assert _day(numbers, "automatic", "2026-06-12")["share"] == 0.5
    assert _day(numbers, "automatic", "2026-06-14")["share"] == 0
    assert _day(numbers, "automatic", "2026-06-01")["share"] is None


def test_the_filter_is_judged_by_moderators_later_decisions(history, frozen_now):
    quality = dashboard.moderation_numbers()["spam_filter"]
    assert quality == {"said_spam": 2, "said_fine": 1, "true_positives": 1, "false_positives": 1,
                       "false_negatives": 1, "precision": 0.5, "recall": 0.5}  # fmt: skip


def test_moderators_reports_refusals_and_appeals(history, frozen_now):
    numbers = dashboard.moderation_numbers()
    assert numbers["moderators"] == [
        {"name": "Mona Moderator", "actions": 4, "approve": 2, "spam": 0, "remove": 1, "other": 1},
        {"name": "Sam Second", "actions": 2, "approve": 0, "spam": 2, "remove": 0, "other": 0},
    ]
    reports = {row["reason"]: (row["reports"], row["open"]) for row in numbers["reports"]["reasons"]}
    assert (numbers["reports"]["total"], numbers["reports"]["open"]) == (2, 1)
    assert reports["spam"] == (1, 1) and reports["abuse"] == (1, 0) and reports["illegal"] == (0, 0)
    by_reason = {row["reason"]: row["comments"] for row in numbers["refusals"]["reasons"]}
    assert by_reason["flood"] == 1 and numbers["refusals"]["total"] == 1
    assert numbers["appeals"] == {"statements": 3, "appeals": 2, "open": 1, "upheld": 1, "reinstated": 0}


def test_the_number_of_queries_does_not_grow_with_the_site(post, moderator, second_moderator, frozen_now):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            dashboard.moderation_numbers()
        return len(captured)

    # One query per figure, whatever the size of the history.
    assert queries() == 6
    for n in range(30):
        comment = _comment(
            post, created_at=at(5, 20 + n % 10, n % 24), mode="hold_none" if n % 3 else "hold_all"
        )
        _decide(
            comment,
            ["approve", "spam", "remove"][n % 3],
            [moderator, second_moderator][n % 2],
            at(6, 1 + n % 9),
        )
        Report.objects.create(comment=comment, reason=Report.Reason.choices[n % 5][0], created_at=at(6, 2))
    assert queries() == 6


# The page and the API, as moderators meet them.


@pytest.fixture
def moderator_token(moderator):
    _, key = ApiToken.issue(moderator, "dashboard")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_api_answers_the_same_numbers_as_the_page(client, history, frozen_now, moderator_token):
    answer = client.get("/api/moderation/dashboard", **moderator_token)
    assert answer.status_code == 200
    assert answer.json() == dashboard.moderation_numbers()


def test_the_api_refuses_anonymous_callers_and_non_moderators(client, django_user_model):
    assert client.get("/api/moderation/dashboard").status_code == 401
    assert client.get("/api/moderation/dashboard", HTTP_AUTHORIZATION="Bearer forged").status_code == 401
    editor = django_user_model.objects.create_user(username="ed", is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    _, key = ApiToken.issue(editor)
    refused = client.get("/api/moderation/dashboard", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_readers_never_see_the_dashboard(client):
    response = client.get("/moderation/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)]


def test_every_chart_is_valid_svg_named_by_its_title_with_the_numbers_as_a_table(
    moderator_client, history, frozen_now
):
    html = moderator_client.get("/moderation/dashboard/").content.decode()
    charts = _svgs(html)
    assert len(charts) == 8
    for svg in charts:
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("role") == "img" and title is not None and title.text and desc is not None
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert html.count('<details class="chart-data">') == 8
    assert "<dd>1</dd>" in html  # waiting now
    assert "Mona Moderator" in html and "50.0% (of 2 it called spam)" in html


def test_hostile_names_stay_inert_in_the_charts(moderator_client, moderator, frozen_now):
    moderator.first_name, moderator.last_name = "<script>alert(1)</script>", '"&<svg onload=x>'
    moderator.save()
    ModerationAction.objects.create(kind=ModerationAction.Kind.NOTE, actor=moderator, created_at=NOW)
    html = moderator_client.get("/moderation/dashboard/").content.decode()
    assert "<script>alert(1)" not in html and "<svg onload" not in html
    assert len(_svgs(html)) == 8  # still well-formed


def test_the_dashboard_renders_from_the_demo_site(moderator_client):
    call_command("load_demo_site", stdout=open("/dev/null", "w"))
    response = moderator_client.get("/moderation/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(_svgs(html)) == 7 and "No moderator acted in this period." in html  # the demo logs no action
    numbers = dashboard.moderation_numbers()
    assert numbers["queue"]["size_now"] == Comment.objects.filter(status=Comment.Status.PENDING).count()


def test_the_moderation_navigation_links_to_the_dashboard(moderator_client):
    html = moderator_client.get("/moderation/").content.decode()
    assert 'href="/moderation/dashboard/"' in html


def test_no_comment_email_appears_on_the_dashboard(moderator_client, history, frozen_now):
    html = moderator_client.get("/moderation/dashboard/").content.decode()
    assert "@example.org" not in html
