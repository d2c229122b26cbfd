"""Storing the threads of the embeddable comment systems: Isso, Remark42, Commento/Comentario, Artalk.

Those systems keep comments by page address, not by post. Each thread's comments go under the
post at that address here, by its new address or an old one the site redirects (the matching the
Disqus import uses). When the site has no such post, they go under the embedded thread of that
page, the one embed.js shows there and that a first comment through the widget would have created:
the discussion stays on the page its readers know. A thread known only by its path (Isso, Commento)
becomes an embedded thread only when the old site's address is known (--site-url).

The readers (isso_import.py, remark42_import.py, ...) turn a file into a CommentExport; the
comments themselves go through comment_import.store_comments, as WordPress's and Disqus's do.
"""

import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.db import transaction

from commentariat.core import text
from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post
from commentariat.publishing.services import embedded_thread_for
from commentariat.search.indexing import bulk_indexing

from .addresses import find_post
from .comment_import import IncomingComment, store_comments
from .exceptions import UnreadableExport
from .models import ImportedItem
from .report import ImportReport
from .wxr_import import after_import


@dataclass
class SourceThread:
    address: str  # the page's full address, or its path when the source knows no host
    title: str
    # created_at is None where the source's date could not be read (dated as their post).
    comments: list[IncomingComment] = field(default_factory=list)
    base_url: str = ""  # the old site's address, when the file names it
    identifier: str = ""  # the source's own name for the thread (Disqus's), tried after the address
    # Why the thread, when no post here matches it, must not become an embedded thread ('' if it may).
    not_embeddable: str = ""
    closed: bool = False  # closed to new comments at the source (Disqus's isClosed)


@dataclass
class CommentExport:
    # ImportedItem.source: the system and the site, the same from one export to the next.
    source: str
    threads: list[SourceThread]
    # What reading the file already found to say (items skipped, ...); the import adds to it.
    report: ImportReport = field(default_factory=ImportReport)


def import_threads(export: CommentExport, *, site_url: str = "", on_thread=None) -> ImportReport:
    """Store an export's threads in one transaction and say what was done.

    site_url: the old site's address, for threads the file knows only by path (it wins over the
    site address a file gives). on_thread(report, done, total) is called after each post's comments.
    """
    report = export.report
    source = text.clean_line(export.source)[:300]  # names from the file: no NUL for PostgreSQL
    with transaction.atomic(), bulk_indexing():
        new_source = not ImportedItem.objects.filter(source=source).exists()
        threads = list(_by_post(export, site_url, report))
        for done, (post, label, incoming) in enumerate(threads, start=1):
            _date_undated(post, incoming, report)
            store_comments(post, incoming, source=source, report=report, label=label, new_source=new_source)
            if on_thread is not None:
                on_thread(report, done, len(threads))
        transaction.on_commit(lambda: after_import(report))
    return report


def nothing_taken(report: ImportReport) -> bool:
    """Whether an import stored (or found already stored) not a single comment."""
    stored = [f"comments {status}" for status in Comment.Status.values] + [
        "comments updated",
        "comments unchanged",
    ]
    return not any(report.counts[what] for what in stored)


def _by_post(export: CommentExport, site_url: str, report: ImportReport):
    """(post, label, comments) for each post the threads belong to; two addresses of one post
    (old and new, with and without the slash) become one thread, numbered in date order."""
    seen: set[str] = set()
    posts: dict[int, tuple[Post, str, list[IncomingComment]]] = {}
    for thread in export.threads:
        thread.address = text.clean_line(thread.address)  # a NUL would stop PostgreSQL's lookups
        label = f"thread {thread.address or '(no address)'}"
        incoming = _first_of_each(thread.comments, seen, label, report)
        if not incoming:
            continue
        post, problem = _post_for(thread, site_url or thread.base_url, report)
        if post is None:
            report.skip(label, f"{problem}; its {len(incoming)} comment(s) were skipped")
            continue
        posts.setdefault(post.pk, (post, label, []))[2].extend(incoming)
    return posts.values()


def _first_of_each(comments, seen: set[str], label: str, report: ImportReport) -> list:
    # An id twice in one file (a damaged or concatenated export) would break the import's key.
    kept = []
    for c in comments:
        if not _keepable(c.legacy_id):
            report.skip(
                label, f"a comment with the id {c.legacy_id[:40]!r} was skipped (empty, too long or odd)"
            )
        elif c.legacy_id in seen:
            report.skip(f"{label}, comment {c.legacy_id}", "appears twice; the first one was kept")
        else:
            seen.add(c.legacy_id)
            kept.append(c)
    return kept


def _keepable(legacy_id: str) -> bool:
    """An id ImportedItem can hold as it is: cutting one could make it another's."""
    return 0 < len(legacy_id) <= _ID_MAX_LENGTH and text.clean_line(legacy_id) == legacy_id


_ID_MAX_LENGTH = ImportedItem._meta.get_field("legacy_id").max_length


def _post_for(thread: SourceThread, base_url: str, report: ImportReport) -> tuple[Post | None, str]:
    """The thread's post, or None and why not."""
    post = find_post(thread.address, thread.identifier) if thread.address or thread.identifier else None
    if post is not None:
        return post, ""
    if thread.not_embeddable:
        return None, thread.not_embeddable
    url = page_url(thread.address, base_url)
    if not url:
        if not thread.address:
            return None, "the file gives no page address"
        if not base_url:
            return (
                None,
                "no post at this address (give --site-url to keep it as the old page's embedded thread)",
            )
        return None, "no post at this address"
    existed = Post.objects.filter(kind=Post.Kind.EMBEDDED, external_url=text.clean_line(url)).exists()
    try:
        post = embedded_thread_for(url, thread.title[:200])
    except Post.DoesNotExist:
        return None, "its embedded thread was taken down on this site"
    if not existed:
        report.count("embedded threads created")
        if thread.closed:  # as the source had it; a later import leaves the site's choice alone
            Post.objects.filter(pk=post.pk).update(comments_open=False)
            post.comments_open = False
    return post, ""


def page_url(address: str, base_url: str = "") -> str:
    """The page's full address, as embed.js sends it (no fragment); '' when it cannot be known."""
    address = address.strip().split("#", 1)[0]
    if address.lower().startswith(("http://", "https://")):
        url = address
    else:
        base = urlsplit(base_url.strip())
        if base.scheme.lower() not in ("http", "https") or not base.netloc or not address:
            return ""
        url = f"{base.scheme.lower()}://{base.netloc}/{address.lstrip('/')}"
    return url if len(url) <= 500 else ""


def _date_undated(post: Post, incoming: list[IncomingComment], report: ImportReport) -> None:
    """A comment whose date could not be read takes its post's: the same on every import."""
    for c in incoming:
        if c.created_at is None:
            c.created_at = post.published_at or post.created_at
            report.count("dates unreadable (dated as their post)")


def open_text(path) -> io.TextIOBase:
    """The file as UTF-8 text, uncompressed on the way when gzipped (Remark42's backups,
    Commento's and Comentario's exports). Raises OSError."""
    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    return opener(path, "rt", encoding="utf-8-sig")  # a byte-order mark is no JSON


def load_json(path, what: str):
    """The whole file as JSON; raises UnreadableExport saying where it breaks, or OSError."""
    try:
        with open_text(path) as stream:
            return json.load(stream)
    except json.JSONDecodeError as error:
        raise UnreadableExport(
            f"it is not valid JSON, so not {what}: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except DAMAGED_TEXT as error:
        raise UnreadableExport(f"it is not {what}: {unreadable_bytes(error)}") from None


# What reading open_text's stream raises when the bytes are not UTF-8 or the gzip is damaged.
DAMAGED_TEXT = (UnicodeDecodeError, gzip.BadGzipFile, EOFError, zlib.error)


def unreadable_bytes(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return f"byte {error.start} is not UTF-8 text"
    return "its gzip compression is damaged or cut short"


_MOMENT = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?(?:\s+[A-Za-z][\w+-]*)?"
)


def parse_moment(value) -> datetime | None:
    """A date as these systems write it: RFC 3339 (Remark42, Commento, Comentario, Go's nanoseconds
    included) or Artalk's "2021-10-28 20:50:15 +0800" (also with " CST" after it). Without an
    offset the time is UTC. None when unreadable, and for Go's zero time (0001-01-01)."""
    match = _MOMENT.fullmatch(str(value or "").strip())
    if not match:
        return None
    day, clock, fraction, offset = match.groups()
    offset = "+00:00" if offset in (None, "Z") else offset
    if ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}{(fraction or '')[:7]}{offset}")
    except ValueError:
        return None
    return moment if moment.year >= 1970 else None


def from_timestamp(value) -> datetime | None:
    """A Unix time in seconds (Isso's REAL columns); None when unreadable."""
    try:
        moment = datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return moment if moment.year >= 1970 else None
