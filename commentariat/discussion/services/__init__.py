"""Changes of state in a discussion. Views, the API, commands, tasks and importers call these;
every change of a comment's status goes through status.py, which knows who may make it."""

from ..models import Comment
from .authoring import delete_own_comment, edit_own_comment
from .quoting import quote_in_new_post
from .status import decide, refresh_comment_count
from .submission import clean_comment, submit_comment

__all__ = [
    "approve_comment", "decide", "delete_own_comment", "edit_own_comment", "hold_comment", "mark_spam",
    "quote_in_new_post", "refresh_comment_count", "remove_comment", "submit_comment", "clean_comment",
]  # fmt: skip


def approve_comment(*, comment: Comment, by=None) -> Comment:
    """Show a comment to readers (a moderator's decision); it keeps its number, or gets the next."""
    return decide(comment=comment, to=Comment.Status.APPROVED, by=by)


def remove_comment(*, comment: Comment, by=None) -> Comment:
    """Hide a comment from readers; with replies it stays as a numbered placeholder."""
    return decide(comment=comment, to=Comment.Status.REMOVED, by=by)


def mark_spam(*, comment: Comment, by=None) -> Comment:
    """Hide a comment as spam; like a removal, replies keep it as a placeholder."""
    return decide(comment=comment, to=Comment.Status.SPAM, by=by)


def hold_comment(*, comment: Comment, by=None) -> Comment:
    """Put a comment back in the queue, hidden from readers."""
    return decide(comment=comment, to=Comment.Status.PENDING, by=by)
