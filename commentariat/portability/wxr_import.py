"""Importing a WordPress export: authors, categories, tags, posts, pages and comments.

Everything goes in one transaction: a file that turns out broken halfway leaves the site as
it was. Items keyed by their WordPress ids (portability.ImportedItem) make a second import of
the same file change nothing, and a newer export add what is new and update what changed.
"""

import gc
import hashlib
import html
import os
import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
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
from .bulk import deferred_indexes, insert_new, insert_rows, rows_outnumbered, temporary_store_on_disk
from .comment_import import IncomingComment, clean_ip, clean_url, store_comments
from .exceptions import UnreadableExport
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
_COMMENT, _PENDING = Comment.Kind.COMMENT, Comment.Status.PENDING
_WORDPRESS, _MARKDOWN = Comment.BodyFormat.WORDPRESS, Comment.BodyFormat.MARKDOWN
# The last resort for a date: the Unix epoch plus the item's id in seconds, the same on every run.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DATE_IN_PATH = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(?:(0[1-9]|[12]\d|3[01])/)?")
_COMMENT_KINDS = {"": Comment.Kind.COMMENT, "comment": Comment.Kind.COMMENT,
                  "pingback": Comment.Kind.PINGBACK, "trackback": Comment.Kind.TRACKBACK}  # fmt: skip


def import_wxr(source, *, on_item=None, size: int | None = None) -> ImportReport:
    """Import a WXR file (a path or a binary file object) into the site.

    Raises lxml.etree.XMLSyntaxError for a file that is not well-formed XML, and NothingToImport
    for one without a post or page to take; either way nothing is imported. on_item(report) is
    called after each item, for progress. size: the file's bytes, when source cannot tell.
    """
    report = ImportReport()
    with (
        _collector_skipping_what_was_there(),
        temporary_store_on_disk(),
        transaction.atomic(),
        bulk_indexing(),
    ):
        # Only when the table will at least triple: a file imported again rebuilds nothing.
        half = (size or _size_of(source)) // _BYTES_PER_COMMENT // 2
        with (
            deferred_indexes(Comment, defer=rows_outnumbered(Comment, half), fields=_UNREAD_COMMENT_INDEXES),
            deferred_indexes(ImportedItem, defer=rows_outnumbered(ImportedItem, half)),
        ):
            _run(source, report, on_item)
        transaction.on_commit(lambda: after_import(report))
    return report


@contextmanager
def _collector_skipping_what_was_there():
    """Python's cycle collector leaves the objects alive before the import (Django, the apps: most
    of the process) out of its passes during the import, which allocates millions of short-lived
    ones: 3 % fewer instructions at 5,000 comments. Garbage among those older objects, if any,
    waits for the import's end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# Comment columns with an index of their own that the import never looks rows up by (it does by
# post and by id): on SQLite these indexes are built at the end too.
_UNREAD_COMMENT_INDEXES = ("created_at", "parent", "status", "user", "status_changed_at", "decided_by", "picked_by")

# What a comment takes in a WXR file, roughly (bench/wxr_import.py: 251 MB for 250,000): to judge
# whether rebuilding the comment indexes at the end costs less than keeping them up row by row.
_BYTES_PER_COMMENT = 1000


def _size_of(source) -> int:
    try:
        if hasattr(source, "seek"):
            here = source.tell()
            size = source.seek(0, 2)
            source.seek(here)
            return size - here
        return os.path.getsize(source)
    except (OSError, TypeError, ValueError):
        return 0


def _run(source, report: ImportReport, on_item) -> None:
    run = _WxrImport(report)
    for record in read_wxr(source):
        run.handle(record)
        if on_item is not None and isinstance(record, WxrItem):
            on_item(report)
    run.finish()
    if not run.items_taken:
        raise NothingToImport(run.why_nothing(), report)


class NothingToImport(UnreadableExport):
    """A well-formed file without one post or page that could be imported."""

    def __init__(self, reason: str, report: ImportReport):
        super().__init__(reason)
        self.report = report


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
        # As WordPress's importer does, the first item with an id wins and later ones are skipped.
        self.seen_posts: set[str] = set()
        self.seen_comments = _SeenIds()
        self.page_parents: dict[int, str] = {}  # page id → its parent's WordPress id
        self.item_types: Counter = Counter()
        self.items_taken = 0
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
        self._place_pages()

    def why_nothing(self) -> str:
        if not self.item_types or set(self.item_types) == {""}:  # none with a wp:post_type
            return "no post or page items; is this a WordPress export?"
        kinds = ", ".join(f"{kind or 'no type'} × {n}" for kind, n in self.item_types.most_common())
        return f"none of its {self.item_types.total()} items is a post or page that can be imported ({kinds})"

    def _place_pages(self) -> None:
        """Child pages under their parents, now that every item of the file has been read."""
        known = self._post_items()
        for page_id, parent_legacy_id in self.page_parents.items():
            parent_id = known[parent_legacy_id][0] if parent_legacy_id in known else None
            page = Post.objects.get(pk=page_id)
            if parent_id is not None and _would_loop(page_id, parent_id):
                self.report.skip(f"page {page.slug}", f"its parent {parent_legacy_id} is its own descendant")
                parent_id = None
            if page.parent_id != parent_id:
                page.parent_id = parent_id
                page.save(update_fields=["parent"])

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
        slug = unicode_slug(unquote(wp_slug)) or unicode_slug(name) or f"{kind}-{len(known) + 1}"
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
        self.item_types[item.post_type] += 1
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
        if item.post_id in self.seen_posts:
            self.report.skip(label, f"wp:post_id {item.post_id} appears twice; the first one was kept")
            return
        self.seen_posts.add(item.post_id)
        self.items_taken += 1
        own_post = self.backup.adopt(item, source=self.source)
        if own_post is not None:  # this site's own export: the post is already here
            self._post_items()[item.post_id] = (own_post, "")
            self._post_items_before = True
        post, created = self._post(item)
        self._addresses(item, post)
        if post.kind == Post.Kind.PAGE and (item.post_parent.isdigit() and item.post_parent != "0"
                                            or post.parent_id is not None):  # fmt: skip
            self.page_parents[post.pk] = item.post_parent
        store_comments(
            post, self._comments(item, post, label), source=self.source, report=self.report, label=label,
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
            "is_sticky": item.is_sticky and kind == Post.Kind.POST,
        }
        dated = fields["published_at"]
        if status == Post.Status.DRAFT and item.post_date_gmt.startswith("0000"):
            fields["published_at"] = None  # WordPress's way of saying "no date chosen yet"
        mapped = self._post_items().get(item.post_id)
        if status == Post.Status.PUBLISHED and fields["published_at"] is None:
            fields["published_at"] = self._date_without_one(item, mapped)
        categories = [
            self._term("category", n, name) for domain, n, name in item.terms if domain == "category"
        ]
        tags = [self._term("tag", n, name) for domain, n, name in item.terms if domain == "post_tag"]
        fingerprint = _fingerprint(
            *(str(value) for value in fields.values()), item.post_name,
            ",".join(sorted(c.slug for c in categories)), ",".join(sorted(t.slug for t in tags)),
        )  # fmt: skip
        legacy_status = item.status if item.status not in ("publish", "future", "draft") else ""
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
        if created:
            # Written as save() would, without the ORM's work per query: thousands of posts go by,
            # and every cached page is bumped at the end (after_import).
            post.render_fields()
            insert_new(post)
            # A new post has no categories or tags to compare with: one INSERT each.
            for through, term_id, terms in (
                (Post.categories.through, "category_id", categories), (Post.tags.through, "tag_id", tags)
            ):
                rows = [(post.pk, pk) for pk in dict.fromkeys(term.pk for term in terms)]
                insert_rows(through, rows, columns=("post_id", term_id))
            insert_rows(
                ImportedItem,  # numbered by the database: nothing refers to its id
                [(self.source, ImportedItem.Kind.POST, item.post_id, post.pk, fingerprint, legacy_status,
                  timezone.now())],
                columns=("source", "kind", "legacy_id", "object_id", "fingerprint", "legacy_status", "imported_at"),
            )  # fmt: skip
        else:
            post.save()
            post.categories.set(categories)
            post.tags.set(tags)
            ImportedItem.objects.filter(
                source=self.source, kind=ImportedItem.Kind.POST, legacy_id=item.post_id
            ).update(object_id=post.pk, fingerprint=fingerprint, legacy_status=legacy_status)
        self._post_items()[item.post_id] = (post.pk, fingerprint)
        self.report.count(f"{noun} {'created' if created else 'updated'}")
        return post, created

    def _date_without_one(self, item: WxrItem, mapped: tuple[int, str] | None) -> datetime:
        """A published item without a readable date: the same answer on every run, never "now".

        RSS's pubDate, then a date in its old address (/2019/05/23/slug/), then the date the post
        already has here, then its earliest comment, then the epoch plus its id in seconds.
        """
        self.report.count("dates missing or unreadable (derived, see README)")
        try:
            moment = parsedate_to_datetime(item.pub_date) if item.pub_date else None
        except (TypeError, ValueError):
            moment = None
        if moment is not None and moment.tzinfo is not None and moment.year >= 1970:
            return moment
        for url in (item.link, item.guid):
            match = _DATE_IN_PATH.search(urlsplit(url).path)
            if match:
                year, month, day = (int(part or 1) for part in match.groups())
                return datetime(year, month, day, tzinfo=self.timezone)
        if mapped is not None:
            existing = Post.objects.filter(pk=mapped[0]).values_list("published_at", flat=True).first()
            if existing is not None:
                return existing
        comment_dates = [self._date(c.date_gmt, c.date) for c in item.comments]
        if any(comment_dates):
            return min(date for date in comment_dates if date is not None)
        return _EPOCH + timedelta(seconds=int(item.post_id))

    def _unique_slug(self, item: WxrItem, kind: str, pk: int | None) -> str:
        base = unicode_slug(unquote(item.post_name))[:190] or unicode_slug(_plain(item.title))[:190]
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
        rows = [(a[:500], post.pk) for a in sorted(addresses)]
        insert_rows(OldAddress, rows, columns=("address", "post_id"), ignore_conflicts=True)

    def _comments(self, item: WxrItem, post: Post, label: str) -> list[IncomingComment]:
        incoming = []
        seen, date, author_ids = self.seen_comments, self._date, self.author_ids  # once per post
        for c in item.comments:
            if not c.id:
                continue
            if c.id in seen:
                self.report.skip(
                    f"{label}, comment {c.id}", "wp:comment_id appears twice; the first one was kept"
                )
                continue
            seen.add(c.id)
            markdown = c.meta.get(MARKDOWN_META) if c.meta else None
            incoming.append(
                IncomingComment(
                    legacy_id=c.id,
                    parent_legacy_id="" if c.parent in ("", "0") else c.parent,
                    kind=_COMMENT_KINDS.get(c.type, _COMMENT),
                    status=_COMMENT_STATUSES.get(c.approved, _PENDING),
                    author_name=_plain(c.author) or "Anonymous",
                    author_email=c.author_email,
                    author_url=clean_url(c.author_url),
                    ip_address=clean_ip(c.author_ip) or "",
                    created_at=date(c.date_gmt, c.date) or _comment_date_without_one(post, c.id),
                    body=c.content if markdown is None else markdown,
                    body_format=_WORDPRESS if markdown is None else _MARKDOWN,
                    user_id=author_ids.get(c.user_id) if c.user_id not in ("", "0") else None,
                    number=c.meta.get(NUMBER_META, "") if c.meta else "",
                )
            )
        return incoming

    def _date(self, gmt: str, local: str) -> datetime | None:
        """WordPress's GMT date, or its local one read in the site's time zone; None for none."""
        for value, zone in ((gmt, UTC), (local, self.timezone)):
            if value and not value.startswith("0000"):
                try:
                    return datetime.fromisoformat(value[:19]).replace(tzinfo=zone)
                except ValueError:
                    continue
        return None


class _SeenIds:
    """A set of ids, as a bitmap for WordPress's numeric ones: a quarter of a million comment ids
    in a Python set would take more memory than the rest of the import."""

    BITMAP_LIMIT = 1 << 26  # 8 MB of bits at most

    def __init__(self):
        self.bits = bytearray()
        self.others: set[str] = set()

    def _number(self, legacy_id: str) -> int | None:
        if legacy_id.isdigit() and len(legacy_id) < 9 and int(legacy_id) < self.BITMAP_LIMIT:
            return int(legacy_id)
        return None

    def __contains__(self, legacy_id: str) -> bool:
        number = self._number(legacy_id)
        if number is None:
            return legacy_id in self.others
        return number >> 3 < len(self.bits) and bool(self.bits[number >> 3] & (1 << (number & 7)))

    def add(self, legacy_id: str) -> None:
        number = self._number(legacy_id)
        if number is None:
            self.others.add(legacy_id)
            return
        if number >> 3 >= len(self.bits):
            self.bits.extend(bytes(max((number >> 3) + 1 - len(self.bits), len(self.bits))))
        self.bits[number >> 3] |= 1 << (number & 7)


def _comment_date_without_one(post: Post, legacy_id: str) -> datetime:
    """A comment with no readable date: its post's, so that its place in the thread holds."""
    if post.published_at is not None:
        return post.published_at
    return _EPOCH + timedelta(seconds=int(legacy_id) if legacy_id.isdigit() else 0)


def _would_loop(page_id: int, parent_id: int) -> bool:
    seen = {page_id}
    while parent_id is not None:
        if parent_id in seen:
            return True
        seen.add(parent_id)
        parent_id = Post.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return False


def unicode_slug(text: str) -> str:
    """A slug as WordPress makes one: Latin letters lose their accents, other scripts stay."""
    text = "".join(_latin_base(character) for character in unicodedata.normalize("NFC", text))
    return slugify(text, allow_unicode=True)


def _latin_base(character: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
    return bare if bare.isascii() else character


def _plain(text: str) -> str:
    """Text without tags or entities (titles, names, excerpts): the page escapes it again."""
    if "<" not in text and "&" not in text:
        return text.strip()
    return html.unescape(nh3.clean(text, tags=set())).strip()


def _fingerprint(*values: str) -> str:
    return hashlib.blake2b("\x1f".join(values).encode(), digest_size=16).hexdigest()
