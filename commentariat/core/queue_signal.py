"""The moderators' live queue hears of changes through the live channel "queue".

Every change a queue page shows — a comment arriving for review, any move of a comment's status
(a moderator's decision or undo, an author's edit or deletion), a claim, a reader's report —
calls queue_changed() with the comment's id. The event is a hint (the id only); the queue page
asks /moderation/queue/state/ for what it may see, like the thread's readers do. It lives in core
so that discussion (submissions, the status service) and moderation both call it.
"""

from django.conf import settings

from . import live

CHANNEL = "queue"


def queue_changed(comment_id: int, what: str) -> None:
    if settings.COMMENTARIAT.get("LIVE_UPDATES", True):
        live.publish(CHANNEL, {"comment": comment_id, "what": what})
