"""The decision every new comment gets before it is stored, and whether a post takes comments.

Discussion does not know the site's moderation policy: it asks the screener named
by COMMENTARIAT["SCREENER"] (the moderation app's, in this project). The default
below approves everything, so the discussion works on its own.
"""

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from commentariat.publishing.models import Post

from .models import Comment


@dataclass(frozen=True)
class Screening:
    status: str
    reason: str = ""
    spam_score: float | None = None


class Screener(Protocol):
    def screen(self, comment: Comment) -> Screening:
        """The status a new comment starts with; may raise CommentRefused."""

    def closed_message(self, post: Post) -> str | None:
        """Why the post takes no comments now, or None when it does."""

    def reader_notice(self, post: Post) -> str:
        """A short notice shown above the comment form, or ''."""

    def note_refusal(self, refusal) -> None:
        """A comment was refused before it was stored (discussion/refusals.py); keep it for moderators."""


class ApproveEverything:
    def screen(self, comment: Comment) -> Screening:
        return Screening(Comment.Status.APPROVED, "No moderation configured.")

    def closed_message(self, post: Post) -> str | None:
        return None

    def reader_notice(self, post: Post) -> str:
        return ""

    def note_refusal(self, refusal) -> None:
        pass


@cache
def _screener_class(path: str):
    return import_string(path)


def get_screener() -> Screener:
    """A new screener; reuse it for the questions of one request, so that it reads the policy once."""
    return _screener_class(settings.COMMENTARIAT.get("SCREENER", f"{__name__}.ApproveEverything"))()


def screen_comment(comment: Comment, screener: Screener | None = None) -> Screening:
    return (screener or get_screener()).screen(comment)


def comments_closed_message(post: Post, screener: Screener | None = None) -> str | None:
    """'Comments are closed.' (or the site's own message) when the post takes no comments."""
    if not post.accepts_comments():
        return "Comments are closed."
    return (screener or get_screener()).closed_message(post)
