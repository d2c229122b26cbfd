"""The moderation dashboard: the team's numbers over the last 30 days, as charts and tables."""

from django.shortcuts import render
from django.utils.safestring import SafeString

from .. import dashboard
from ..charts import Point, bar_chart, horizontal_bar_chart, line_chart
from .common import staff_view

APPEAL_ROWS = (
    ("statements", "Statements of reasons sent"), ("appeals", "Appealed"), ("open", "Still open"),
    ("upheld", "Removal upheld"), ("reinstated", "Comment reinstated"),
)  # fmt: skip


@staff_view()
def moderation_dashboard(request):
    numbers = dashboard.moderation_numbers()
    context = {"numbers": numbers, "figures": key_figures(numbers), "charts": charts_for(numbers)}
    return render(request, "moderation/dashboard.html", context)


def key_figures(numbers: dict) -> list[tuple[str, str]]:
    """The headline numbers, worded for the page's summary list."""
    waits, automatic, spam_filter = numbers["time_to_decision"], numbers["automatic"], numbers["spam_filter"]
    return [
        ("Waiting for review now", str(numbers["queue"]["size_now"])),
        ("Oldest waiting", duration(numbers["queue"]["oldest_now_seconds"])),
        ("Time to decision, median (all comments)", duration(waits["p50_seconds"])),
        ("Time to decision, 90th percentile (all comments)", duration(waits["p90_seconds"])),
        ("Time to decision, median (held for review)", duration(waits["held_p50_seconds"])),
        ("Time to decision, 90th percentile (held for review)", duration(waits["held_p90_seconds"])),
        (
            "Decided automatically",
            _percent(automatic["share"], f"of {automatic['automatic'] + automatic['held']}"),
        ),
        (
            "Spam filter precision",
            _percent(spam_filter["precision"], f"of {spam_filter['said_spam']} it called spam"),
        ),
        (
            "Spam filter recall",
            _percent(spam_filter["recall"], f"{spam_filter['false_negatives']} spam it let through"),
        ),
    ]


def _percent(share: float | None, detail: str) -> str:
    return "–" if share is None else f"{share:.1%} ({detail})"


def charts_for(numbers: dict) -> dict[str, SafeString]:
    """Every chart on the dashboard, drawn from the same numbers the API answers."""
    queue_days = numbers["queue"]["days"]
    automatic_days = numbers["automatic"]["days"]
    return {
        "queue_size": bar_chart(
            chart_id="chart-queue-size", title="Comments waiting for review at the end of each day",
            description=f"Over {len(queue_days)} days; {numbers['queue']['size_now']} waiting now.",
            points=[Point(d["day"], d["size"], str(d["size"])) for d in queue_days],
        ),
        "oldest": line_chart(
            chart_id="chart-oldest", title="Age of the oldest waiting comment, in hours",
            description="At the end of each day; no point on days when nothing was waiting.",
            points=[_hours_point(d["day"], d["oldest_waiting_seconds"]) for d in queue_days], axis=_hours_axis,
        ),
        "waits": horizontal_bar_chart(
            chart_id="chart-waits", title="Time held comments waited for their first decision",
            description="Comments created in the period that a moderator decided, by how long they waited.",
            points=[Point(b["label"], b["comments"], str(b["comments"])) for b in numbers["time_to_decision"]["buckets"]],
        ),
        "automatic": bar_chart(
            chart_id="chart-automatic", title="Share of comments decided automatically, per day",
            description="Approved or sent to spam at submission, out of all comments that day (held ones included).",
            points=[_share_point(d["day"], d["share"]) for d in automatic_days], axis=lambda v: f"{v:.0f} %",
        ),
        "refusals": horizontal_bar_chart(
            chart_id="chart-refusals", title=f"Comments refused before they were stored, last {numbers['refusals']['days']} days",
            description="Per reason: flood control, duplicates, the hidden field, the form's timing, bans, the API's limits.",
            points=[Point(r["label"], r["comments"], str(r["comments"])) for r in numbers["refusals"]["reasons"]],
        ),
        "moderators": horizontal_bar_chart(
            chart_id="chart-moderators", title="Actions per moderator",
            description="Every logged action in the period: decisions, edits, replies, sanctions, notes.",
            points=[Point(m["name"], m["actions"], str(m["actions"])) for m in numbers["moderators"]],
        ),
        "reports": horizontal_bar_chart(
            chart_id="chart-reports", title="Readers' reports by reason",
            description=f"Reports filed in the period; {numbers['reports']['open']} still open.",
            points=[Point(r["label"], r["reports"], f"{r['reports']} ({r['open']} open)")
                    for r in numbers["reports"]["reasons"]],
        ),
        "appeals": horizontal_bar_chart(
            chart_id="chart-appeals", title="Appeals against removals",
            description=f"{numbers['appeals']['statements']} statements of reasons sent in the period; "
                        "the appeals made in it, and what became of them.",
            points=[Point(label, numbers["appeals"][key], str(numbers["appeals"][key]))
                    for key, label in APPEAL_ROWS],
        ),
    }  # fmt: skip


def duration(seconds: int | None) -> str:
    """A wait as people say it: "45 min", "3 h 20 min", "2 d 4 h"."""
    if seconds is None:
        return "–"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def _hours_point(day: str, seconds: int | None) -> Point:
    return Point(
        day,
        None if seconds is None else seconds / 3600,
        duration(seconds) if seconds is not None else "nothing waiting",
    )


def _share_point(day: str, share: float | None) -> Point:
    return Point(
        day, None if share is None else share * 100, "no comments" if share is None else f"{share:.0%}"
    )


def _hours_axis(hours: float) -> str:
    return f"{hours:g} h"
