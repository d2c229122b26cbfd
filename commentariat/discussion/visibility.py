"""Who may see a comment: the one definition every thread, feed, search, export and API asks.

- A comment is shown in its thread when it is approved and of the comment kind (pingbacks and
  trackbacks are kept, never shown): shown_in_thread(). The page showing the thread has
  checked that its reader may read the post (publishing/visibility.py).
- A comment is public — in feeds, search, the API, the embed endpoints, print and mail — when it
  is shown in its thread and its post is open to the public (published, no password).
- Its author also sees it while it is held (or caught as spam), through their own session,
  marked "awaiting moderation" (threads.py).
- Removed, spam and withdrawn comments that were once public leave a numbered placeholder when a
  visible reply hangs from them; their text and author are never shown.

Raw SQL (search/engine.py) takes the same condition, compiled from Comment.objects.public().
"""

from django.db.models import Q

from commentariat.publishing.visibility import public_condition

APPROVED, COMMENT = "approved", "comment"
# What its author still sees of their comment, marked "awaiting moderation" (spam too: a wrongly
# caught reader is reassured, and a spammer learns nothing about the filter).
SHOWN_TO_AUTHOR = ("pending", "spam")
# Once public and later hidden: the thread keeps their number, with a placeholder.
HIDDEN_AFTER_PUBLICATION = ("removed", "spam", "withdrawn")


def shown_condition(prefix: str = "") -> Q:
    """The comment's own part of being public: approved, and a comment (not a pingback)."""
    return Q(**{f"{prefix}status": APPROVED, f"{prefix}kind": COMMENT})


def public_condition_for_comments() -> Q:
    """Shown in its thread, on a post open to the public."""
    return shown_condition() & public_condition("post__")


def is_shown(comment) -> bool:
    return comment.status == APPROVED and getattr(comment, "kind", COMMENT) == COMMENT
