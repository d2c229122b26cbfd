"""The decision every new comment gets before it is stored.

Today every comment on an open post is approved; moderation rules plug in here
and may hold a comment (status pending) instead.
"""

from .models import Comment


def screen_comment(comment: Comment) -> str:
    """The status a new comment starts with."""
    return Comment.Status.APPROVED
