import functools

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.text import Truncator

from commentariat.core.markup import html_to_text, render_post_html, render_wordpress_html
from commentariat.core.models import TimeStampedModel

from . import visibility

EXCERPT_WORDS = 45
# Pages live at /slug/: these first segments belong to the site itself.
RESERVED_PAGE_SLUGS = frozenset(
    {"admin", "api", "comments", "editor", "embed", "feed", "feeds", "healthz", "media", "moderation", "search",
     "sitemap", "static", "tag", "category", "author", "print", "pdf", "email", "unlock"}
)  # fmt: skip


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts and pages whose time has come: listed, even when a password guards the body."""
        return self.filter(visibility.published_condition())

    def public(self):
        """Published posts anyone may read (no password): feeds, search, sitemap, API, exports."""
        return self.filter(visibility.public_condition())

    def articles(self):
        """Dated posts, as lists and archives show them (pages stand apart)."""
        return self.filter(kind=Post.Kind.POST)

    def on_this_site(self):
        """Posts and pages, without the threads embedded in other sites' pages."""
        return self.exclude(kind=Post.Kind.EMBEDDED)


class Category(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Post(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        # The discussion under a page of another site (the embeddable widget); never listed here.
        EMBEDDED = "embedded", "Embedded thread"

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        # HTML as WordPress stores it: paragraphs from blank lines, sanitized like Markdown's output.
        WORDPRESS = "wordpress", "WordPress HTML"

    class CommentMode(models.TextChoices):
        SITE = "", "As the site"
        HOLD_NONE = "hold_none", "Hold nobody"
        HOLD_FIRST_TIME = "hold_first_time", "Hold first-time commenters"
        HOLD_ALL = "hold_all", "Hold all comments"

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.POST)
    title = models.CharField(max_length=200)
    # Greek, Cyrillic and other scripts stay as they are (/2024/03/νέα-ανάρτηση/), as in WordPress.
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    excerpt = models.TextField(
        blank=True, help_text="Shown in lists and feeds; taken from the body when empty."
    )
    body = models.TextField(help_text="Markdown. HTML is allowed and sanitized.")
    body_format = models.CharField(max_length=10, choices=BodyFormat, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(editable=False, blank=True, default="")
    # The body as plain text, for full-text search (search/ indexes it with the title).
    search_text = models.TextField(editable=False, blank=True, default="")
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    comments_open = models.BooleanField(default=True)
    # For an embedded thread: the address of the page on the other site it belongs to.
    external_url = models.URLField(max_length=500, blank=True, db_index=True)
    comment_mode = models.CharField(
        max_length=20,
        choices=CommentMode,
        blank=True,
        default=CommentMode.SITE,
        help_text="Overrides the site's moderation mode for this post.",
    )
    # As WordPress has it: title and excerpt are listed; body and discussion only for readers who
    # entered the password (publishing/visibility.py).
    password = models.CharField(
        max_length=255, blank=True, default="", db_default="",
        help_text="Readers must enter it to see the post and its comments. Empty: public.",
    )  # fmt: skip
    # A moderator's public word on this thread ("Comments here are read before they appear because…").
    moderation_note = models.CharField(max_length=500, blank=True, default="", db_default="")
    # A page under another page (/parent/child/), as WordPress's page hierarchy has it.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="child_pages",
        limit_choices_to={"kind": "page"},
    )  # fmt: skip
    # Shown before the other posts on the front page (WordPress's "stick to the front page").
    is_sticky = models.BooleanField(default=False, db_default=False)
    # Approved comments, kept by the discussion app so lists need no join.
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        previous_url = self._public_url_in_database()
        self.render_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "search_text"}
        super().save(*args, **kwargs)
        if previous_url and previous_url != self.get_absolute_url():
            # Links to the old address keep working: a changed slug or date leaves a 301 behind.
            OldAddress.objects.update_or_create(address=previous_url, defaults={"post": self})
            OldAddress.objects.filter(address=self.get_absolute_url()).delete()

    def _public_url_in_database(self) -> str | None:
        if self.pk is None:
            return None
        stored = (
            Post.objects.filter(pk=self.pk)
            .only("kind", "slug", "status", "published_at", "created_at")
            .first()
        )
        return stored.get_absolute_url() if stored is not None and stored.is_published() else None

    def render_fields(self) -> None:
        """The columns derived from the body: its HTML and the plain text search indexes (save()
        sets them; so does an import that writes rows without it)."""
        self.body_html = self.render_body()
        self.search_text = html_to_text(self.body_html)

    def render_body(self) -> str:
        if self.body_format == self.BodyFormat.WORDPRESS:
            return render_wordpress_html(self.body)
        return render_post_html(self.body)

    def get_absolute_url(self):
        if self.kind == self.Kind.EMBEDDED:
            return self.external_url
        if self.kind == self.Kind.PAGE:
            ancestors = self.ancestor_slugs()
            if ancestors:
                return reverse(
                    "pages:child-page-detail", kwargs={"ancestors": "/".join(ancestors), "slug": self.slug}
                )
            return reverse("pages:page-detail", kwargs={"slug": self.slug})
        # The reader's page of a post is served by the discussion app, which owns its thread.
        moment = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return _post_path(get_script_prefix(), moment.year, moment.month, self.slug)

    def ancestor_slugs(self) -> list[str]:
        """The slugs of the pages above this one, outermost first (a loop is cut where it closes)."""
        slugs, seen, parent_id = [], {self.pk}, self.parent_id
        while parent_id is not None and parent_id not in seen:
            seen.add(parent_id)
            parent = Post.objects.filter(pk=parent_id).values_list("slug", "parent_id").first()
            if parent is None:
                break
            slugs.insert(0, parent[0])
            parent_id = parent[1]
        return slugs

    def is_published(self) -> bool:
        return visibility.is_published(self)

    def is_public(self) -> bool:
        """Published, and readable without a password."""
        return visibility.is_public(self)

    @property
    def is_protected(self) -> bool:
        return bool(self.password)

    def accepts_comments(self) -> bool:
        return self.comments_open and self.is_published()

    @property
    def author_display_name(self) -> str:
        return self.author.get_full_name() or self.author.get_username()

    @property
    def summary(self) -> str:
        """The excerpt, or the opening words of the body (never of a password-protected body)."""
        if self.excerpt:
            return self.excerpt
        if self.password:
            return "This post is protected by a password."
        return _opening_words(self.body_html)


# A post page asks for its post's address and summary about ten times: both are pure
# functions of their arguments, remembered for the posts read most.
@functools.lru_cache(maxsize=1024)
def _post_path(script_prefix: str, year: int, month: int, slug: str) -> str:
    return reverse("discussion:post-detail", kwargs={"year": year, "month": f"{month:02d}", "slug": slug})


@functools.lru_cache(maxsize=64)
def _opening_words(body_html: str) -> str:
    return Truncator(html_to_text(body_html)).words(EXCERPT_WORDS)


class OldAddress(models.Model):
    """An address a post or page had before (its slug or date changed, or an imported site's
    permalink, "/?p=123" included) that now answers with a permanent redirect to it."""

    address = models.CharField(max_length=500, unique=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="old_addresses")

    class Meta:
        verbose_name_plural = "old addresses"

    def __str__(self):
        return f"{self.address} → post {self.post_id}"
