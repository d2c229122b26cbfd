"""A new comment: checked, screened, stored with its first status, numbered if public."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from commentariat.core import text
from commentariat.publishing.models import Post

from ..exceptions import CommentsClosed, DuplicateComment, InvalidParent
from ..models import Comment
from commentariat.core.queue_signal import queue_changed

from ..notifications import announce_public_comment
from ..numbering import give_number, parent_within_depth
from ..screening import comments_closed_message, get_screener, screen_comment

URL_MAX_LENGTH = 500


def submit_comment(
    *,
    post: Post,
    parent: Comment | None,
    author_name: str,
    author_email: str,
    author_url: str = "",
    body: str,
    ip_address: str | None = None,
    user_agent: str = "",
    user=None,
) -> Comment:
    """Store a reader's comment and decide whether readers see it now.

    Raises CommentsClosed, InvalidParent, DuplicateComment (the same address sent the same
    text moments ago), or ValidationError for a field over its limit; the screener may raise
    other CommentRefused errors.
    """
    screener = get_screener()
    closed = comments_closed_message(post, screener)
    if closed:
        raise CommentsClosed(post, message=closed)
    if parent is not None and (parent.post_id != post.pk or not parent.is_public):
        raise InvalidParent()
    comment = Comment(
        post=post,
        parent=parent_within_depth(parent),
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        body=body,
        ip_address=ip_address,
        user_agent=user_agent[:500],
        user=user,
    )
    clean_comment(comment)
    comment.full_clean(exclude=["post", "parent", "status", "ip_address", "user_agent", "user"])
    # Screening only reads (and may take a few milliseconds to score): it runs before the
    # write transaction, which on SQLite holds the database's one write lock.
    screening = screen_comment(comment, screener)
    comment.status, comment.status_reason = screening.status, screening.reason
    comment.spam_score = screening.spam_score
    comment.render_body()  # Markdown and sanitizing, done before the lock; save() reuses it
    return _store_new_comment(comment)


@transaction.atomic
def _store_new_comment(comment: Comment) -> Comment:
    # Everything here runs under SQLite's one write lock: keep it to the writes.
    # Checked under the lock, so that two identical submissions at once store one comment.
    duplicate = _recent_duplicate(post=comment.post, author_email=comment.author_email, body=comment.body)
    if duplicate is not None:
        raise DuplicateComment(duplicate)
    comment.status_changed_at = timezone.now()
    if not comment.is_public:
        comment.save()
        queue_changed(comment.pk, "new")  # the moderators' open queue pages hear of it
        return comment
    give_number(comment)
    comment.save()  # one INSERT with its number
    # One more public comment: counted, not recounted (approvals and removals recount).
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + 1)
    announce_public_comment(comment)
    return comment


def clean_comment(comment: Comment, *, text_only: bool = False) -> None:
    """Clean the comment's text fields in place (core/text.py: the one cleaning of outside text),
    then refuse (never truncate) what is missing, unusable or over the site's limits.

    text_only: an edit, which changes the text and nothing else. Raises ValidationError by field.
    """
    comment.body = text.clean_text(comment.body)
    errors = {}
    if not text_only:
        comment.author_name = text.clean_name(comment.author_name)
        comment.author_email = text.clean_line(comment.author_email)
        comment.author_url = text.clean_line(comment.author_url)
        errors.update(_author_errors(comment))
    limit = settings.COMMENTARIAT["COMMENT_BODY_MAX_LENGTH"]
    if len(comment.body) > limit:
        errors["body"] = f"Please keep your comment under {limit:,} characters."
    if not text.is_visible(comment.body):
        errors["body"] = "Please write a comment."
    if errors:
        raise ValidationError(errors)


def _author_errors(comment: Comment) -> dict[str, str]:
    errors = {}
    name_limit = settings.COMMENTARIAT["COMMENT_NAME_MAX_LENGTH"]
    if not comment.author_name:
        errors["author_name"] = "Please enter your name."
    elif len(comment.author_name) > name_limit:
        errors["author_name"] = f"Please keep your name under {name_limit} characters."
    # Checked with the others, so that a JSON client (the embed widget) hears of every missing
    # field at once, not of the email only after fixing the rest (issue 16).
    if not comment.author_email:
        errors["author_email"] = "Please enter your email address."
    else:
        try:
            validate_email(comment.author_email)
        except ValidationError:
            errors["author_email"] = "Please enter a valid email address, like name@example.org."
    if problem := text.website_problem(comment.author_url):
        errors["author_url"] = problem
    elif len(comment.author_url) > URL_MAX_LENGTH:
        errors["author_url"] = f"Please keep the address under {URL_MAX_LENGTH} characters."
    return errors


def _recent_duplicate(*, post: Post, author_email: str, body: str) -> Comment | None:
    """The address's comment with this text, if it is among its last few on this post within the
    window (a form sent twice), whatever the case of the address each time. Reads a few rows
    through the index on the lower-cased address, however busy the post."""
    window = timedelta(seconds=settings.COMMENTARIAT["DUPLICATE_WINDOW_SECONDS"])
    recent = (
        Comment.objects.annotate(email_lower=Lower("author_email"))
        .filter(email_lower=author_email.lower(), created_at__gte=timezone.now() - window, post=post)
        .exclude(status__in=[Comment.Status.SPAM, Comment.Status.REMOVED, Comment.Status.WITHDRAWN])
        .order_by("-created_at")
        .values_list("pk", "body")[:3]
    )
    # Under the write lock: two columns of three rows; the whole row only for a duplicate.
    earlier = next((pk for pk, text in reversed(recent) if text == body), None)
    return None if earlier is None else Comment.objects.get(pk=earlier)
