"""Importing a WordPress export: authors, categories, tags, posts, pages and comments.

Everything goes in one transaction: a file that turns out broken halfway leaves the site as
it was. Items keyed by their WordPress ids (portability.ImportedItem) make a second import of
the same file change nothing, and a newer export add what is new and update what changed.
"""

import hashlib
import html
from datetime import datetime
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from commentariat.core.page_cache import bump
from commentariat.discussion.models import Comment
from commentariat.publishing.models import RESERVED_PAGE_SLUGS, Category, OldAddress, Post, Tag
from commentariat.publishing.redirects import legacy_address_for_query
from commentariat.search.indexing import bulk_indexing

from .backup_extension import BackupSite
from .backup_restore import BackupRestore
from .comment_import import IncomingComment, clean_ip, clean_url, store_comments
from .models import ImportedItem
from .report import ImportReport
from .wxr_reader import WxrAuthor, WxrItem, WxrSite, WxrTerm, read_wxr

# Metadata our own export writes, so that a round trip keeps the Markdown source and numbers.
MARKDOWN_META = "_commentariat_markdown"
NUMBER_META = "_commentariat_number"

_POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # published at its (future) time
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
    "trash": Post.Status.DRAFT,
}
_COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
_COMMENT_KINDS = {"": Comment.Kind.COMMENT, "comment": Comment.Kind.COMMENT,
                  "pingback": Comment.Kind.PINGBACK, "trackback": Comment.Kind.TRACKBACK}  # fmt: skip


def import_wxr(source, *, on_item=None) -> ImportReport:
    """Import a WXR file (a path or a binary file object) into the site.

    Raises lxml.etree.XMLSyntaxError for a file that is not well-formed XML, and then nothing
    is imported. on_item(report) is called after each item, for progress.
    """
    report = ImportReport()
    with transaction.atomic(), bulk_indexing():
        run = _WxrImport(report)
        for record in read_wxr(source):
            run.handle(record)
            if on_item is not None and isinstance(record, WxrItem):
                on_item(report)
        run.finish()
        transaction.on_commit(lambda: after_import(report))
    return report


def after_import(report: ImportReport) -> None:
    """Every cached page may show something new; imported decisions teach the spam filter."""
    bump("site")
    if report.counts["comments approved"] or report.counts["comments spam"]:
        from commentariat.moderation.tasks import retrain_spam_filter

        retrain_spam_filter.enqueue()


class _WxrImport:
    def __init__(self, report: ImportReport):
        self.report = report
        self.source = "wordpress"
        self.site_known = False
        self.authors: dict[str, int] = {}  # login → user id
        self.author_ids: dict[str, int] = {}  # WordPress user id → user id
        self.categories: dict[str, Category] = {}  # WordPress slug → category
        self.tags: dict[str, Tag] = {}
        self.category_parents: dict[str, str] = {}
        self.timezone = ZoneInfo(settings.TIME_ZONE)
        self._known_posts: dict[str, tuple[int, str]] | None = None
        self._post_items_before = True  # until the source's earlier items have been looked up
        self._slugs: dict[str, int] = dict(Post.objects.values_list("slug", "pk"))
        self.backup = BackupRestore(report)

    def handle(self, record) -> None:
        if isinstance(record, WxrSite):
            if not self.site_known and record.base_url:
                self.source = f"wordpress {record.base_url.rstrip('/')}"[:300]
                self.site_known = True
        elif isinstance(record, WxrAuthor):
            self._author(record)
        elif isinstance(record, WxrTerm):
            self._term(record.kind, record.slug, record.name, record.description)
            if record.kind == "category" and record.parent_slug:
                self.category_parents[record.slug] = record.parent_slug
        elif isinstance(record, WxrItem):
            self.site_known = True
            self._item(record)
        elif isinstance(record, BackupSite):
            self.backup.read_site(record)

    def finish(self) -> None:
        self.backup.finish(source=self.source)
        for slug, parent_slug in self.category_parents.items():
            category, parent = self.categories.get(slug), self.categories.get(parent_slug)
            if category and parent and category.parent_id != parent.pk and category != parent:
                category.parent = parent
                category.save(update_fields=["parent"])

    # Authors, categories and tags

    def _author(self, author: WxrAuthor) -> int:
        login = author.login or "wordpress"
        if login not in self.authors:
            self.authors[login] = self._user_for(author, login)
        if author.id:
            self.author_ids[author.id] = self.authors[login]
        return self.authors[login]

    def _user_for(self, author: WxrAuthor, login: str) -> int:
        User = get_user_model()
        user = User.objects.filter(username=login[:150]).first()
        if user is None:
            first, last = author.first_name, author.last_name
            if not (first or last):
                first = author.display_name
            user = User(
                username=login[:150], email=author.email[:254], first_name=first[:150],
                last_name=last[:150], is_staff=True,
            )  # fmt: skip
            user.set_unusable_password()
            user.save()
            editors = Group.objects.filter(name="editor").first()
            if editors:
                user.groups.add(editors)
            self.report.count("authors created")
        return user.pk

    def _term(self, kind: str, wp_slug: str, name: str, description: str = ""):
        known = self.categories if kind == "category" else self.tags
        key = wp_slug or name
        if key in known:
            return known[key]
        model = Category if kind == "category" else Tag
        slug = slugify(unquote(wp_slug)) or slugify(name) or f"{kind}-{len(known) + 1}"
        name = _plain(name) or slug
        term = model.objects.filter(slug=slug[:200]).first()
        if term is None:
            fields = {"description": _plain(description)} if kind == "category" else {}
            term = model.objects.create(slug=slug[:200], name=name[:200], **fields)
            self.report.count(f"{'categories' if kind == 'category' else 'tags'} created")
        known[key] = term
        return term

    # Posts and pages

    def _item(self, item: WxrItem) -> None:
        label = f"item {item.post_id or '?'} (line {item.line})"
        if item.post_type not in ("post", "page"):
            what = "attachment (media files stay on the old site; links to them are kept)"
            reason = (
                what if item.post_type == "attachment" else f"post type {item.post_type!r} is not imported"
            )
            self.report.skip(label, reason)
            return
        if item.status == "auto-draft":
            self.report.skip(label, "an auto-draft (an editor window WordPress never saved)")
            return
        if not item.post_id.isdigit():
            self.report.skip(label, "no wp:post_id")
            return
        own_post = self.backup.adopt(item, source=self.source)
        if own_post is not None:  # this site's own export: the post is already here
            self._post_items()[item.post_id] = (own_post, "")
            self._post_items_before = True
        post, created = self._post(item)
        self._addresses(item, post)
        store_comments(
            post, self._comments(item), source=self.source, report=self.report, label=label,
            new_post=created, new_source=not self._post_items_before,
        )  # fmt: skip
        self.backup.post_imported(post, item)

    def _post(self, item: WxrItem) -> tuple[Post, bool]:
        kind = Post.Kind.PAGE if item.post_type == "page" else Post.Kind.POST
        status = _POST_STATUSES.get(item.status, Post.Status.DRAFT)
        markdown = item.meta.get(MARKDOWN_META)
        fields = {
            "kind": kind,
            "title": (_plain(item.title) or "(untitled)")[:200],
            "author_id": self._author(WxrAuthor("", item.creator, "", item.creator, "", "")),
            "excerpt": _plain(item.excerpt),
            "body": markdown if markdown is not None else item.content,
            "body_format": Post.BodyFormat.MARKDOWN if markdown is not None else Post.BodyFormat.WORDPRESS,
            "status": status,
            "published_at": self._date(item.post_date_gmt, item.post_date),
            "comments_open": item.comment_status != "closed",
            # A protected post stays protected: its body and comments only for readers with the password.
            "password": item.post_password[:255],
        }
        dated = fields["published_at"]
        if status == Post.Status.DRAFT and item.post_date_gmt.startswith("0000"):
            fields["published_at"] = None  # WordPress's way of saying "no date chosen yet"
        if status == Post.Status.PUBLISHED and fields["published_at"] is None:
            fields["published_at"] = timezone.now()
        categories = [
            self._term("category", n, name) for domain, n, name in item.terms if domain == "category"
        ]
        tags = [self._term("tag", n, name) for domain, n, name in item.terms if domain == "post_tag"]
        fingerprint = _fingerprint(
            *(str(value) for value in fields.values()), item.post_name,
            ",".join(sorted(c.slug for c in categories)), ",".join(sorted(t.slug for t in tags)),
        )  # fmt: skip
        legacy_status = item.status if item.status not in ("publish", "future", "draft") else ""
        mapped = self._post_items().get(item.post_id)
        post = Post.objects.filter(pk=mapped[0]).first() if mapped else None
        noun = "pages" if kind == Post.Kind.PAGE else "posts"
        if post is not None and mapped[1] == fingerprint:
            self.report.count(f"{noun} unchanged")
            return post, False
        created = post is None
        post = post or Post()
        for name, value in fields.items():
            setattr(post, name, value)
        post.slug = self._unique_slug(item, kind, post.pk)
        if created and dated:
            post.created_at = dated
        post.save()
        self._slugs[post.slug] = post.pk
        if created:
            # A new post has no categories or tags to compare with: one INSERT each.
            Post.categories.through.objects.bulk_create(
                [
                    Post.categories.through(post_id=post.pk, category_id=c.pk)
                    for c in {c.pk: c for c in categories}.values()
                ]
            )
            Post.tags.through.objects.bulk_create(
                [Post.tags.through(post_id=post.pk, tag_id=t.pk) for t in {t.pk: t for t in tags}.values()]
            )
            ImportedItem.objects.create(
                source=self.source, kind=ImportedItem.Kind.POST, legacy_id=item.post_id,
                object_id=post.pk, fingerprint=fingerprint, legacy_status=legacy_status,
            )  # fmt: skip
        else:
            post.categories.set(categories)
            post.tags.set(tags)
            ImportedItem.objects.filter(
                source=self.source, kind=ImportedItem.Kind.POST, legacy_id=item.post_id
            ).update(object_id=post.pk, fingerprint=fingerprint, legacy_status=legacy_status)
        self._post_items()[item.post_id] = (post.pk, fingerprint)
        self.report.count(f"{noun} {'created' if created else 'updated'}")
        return post, created

    def _unique_slug(self, item: WxrItem, kind: str, pk: int | None) -> str:
        base = slugify(unquote(item.post_name))[:190] or slugify(_plain(item.title))[:190]
        base = base or f"{kind}-{item.post_id}"
        if kind == Post.Kind.PAGE and base in RESERVED_PAGE_SLUGS:
            base = f"{base}-page"
        slug, n = base, 2
        while self._slugs.get(slug, pk) != pk:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _post_items(self) -> dict[str, tuple[int, str]]:
        """WordPress post id → (post id, fingerprint) for everything this source brought before."""
        if self._known_posts is None:
            self._known_posts = {
                legacy_id: (object_id, fingerprint)
                for legacy_id, object_id, fingerprint in ImportedItem.objects.filter(
                    source=self.source, kind=ImportedItem.Kind.POST
                ).values_list("legacy_id", "object_id", "fingerprint")
            }
            self._post_items_before = bool(self._known_posts)
        return self._known_posts

    def _addresses(self, item: WxrItem, post: Post) -> None:
        """The item's old permalink, its guid (often /?p=123) and WordPress's id address."""
        key = "page_id" if post.kind == Post.Kind.PAGE else "p"
        addresses = {f"/?{key}={int(item.post_id)}"}
        for url in (item.link, item.guid):
            if not url:
                continue
            parts = urlsplit(url)
            path = unquote(parts.path) or "/"
            query_address = legacy_address_for_query(path, parts.query) if parts.query else None
            addresses.add(query_address or path)
        addresses.discard("/")
        addresses.discard(post.get_absolute_url())
        OldAddress.objects.bulk_create(
            [OldAddress(address=a[:500], post=post) for a in sorted(addresses)], ignore_conflicts=True
        )

    def _comments(self, item: WxrItem) -> list[IncomingComment]:
        incoming = []
        for c in item.comments:
            if not c.id:
                continue
            markdown = c.meta.get(MARKDOWN_META)
            user_id = self.author_ids.get(c.user_id) if c.user_id not in ("", "0") else None
            incoming.append(
                IncomingComment(
                    legacy_id=c.id,
                    parent_legacy_id="" if c.parent in ("", "0") else c.parent,
                    kind=_COMMENT_KINDS.get(c.type, Comment.Kind.COMMENT),
                    status=_COMMENT_STATUSES.get(c.approved, Comment.Status.PENDING),
                    author_name=_plain(c.author) or "Anonymous",
                    author_email=c.author_email,
                    author_url=clean_url(c.author_url),
                    ip_address=clean_ip(c.author_ip) or "",
                    created_at=self._date(c.date_gmt, c.date) or timezone.now(),
                    body=markdown if markdown is not None else c.content,
                    body_format=Comment.BodyFormat.MARKDOWN
                    if markdown is not None
                    else Comment.BodyFormat.WORDPRESS,
                    user_id=user_id,
                    number=c.meta.get(NUMBER_META, ""),
                )
            )
        return incoming

    def _date(self, gmt: str, local: str) -> datetime | None:
        """WordPress's GMT date, or its local one read in the site's time zone; None for none."""
        for value, zone in ((gmt, ZoneInfo("UTC")), (local, self.timezone)):
            if value and not value.startswith("0000"):
                try:
                    return datetime.fromisoformat(value[:19]).replace(tzinfo=zone)
                except ValueError:
                    continue
        return None


def _plain(text: str) -> str:
    """Text without tags or entities (titles, names, excerpts): the page escapes it again."""
    if "<" not in text and "&" not in text:
        return text.strip()
    return html.unescape(nh3.clean(text, tags=set())).strip()


def _fingerprint(*values: str) -> str:
    return hashlib.blake2b("\x1f".join(values).encode(), digest_size=16).hexdigest()
