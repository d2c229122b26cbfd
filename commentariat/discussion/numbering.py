"""A comment's place in its thread: number "2.1.3", depth, sort key, given once when it first
becomes public and never changed."""

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from commentariat.publishing.models import Post

from .models import SORT_KEY_DIGITS, Comment


def parent_within_depth(parent: Comment | None) -> Comment | None:
    """A reply to the deepest level joins that level: it answers the same parent."""
    max_depth = settings.COMMENTARIAT["MAX_COMMENT_DEPTH"]
    while parent is not None and parent.depth >= max_depth - 1:
        parent = parent.parent
    return parent


def give_number(comment: Comment) -> None:
    """The next number among the comment's siblings, its place in the thread, its publication time.
    Call inside the transaction that saves it."""
    if connection.features.has_select_for_update:
        # Lock the post row so that two approvals at once cannot take the same number
        # (PostgreSQL; SQLite's IMMEDIATE transactions are serialized already).
        Post.objects.select_for_update().filter(pk=comment.post_id).first()
    siblings = Comment.objects.numbered().filter(post_id=comment.post_id, parent_id=comment.parent_id)
    sequence = (siblings.aggregate(last=Max("sequence"))["last"] or 0) + 1
    parent = comment.parent
    padded = f"{sequence:0{SORT_KEY_DIGITS}d}"
    if parent is None:
        comment.number, comment.sort_key = str(sequence), padded
        comment.depth, comment.root_sequence = 0, sequence
    else:
        comment.number = f"{parent.number}.{sequence}"
        comment.sort_key = f"{parent.sort_key}.{padded}"
        comment.depth, comment.root_sequence = parent.depth + 1, parent.root_sequence
    comment.sequence = sequence
    comment.published_at = timezone.now()


NUMBER_FIELDS = ["number", "sort_key", "depth", "root_sequence", "sequence", "published_at"]
