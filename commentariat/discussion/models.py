from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from commentariat.core.markup import render_comment_html, render_wordpress_html
from commentariat.core.models import TimeStampedModel

from . import visibility

# Sequences are zero-padded in sort_key so that ordering by it gives the thread in reading order.
SORT_KEY_DIGITS = 6
# Public at some point, and so holding a number in its thread (CommentQuerySet.numbered()).
NUMBERED = ~models.Q(number="")


def render_comment_body(body: str, body_format: str) -> str:
    """A comment's text as sanitized HTML, by the format it was written in."""
    if body_format == Comment.BodyFormat.WORDPRESS:
        return render_wordpress_html(body, comment=True)
    return render_comment_html(body)


class CommentQuerySet(models.QuerySet):
    def public(self):
        """Comments anyone may see anywhere: shown in their thread, on a post open to the public."""
        return self.filter(visibility.public_condition_for_comments())

    def shown_in_thread(self):
        """Comments the thread shows to whoever may read its post (approved, not pingbacks)."""
        return self.filter(visibility.shown_condition())

    def picks(self):
        """Editors' picks readers may see in their thread, in reading order."""
        return self.shown_in_thread().filter(picked_at__isnull=False).order_by("sort_key")

    def awaiting_moderation(self):
        """Held or caught as spam: shown to their own authors alone, as awaiting moderation."""
        return self.filter(status__in=visibility.SHOWN_TO_AUTHOR)

    def numbered(self):
        """Comments that were public at some point and so hold a number in their thread."""
        return self.filter(NUMBERED)


class Comment(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"
        # Deleted by its author in the edit window: its number and place stay, its text is never shown.
        WITHDRAWN = "withdrawn", "Withdrawn by its author"

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", "Markdown-lite"
        WORDPRESS = "wordpress", "Imported HTML (WordPress, Disqus)"

    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.COMMENT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    author_name = models.CharField(max_length=200)
    author_email = models.EmailField()  # moderators only; never rendered or serialised publicly
    author_url = models.URLField(blank=True, max_length=500)
    body = models.TextField()
    body_format = models.CharField(max_length=10, choices=BodyFormat, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(editable=False, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # A staff member writing as themselves (a moderator's reply).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the comment has its status, for moderators only ("Held: 3 links", "Spam score 0.97").
    status_reason = models.CharField(max_length=300, blank=True, default="")
    spam_score = models.FloatField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Goes up with every change of status or text: a moderator's decision names the version they
    # saw, and is refused when it has moved on (discussion/services/status.py).
    state_version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    # The last human decision (a moderator's), which automatic and authors' changes never overrule.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_status = models.CharField(max_length=10, choices=Status, blank=True, default="", db_default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    # An editors' pick: shown with a badge in place and listed above the thread.
    picked_at = models.DateTimeField(null=True, blank=True)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_agent = models.CharField(max_length=500, blank=True)
    # Erased at its author's request (a mailed link): text and identity gone, number and place kept.
    erased_at = models.DateTimeField(null=True, blank=True)
    # Posts that quote this comment ("Quote in a new post"); shown under it once published.
    quoted_in = models.ManyToManyField("publishing.Post", blank=True, related_name="quoted_comments")

    # Thread position, given once when the comment first becomes public and never changed:
    # number "2.1.3", sequence 3 among its siblings, depth 2 (0 is top level),
    # root_sequence 2 (the top-level number, for paging), sort_key "000002.000001.000003".
    number = models.CharField(max_length=100, blank=True, default="", editable=False)
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    root_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    sort_key = models.CharField(max_length=255, blank=True, default="", editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["post", "sort_key", "created_at"]
        indexes = [
            models.Index(fields=["post", "root_sequence", "sort_key"]),
            # The next number among a comment's siblings: MAX(sequence) without a scan.
            models.Index(fields=["post", "parent", "sequence"]),
            models.Index(fields=["post", "status"]),
            models.Index(fields=["author_email", "created_at"]),
            # The duplicate check: the same address in any case (discussion/services/submission.py).
            models.Index(Lower("author_email"), "created_at", name="comment_email_lower_created"),
            models.Index(fields=["ip_address", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "number"],
                condition=~models.Q(number=""),
                name="comment_number_unique_per_post",
            )
        ]

    def __str__(self):
        return f"{self.number or 'unnumbered'} by {self.author_name} on {self.post_id}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.body_html = self.render_body()
        elif "body" in update_fields:
            self.body_html = self.render_body()
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def render_body(self) -> str:
        """The body as sanitized HTML; kept for as long as the text and its format stay the same
        (so a caller can render before taking a lock, and save() does not render again)."""
        source = (self.body, self.body_format)
        rendered = getattr(self, "_rendered", None)
        if rendered is None or rendered[0] != source:
            rendered = self._rendered = (source, render_comment_body(*source))
        return rendered[1]

    def get_absolute_url(self):
        """The post page that shows this comment, at the comment."""
        return f"{self.post.get_absolute_url()}{self.page_query()}#{self.anchor}"

    def get_permalink(self):
        """A short address that always finds the comment, whichever page it is on."""
        return reverse("discussion:comment-permalink", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_public(self) -> bool:
        """Shown in its thread (whether its post is readable is the post's question)."""
        return visibility.is_shown(self)

    def page_number(self) -> int:
        """The page of the thread this comment appears on."""
        per_page = settings.COMMENTARIAT["COMMENTS_PER_PAGE"]
        root_sequence = self.root_sequence
        if not root_sequence and self.parent_id:
            root_sequence = self.parent.root_sequence
        if not root_sequence:
            # Not yet numbered and top level: shown to its author after the newest comment.
            root_sequence = Comment.objects.filter(post_id=self.post_id).aggregate(
                last=models.Max("root_sequence")
            )["last"]
        return (root_sequence - 1) // per_page + 1 if root_sequence else 1

    def page_query(self) -> str:
        page = self.page_number()
        return f"?cpage={page}" if page > 1 else ""


class CommentRevision(models.Model):
    """The text a comment had before an edit: moderators see every version."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Comment.Status)
    edited_at = models.DateTimeField(auto_now_add=True)
    by_author = models.BooleanField(default=True)

    class Meta:
        ordering = ["comment", "edited_at"]

    def __str__(self):
        return f"revision of {self.comment_id} at {self.edited_at:%Y-%m-%d %H:%M}"


class Subscription(models.Model):
    """A reader asked to be told by email: of replies to their comment, or of every new comment
    on a post. Nothing is sent until the address is confirmed (double opt-in)."""

    class Kind(models.TextChoices):
        REPLIES = "replies", "Replies to a comment"
        DISCUSSION = "discussion", "Every new comment on a post"

    email = models.EmailField(db_index=True)
    kind = models.CharField(max_length=12, choices=Kind)
    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="subscriptions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the last mail about this post was taken for sending to this address: the next one
    # waits COMMENTARIAT["NOTIFY_BATCH_MINUTES"] (discussion/notification_batches.py).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "kind", "post", "comment"], name="subscription_unique"),
            models.UniqueConstraint(
                fields=["email", "kind", "post"],
                condition=models.Q(comment=None),
                name="subscription_unique_post",
            ),
        ]

    def __str__(self):
        return f"{self.email}: {self.kind} on {self.post_id}"


class NotificationBatch(models.Model):
    """New comments waiting to be mailed together to one address about one post: one mail per
    batch, at most one batch per address and post in each window (discussion/notification_batches.py).
    """

    email = models.EmailField()
    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="+")
    comments = models.ManyToManyField(Comment, related_name="+")
    due_at = models.DateTimeField(db_index=True)
    # Set when the batch is taken for sending: later comments open the next batch.
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "post"], condition=models.Q(closed_at=None), name="notification_batch_open"
            )
        ]

    def __str__(self):
        return f"{self.email}: post {self.post_id}, due {self.due_at:%Y-%m-%d %H:%M}"
