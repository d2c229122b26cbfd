"""The moderation dashboard's numbers, for the page and the API alike.

Everything is aggregated in the database: six queries whatever the size of the site (tested),
each returning grouped rows, except the waits of held comments decided in the window, which come
back as one number each, sorted, for exact percentiles.

A comment's history is read from three places. Its *first status* is the status the screener
gave it: the `before` of its first decision in the audit log (ModerationAction), or, with no
decision logged, its status now (imports, the demo and system approvals log nothing; a comment
put back in the queue by hand counts as held). Its *first decision* ends its wait: the first
approve, spam or remove in the audit log, else the last time its status changed if it is no
longer pending. A comment held at submission waited in the queue from its creation to its first
decision; one approved or sent to spam at submission was decided automatically, at once.

The spam filter's quality is measured against moderators' later decisions: a comment the filter
sent to spam that a moderator approved is a false positive, one it approved that a moderator
marked spam is a false negative; what moderators left alone counts as right. Comments the rules
decided without a score (disallowed words, staff) and comments held for review are not the
filter's decisions. Staff comments and pingbacks are left out of every number.
"""

import math
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from commentariat.core import clock
from commentariat.discussion.models import Comment

from . import refusals
from .models import ModerationAction, Report, Statement

WINDOW_DAYS = 30
PERCENTILES = (50, 90)
Kind = ModerationAction.Kind
Status = Comment.Status
# Decisions that take a comment out of the queue ("back to queue" does not).
DECISION_KINDS = (Kind.APPROVE, Kind.SPAM, Kind.REMOVE)
WAIT_BUCKETS = (
    ("under 1 hour", timedelta(hours=1)),
    ("1 to 4 hours", timedelta(hours=4)),
    ("4 to 24 hours", timedelta(hours=24)),
    ("1 to 3 days", timedelta(days=3)),
    ("over 3 days", None),
)


def moderation_numbers(*, days: int = WINDOW_DAYS) -> dict:
    """Every number on the dashboard over the last `days` days, as plain JSON-ready values."""
    now = clock.now()
    today = timezone.localdate(now)
    first_day = today - timedelta(days=days - 1)
    start = _start_of(first_day)
    groups = created_in_window(start=start, now=now)
    automatic = decided_automatically(groups=groups, first_day=first_day, today=today)
    return {
        "generated_at": now.isoformat(),
        "window": {"days": days, "first_day": first_day.isoformat(), "last_day": today.isoformat()},
        "queue": queue_by_day(first_day=first_day, today=today, now=now),
        "time_to_decision": time_to_decision(start=start, now=now, automatic=automatic["automatic"]),
        "automatic": automatic,
        "spam_filter": spam_filter_quality(groups=groups),
        "refusals": refusals_by_reason(),
        "moderators": actions_per_moderator(start=start),
        "reports": reports_by_reason(start=start),
        "appeals": appeals_in_window(start=start),
    }


def with_history(comments: QuerySet) -> QuerySet:
    """Comments annotated with first_status and first_decision_at (see the module's docstring)."""
    decisions = ModerationAction.objects.filter(comment=OuterRef("pk"), kind__in=DECISION_KINDS).order_by(
        "created_at", "pk"
    )
    logged_status = decisions.annotate(status_before=KeyTextTransform("status", "before")).values(
        "status_before"
    )[:1]
    # Every decision sets decided_at: a comment without one has no decision in the log, and the
    # CASE spares it the subqueries (most comments, on a site where the filter decides most).
    never_decided = Q(decided_at__isnull=True)
    first_status = Case(
        When(never_decided, then=F("status")),
        default=Coalesce(
            Subquery(logged_status, output_field=CharField()),
            Case(When(decided_status=Status.PENDING, then=Value(Status.PENDING))),
            F("status"),
        ),
        output_field=CharField(),
    )
    left_queue_at = Case(
        When(~Q(status=Status.PENDING), then=Coalesce("status_changed_at", "created_at")),
        output_field=DateTimeField(),
    )
    first_decision_at = Case(
        When(never_decided, then=left_queue_at),
        default=Coalesce(Subquery(decisions.values("created_at")[:1]), left_queue_at),
        output_field=DateTimeField(),
    )
    return comments.annotate(first_status=first_status, first_decision_at=first_decision_at)


def _readers_comments() -> QuerySet:
    # COALESCE rather than "user_id IS NULL": that matches nearly every row, yet SQLite without
    # statistics would walk the whole user_id index for it instead of the created_at range.
    return Comment.objects.alias(staff_author=Coalesce("user_id", 0)).filter(
        kind=Comment.Kind.COMMENT, staff_author=0
    )


def queue_by_day(*, first_day: date, today: date, now: datetime) -> dict:
    """Per day, the comments waiting for review at its end (at `now` for today) and the oldest one's age.

    One grouped query: held comments by (day created, day decided), where every day before the
    window is folded into one; a comment waits at the end of day D if created by D and decided after.
    """
    before_window = first_day - timedelta(days=1)
    start = _start_of(first_day)
    # A first decision at or after `start`, like a comment created since, means a status change
    # since (status_changed_at is set at submission and at every move, and indexed): filtering on
    # it first spares the history subqueries on the whole site's past.
    candidates = _readers_comments().filter(Q(status_changed_at__gte=start) | Q(status=Status.PENDING))
    held = with_history(candidates).filter(first_status=Status.PENDING)
    groups = (
        held.filter(
            Q(first_decision_at__gte=start) | Q(first_decision_at__isnull=True, status=Status.PENDING)
        )
        .annotate(
            day_created=Case(
                When(created_at__lt=start, then=Value(before_window)),
                default=TruncDate("created_at"),
                output_field=DateField(),
            ),
            day_decided=TruncDate("first_decision_at"),
        )
        .values("day_created", "day_decided")
        .annotate(comments=Count("pk"), oldest=Min("created_at"))
        .order_by()
    )
    groups = list(groups)
    result = []
    for offset in range((today - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        end = now if day == today else _start_of(day + timedelta(days=1))
        waiting = [
            g for g in groups
            if _as_date(g["day_created"]) <= day and (g["day_decided"] is None or _as_date(g["day_decided"]) > day)
        ]  # fmt: skip
        oldest = min((g["oldest"] for g in waiting), default=None)
        result.append({
            "day": day.isoformat(),
            "size": sum(g["comments"] for g in waiting),
            "oldest_waiting_seconds": _seconds(end - oldest) if oldest else None,
        })  # fmt: skip
    return {
        "days": result,
        "size_now": result[-1]["size"],
        "oldest_now_seconds": result[-1]["oldest_waiting_seconds"],
    }


def time_to_decision(*, start: datetime, now: datetime, automatic: int) -> dict:
    """How long comments created in the window waited for their first decision: percentiles and buckets.

    The `automatic` comments decided at submission count as decided at once. One query reads the
    waits of the held comments decided since, a number each, sorted by the database; percentiles
    are nearest-rank.
    """
    waits = [
        _seconds(wait)
        for wait in with_history(_readers_comments().filter(created_at__gte=start, created_at__lt=now))
        .filter(first_status=Status.PENDING, first_decision_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("first_decision_at") - F("created_at"), output_field=DurationField())
        )
        .order_by("wait")
        .values_list("wait", flat=True)
    ]
    answer = {
        "decided": automatic + len(waits),
        "decided_automatically": automatic,
        "held_decided": len(waits),
    }
    for percentile in PERCENTILES:
        answer[f"p{percentile}_seconds"] = _percentile(waits, percentile, zeros=automatic)
        answer[f"held_p{percentile}_seconds"] = _percentile(waits, percentile)
    lower, buckets = 0, []
    for label, upper in WAIT_BUCKETS:
        limit = upper.total_seconds() if upper else math.inf
        buckets.append({"label": label, "comments": sum(1 for wait in waits if lower <= wait < limit)})
        lower = limit
    answer["buckets"] = buckets
    return answer


def created_in_window(*, start: datetime, now: datetime) -> list[dict]:
    """Comments created in the window, counted by day, first status, whether the filter scored them,
    and moderators' last decision: the rows both the automatic share and the filter's quality read."""
    return list(
        with_history(_readers_comments().filter(created_at__gte=start, created_at__lt=now))
        .annotate(
            day=TruncDate("created_at"),
            scored=ExpressionWrapper(Q(spam_score__isnull=False), output_field=BooleanField()),
        )
        .values("day", "first_status", "scored", "decided_status")
        .annotate(comments=Count("pk"))
        .order_by()
    )


def decided_automatically(*, groups: list[dict], first_day: date, today: date) -> dict:
    """Per day created, how many comments the rules and the filter decided at submission, and how many were held."""
    by_day: dict[date, dict] = {}
    for group in groups:
        counts = by_day.setdefault(_as_date(group["day"]), {"automatic": 0, "held": 0})
        if group["first_status"] in (Status.APPROVED, Status.SPAM):
            counts["automatic"] += group["comments"]
        elif group["first_status"] == Status.PENDING:
            counts["held"] += group["comments"]
    days = []
    for offset in range((today - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        row = by_day.get(day, {"automatic": 0, "held": 0})
        days.append({"day": day.isoformat(), "automatic": row["automatic"], "held": row["held"],
                     "share": _share(row["automatic"], row["automatic"] + row["held"])})  # fmt: skip
    automatic = sum(day["automatic"] for day in days)
    held = sum(day["held"] for day in days)
    return {"automatic": automatic, "held": held, "share": _share(automatic, automatic + held), "days": days}


def spam_filter_quality(*, groups: list[dict]) -> dict:
    """The filter's decisions in the window against moderators' later ones: precision and recall for spam."""
    counts = dict.fromkeys(("said_spam", "said_fine", "false_positives", "false_negatives"), 0)
    for group in groups:
        if not group["scored"]:
            continue
        if group["first_status"] == Status.SPAM:
            counts["said_spam"] += group["comments"]
            counts["false_positives"] += (
                group["comments"] if group["decided_status"] == Status.APPROVED else 0
            )
        elif group["first_status"] == Status.APPROVED:
            counts["said_fine"] += group["comments"]
            counts["false_negatives"] += group["comments"] if group["decided_status"] == Status.SPAM else 0
    true_positives = counts["said_spam"] - counts["false_positives"]
    return {
        **counts,
        "true_positives": true_positives,
        "precision": _share(true_positives, counts["said_spam"]),
        "recall": _share(true_positives, true_positives + counts["false_negatives"]),
    }


def refusals_by_reason() -> dict:
    """Comments refused before they were stored, per reason, over the days the counts are kept."""
    days = refusals.summary(days=refusals.RETENTION_DAYS)
    totals = dict.fromkeys(refusals.REASONS, 0)
    for day in days:
        for row in day["rows"]:
            totals[row["reason"]] += row["count"]
    return {
        "days": refusals.RETENTION_DAYS,
        "total": sum(totals.values()),
        "reasons": [{"reason": reason, "label": refusals.REASONS[reason], "comments": count}
                    for reason, count in totals.items()],
    }  # fmt: skip


def actions_per_moderator(*, start: datetime) -> list[dict]:
    """Each moderator's logged actions in the window: decisions by kind, and everything else together."""
    rows = (
        ModerationAction.objects.filter(created_at__gte=start, actor__isnull=False)
        .values("actor", "actor__username", "actor__first_name", "actor__last_name", "kind")
        .annotate(actions=Count("pk"))
        .order_by()
    )
    moderators: dict[int, dict] = {}
    for row in rows:
        full_name = f"{row['actor__first_name']} {row['actor__last_name']}".strip()
        entry = moderators.setdefault(row["actor"], {
            "name": full_name or row["actor__username"], "actions": 0, "approve": 0, "spam": 0, "remove": 0, "other": 0,
        })  # fmt: skip
        entry["actions"] += row["actions"]
        entry[row["kind"] if row["kind"] in DECISION_KINDS else "other"] += row["actions"]
    return sorted(moderators.values(), key=lambda entry: (-entry["actions"], entry["name"]))


def reports_by_reason(*, start: datetime) -> dict:
    """Readers' reports filed in the window, per reason, with how many are still open."""
    rows = {
        row["reason"]: row
        for row in Report.objects.filter(created_at__gte=start)
        .values("reason")
        .annotate(reports=Count("pk"), open=Count("pk", filter=Q(resolved_at__isnull=True)))
        .order_by()
    }
    reasons = [
        {"reason": reason, "label": label, "reports": rows.get(reason, {}).get("reports", 0),
         "open": rows.get(reason, {}).get("open", 0)}
        for reason, label in Report.Reason.choices
    ]  # fmt: skip
    return {
        "total": sum(r["reports"] for r in reasons),
        "open": sum(r["open"] for r in reasons),
        "reasons": reasons,
    }


def appeals_in_window(*, start: datetime) -> dict:
    """Statements of reasons sent in the window, and the appeals made in it with what became of them."""
    appealed = Q(appealed_at__gte=start)
    return Statement.objects.filter(Q(sent_at__gte=start) | appealed).aggregate(
        statements=Count("pk", filter=Q(sent_at__gte=start)),
        appeals=Count("pk", filter=appealed),
        open=Count("pk", filter=appealed & Q(outcome="")),
        upheld=Count("pk", filter=appealed & Q(outcome=Statement.Outcome.UPHELD)),
        reinstated=Count("pk", filter=appealed & Q(outcome=Statement.Outcome.REINSTATED)),
    )


def _percentile(ordered: list[int], percentile: int, *, zeros: int = 0) -> int | None:
    """The nearest-rank percentile of `zeros` zeros followed by `ordered`, values sorted ascending."""
    total = zeros + len(ordered)
    if not total:
        return None
    rank = max(math.ceil(percentile / 100 * total), 1) - 1
    return 0 if rank < zeros else ordered[rank - zeros]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _as_date(value) -> date:
    # SQLite hands TruncDate back as a date; a folded Value may come back as text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _seconds(delta: timedelta) -> int:
    return max(int(delta.total_seconds()), 0)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
