"""Changes of state in a discussion: submitting, approving and removing comments."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from commentariat.core.markup import html_to_text
from commentariat.publishing.models import Post

from .exceptions import CommentsClosed, InvalidParent
from .models import SORT_KEY_DIGITS, Comment, CommentRevision
from .notifications import announce_public_comment
from .screening import comments_closed_message, get_screener, screen_comment


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

    Raises CommentsClosed, InvalidParent, or ValidationError for a field over its limit;
    the screener may raise other CommentRefused errors. Returns the earlier comment instead
    when the same reader sent the same text moments ago.
    """
    screener = get_screener()
    closed = comments_closed_message(post, screener)
    if closed:
        raise CommentsClosed(post, message=closed)
    if parent is not None and (parent.post_id != post.pk or not parent.is_public):
        raise InvalidParent()
    comment = Comment(
        post=post,
        parent=_parent_within_depth(parent),
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        body=body,
        ip_address=ip_address,
        user_agent=user_agent[:500],
        user=user,
    )
    validate_comment_limits(comment)
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
        return duplicate
    comment.status_changed_at = timezone.now()
    if not comment.is_public:
        comment.save()
        return comment
    _number(comment)
    comment.save()  # one INSERT with its number
    # One more public comment: counted, not recounted (approvals and removals recount).
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + 1)
    announce_public_comment(comment)
    return comment


@transaction.atomic
def approve_comment(*, comment: Comment) -> Comment:
    """Show a comment to readers; it keeps the number it had, or gets the next one."""
    _set_status(comment, Comment.Status.APPROVED)
    _make_public(comment)
    return comment


def remove_comment(*, comment: Comment) -> Comment:
    """Hide a comment from readers; with replies it stays as a numbered placeholder."""
    return _hide(comment, Comment.Status.REMOVED)


def mark_spam(*, comment: Comment) -> Comment:
    """Hide a comment as spam; like a removal, replies keep it as a placeholder."""
    return _hide(comment, Comment.Status.SPAM)


def hold_comment(*, comment: Comment) -> Comment:
    """Put a comment back in the queue, hidden from readers."""
    return _hide(comment, Comment.Status.PENDING)


@transaction.atomic
def _hide(comment: Comment, status: str) -> Comment:
    _set_status(comment, status)
    refresh_comment_count(comment.post_id)
    return comment


def _set_status(comment: Comment, status: str) -> None:
    comment.status = status
    comment.status_changed_at = timezone.now()
    comment.save(update_fields=["status", "status_changed_at", "updated_at"])


def validate_comment_limits(comment: Comment) -> None:
    """Refuse (never truncate) a name or text over the site's limits."""
    limits = settings.COMMENTARIAT
    errors = {}
    if len(comment.author_name) > limits["COMMENT_NAME_MAX_LENGTH"]:
        errors["author_name"] = f"Please keep your name under {limits['COMMENT_NAME_MAX_LENGTH']} characters."
    if len(comment.body) > limits["COMMENT_BODY_MAX_LENGTH"]:
        errors["body"] = f"Please keep your comment under {limits['COMMENT_BODY_MAX_LENGTH']:,} characters."
    if not comment.body.strip():
        errors["body"] = "Please write a comment."
    if errors:
        raise ValidationError(errors)


def refresh_comment_count(post_id: int) -> None:
    """Recount a post's approved comments from the comments themselves."""
    count = Comment.objects.public().filter(post_id=post_id).count()
    Post.objects.filter(pk=post_id).update(comment_count=count)


def _recent_duplicate(*, post: Post, author_email: str, body: str) -> Comment | None:
    """The reader's comment with this text, if it is among their last few on this post within the
    window (a form sent twice). Reads a few rows through the email index, however busy the post."""
    window = timedelta(seconds=settings.COMMENTARIAT["DUPLICATE_WINDOW_SECONDS"])
    since = timezone.now() - window
    for email in dict.fromkeys([author_email, author_email.lower()]):  # as typed, then lower-cased
        recent = (
            Comment.objects.filter(author_email=email, created_at__gte=since, post=post)
            .exclude(status__in=[Comment.Status.SPAM, Comment.Status.REMOVED])
            .order_by("-created_at")[:3]
        )
        for comment in reversed(recent):
            if comment.body == body:
                return comment
    return None


def _parent_within_depth(parent: Comment | None) -> Comment | None:
    """A reply to the deepest level joins that level: it answers the same parent."""
    max_depth = settings.COMMENTARIAT["MAX_COMMENT_DEPTH"]
    while parent is not None and parent.depth >= max_depth - 1:
        parent = parent.parent
    return parent


def _make_public(comment: Comment) -> None:
    if not comment.number:
        _assign_number(comment)
    refresh_comment_count(comment.post_id)


def _assign_number(comment: Comment) -> None:
    _number(comment)
    comment.save(update_fields=["number", "sort_key", "depth", "root_sequence", "sequence", "published_at"])
    # Public for the first time: whoever follows the thread hears of it (once, after the commit).
    announce_public_comment(comment)


def _number(comment: Comment) -> None:
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


def quote_in_new_post(*, comment: Comment, user) -> Post:
    """A draft that opens with the comment as a block quote, attributed by name and linked to
    the comment's number; the comment shows "quoted in …" once the draft is published."""
    if not comment.is_public:
        raise InvalidParent()
    if comment.body_format == Comment.BodyFormat.MARKDOWN:
        text = comment.body
    else:
        text = html_to_text(comment.body_html)
    quoted = "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())
    attribution = f"> — {comment.author_name}, [comment {comment.number}]({comment.get_permalink()})"
    title = f"On {comment.author_name}'s comment"[:200]
    with transaction.atomic():
        post = Post.objects.create(
            title=title,
            slug=_free_slug(slugify(title)[:180] or "quoted-comment"),
            author=user,
            body=f"{quoted}\n>\n{attribution}\n\n",
            status=Post.Status.DRAFT,
        )
        comment.quoted_in.add(post)
    return post


def _free_slug(base: str) -> str:
    slug, n = base, 2
    while Post.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def edit_own_comment(*, comment: Comment, body: str) -> Comment:
    """The author's new text; it goes through moderation again, and the old text is kept.

    Raises ValidationError for text over the limits.
    """
    comment.body = body
    validate_comment_limits(comment)
    screening = screen_comment(comment, get_screener())
    with transaction.atomic():
        stored = Comment.objects.select_for_update().get(pk=comment.pk)
        CommentRevision.objects.create(comment=stored, body=stored.body, status=stored.status, by_author=True)
        stored.body = body
        stored.status_reason = f"Edited by its author. {screening.reason}".strip()
        stored.spam_score = screening.spam_score
        stored.save(update_fields=["body", "body_html", "status_reason", "spam_score", "updated_at"])
        if screening.status == Comment.Status.APPROVED:
            if not stored.is_public:
                approve_comment(comment=stored)
        elif stored.status != screening.status:
            _hide(stored, screening.status)
    return stored


def delete_own_comment(*, comment: Comment) -> Comment:
    """The author takes their comment back; with replies it stays as a numbered placeholder."""
    comment.status_reason = "Deleted by its author."
    comment.save(update_fields=["status_reason", "updated_at"])
    return _hide(comment, Comment.Status.REMOVED)
