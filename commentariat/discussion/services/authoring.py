"""What a commenter may still do with their own comment inside the edit window."""

from ..models import Comment
from ..screening import get_screener, screen_comment
from . import status
from .submission import clean_comment


def edit_own_comment(*, comment: Comment, body: str) -> Comment:
    """The author's new text; it goes through moderation again, and the old text is kept.

    Raises ValidationError for text over the limits, EditClosed once a moderator has held,
    removed or marked it spam (or it is no longer pending or public).
    """
    candidate = Comment(
        pk=comment.pk, post=comment.post, parent_id=comment.parent_id, author_name=comment.author_name,
        author_email=comment.author_email, author_url=comment.author_url, ip_address=None,
        body=body, body_format=comment.body_format, user_id=comment.user_id,
    )  # fmt: skip
    clean_comment(candidate, text_only=True)
    body = candidate.body
    # Screened before the write lock, like a new comment (and without counting it as a new
    # submission against the flood limit: ip_address is left out).
    screening = screen_comment(candidate, get_screener())
    return status.apply_author_edit(
        comment=comment, body=body, screened_status=screening.status, reason=screening.reason,
        spam_score=screening.spam_score,
    )  # fmt: skip


def delete_own_comment(*, comment: Comment) -> Comment:
    """The author takes their comment back; with replies it stays as a numbered placeholder.
    Raises EditClosed."""
    return status.withdraw(comment=comment)
