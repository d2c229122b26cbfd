"""Live updates of an open thread: announced on the post's live channel, fetched from one endpoint.

A comment that becomes public for the first time is announced on "post:<id>" after the commit
(announce_new_comment, called where the status service and submission number it). The event
carries its id only; the page then asks comments_after(), which applies the thread's visibility
rule and renders the comments as the thread does. The same call answers pages that poll.
"""

import json
import time
from collections.abc import AsyncIterator

from django.conf import settings
from django.db.models import Max

from commentariat.core import live, page_cache
from commentariat.publishing.models import Post

from .models import Comment
from .rendering import render_thread
from .threads import _PAGE_FIELDS, ThreadComment, ThreadNode, pending_for_viewer

MAX_COMMENTS_PER_ANSWER = 50


def channel_of(post_id: int) -> str:
    return f"post:{post_id}"


def enabled() -> bool:
    return settings.COMMENTARIAT["LIVE_UPDATES"]


def announce_new_comment(comment: Comment) -> None:
    """Tell the thread's open pages, once the commit is done, that this comment is now public."""
    if enabled():
        live.publish(channel_of(comment.post_id), {"comment": comment.pk})


def latest_comment_id(post: Post) -> int:
    """The newest comment the thread shows (a page's starting point for what is new)."""
    found = Comment.objects.shown_in_thread().filter(post=post).aggregate(latest=Max("id"))["latest"]
    return found or 0


def comments_after(post: Post, after_id: int, *, accepts_replies: bool) -> dict:
    """The thread's public comments newer than after_id, oldest first, each rendered as the thread
    renders it: {"comments": [{id, number, parent_id, depth, html}], "latest": id}."""
    rows = (
        Comment.objects.shown_in_thread()
        .filter(post=post, id__gt=after_id)
        .exclude(number="")
        .order_by("id")
        .values_list(*_PAGE_FIELDS)[:MAX_COMMENTS_PER_ANSWER]
    )
    found = []
    for row in rows:
        comment = ThreadComment(*row)
        html = render_thread([ThreadNode(comment)], accepts_replies=accepts_replies)
        found.append(
            {
                "id": comment.id,
                "number": comment.number,
                "parent_id": comment.parent_id,
                "depth": comment.depth,
                "html": str(html),
            }
        )
    return {"comments": found, "latest": found[-1]["id"] if found else after_id}


def held_comments(post: Post, pending_ids) -> list[dict]:
    """The viewer's comments on this post awaiting moderation, rendered as their own page shows
    them ("Your comment is awaiting moderation."): [{id, parent_id, html}]."""
    found = []
    for comment in pending_for_viewer(post, pending_ids):
        html = render_thread([ThreadNode(comment, is_pending=True)], accepts_replies=False)
        found.append({"id": comment.id, "parent_id": comment.parent_id, "html": str(html)})
    return found


_open_streams = {"count": 0}


def stream_slot_free() -> bool:
    """Whether this process may open one more stream (each holds a connection open)."""
    return _open_streams["count"] < settings.COMMENTARIAT["LIVE_STREAMS_PER_PROCESS"]


async def event_stream(post_id: int) -> AsyncIterator[str]:
    """Server-Sent Events for a thread's open page: "comment" events as comments become public,
    "check" when another process may have published one (no Redis: seen through the page
    versions all processes on the machine share), comments as keep-alives. Ends after
    LIVE_STREAM_SECONDS; the browser reconnects by itself."""
    config = settings.COMMENTARIAT
    through_redis = bool(config.get("LIVE_REDIS_URL"))
    scope = channel_of(post_id)  # the page cache's scope for the post has the same name
    version = None if through_redis else page_cache.scope_version(scope)
    _open_streams["count"] += 1
    subscription = live.subscribe(channel_of(post_id), asynchronous=True)
    try:
        yield f"retry: {config['LIVE_POLL_SECONDS'] * 1000}\n: connected\n\n"
        deadline = time.monotonic() + config["LIVE_STREAM_SECONDS"]
        while time.monotonic() < deadline:
            event = await subscription.aget(timeout=15 if through_redis else 3)
            if event is not None:
                yield f"event: comment\ndata: {json.dumps(event)}\n\n"
            elif version is not None and (current := page_cache.scope_version(scope)) != version:
                version = current
                yield "event: check\ndata: {}\n\n"
            else:
                yield ": still here\n\n"
    finally:
        subscription.close()
        _open_streams["count"] -= 1
