"""The moderators' queue, live: what changed on an open queue page, and the stream that says when.

The page keeps the ids it shows and the newest id among them. state() answers, for those ids,
each comment's status, version, who decided it last and who holds a claim on it, and the new
items of the queue (newer than the newest shown, in the page's own filters), rendered as the
page renders them. The stream (SSE, under ASGI) sends a "queue" event whenever
core/queue_signal.py says something changed; without a stream the page asks every few seconds.
"""

import json
import time
from collections.abc import AsyncIterator

from django.conf import settings
from django.template.loader import render_to_string

from commentariat.core import live
from commentariat.core.queue_signal import CHANNEL
from commentariat.discussion.models import Comment

from django.db.models import Exists, OuterRef, Q

from .models import ModeratorPreferences, Report
from .queue import active_claims, pending_count, queue_comments, reported_count

MAX_NEW = 20


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def latest_report_id() -> int:
    return Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def state(request, *, ids: list[int], after: int, filters: dict, reports_after: int = 0) -> dict:
    from .views.common import _items

    me = request.user.pk
    claims = active_claims(ids)
    items = {}
    for comment in Comment.objects.filter(pk__in=ids).select_related("decided_by"):
        claim = claims.get(comment.pk)
        items[str(comment.pk)] = {
            "status": comment.status,
            "status_label": comment.get_status_display(),
            "version": comment.state_version,
            "decided_by": _name(comment.decided_by) if comment.decided_by_id != me else "",
            "claimed_by": _name(claim.moderator) if claim and claim.moderator_id != me else "",
        }
    new = []
    if after:
        # New to the queue: comments newer than the page's newest, and older ones reported since.
        reported_since = Exists(Report.objects.filter(comment=OuterRef("pk"), pk__gt=reports_after,
                                                      resolved_at__isnull=True))  # fmt: skip
        fresh = list(
            queue_comments(**filters).filter(Q(pk__gt=after) | Q(reported_since)).exclude(pk__in=ids)[:MAX_NEW]
        )
        if fresh:
            keys = ModeratorPreferences.for_user(request.user).key_labels()
            for item in _items(fresh, request.user):
                html = render_to_string("moderation/_item.html", {"item": item, "select": True, "keys": keys},
                                        request=request)  # fmt: skip
                new.append({"id": item["comment"].pk, "html": html})
    return {"items": items, "new": new, "pending_count": pending_count(), "reported_count": reported_count(),
            "latest_report": latest_report_id()}  # fmt: skip


_open = {"count": 0}


def stream_slot_free() -> bool:
    return _open["count"] < settings.COMMENTARIAT["LIVE_STREAMS_PER_PROCESS"]


async def event_stream() -> AsyncIterator[str]:
    """'queue' events as the queue changes; keep-alives; ends after LIVE_STREAM_SECONDS (the
    browser reconnects). Without Redis, events from other processes arrive only by the page's
    slow safety poll."""
    config = settings.COMMENTARIAT
    _open["count"] += 1
    subscription = live.subscribe(CHANNEL, asynchronous=True)
    try:
        yield f"retry: {config['LIVE_POLL_SECONDS'] * 1000}\n: connected\n\n"
        deadline = time.monotonic() + config["LIVE_STREAM_SECONDS"]
        while time.monotonic() < deadline:
            event = await subscription.aget(timeout=15)
            yield f"event: queue\ndata: {json.dumps(event)}\n\n" if event is not None else ": still here\n\n"
    finally:
        subscription.close()
        _open["count"] -= 1
