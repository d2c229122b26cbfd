"""Storing a post's comments from another system: threading, statuses and numbers.

Shared by the WordPress and Disqus importers. Each comment keeps the status the old site
gave it (the old site's moderators already decided); numbers are given in date order, so
the thread reads 1, 1.1, 1.1.1 as it did, and a comment that was never shown gets none.
"""

import hashlib
import ipaddress
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from commentariat.core import text
from commentariat.discussion.models import SORT_KEY_DIGITS, Comment, render_comment_body
from commentariat.discussion.services import refresh_comment_count
from commentariat.discussion.services.status import status_after_import
from commentariat.discussion.services.submission import URL_MAX_LENGTH
from commentariat.publishing.models import Post

from .bulk import allocate_ids, db_datetime_adapter, insert_rows, update_row
from .models import ImportedItem
from .report import ImportReport

_CHUNK = 500
_PLAIN_IPV4 = re.compile(r"(?:(?:0|[1-9]\d{0,2})\.){3}(?:0|[1-9]\d{0,2})")


@dataclass(slots=True)  # hundreds of thousands go by in a large import
class IncomingComment:
    legacy_id: str
    parent_legacy_id: str  # "" for a top-level comment
    kind: str
    status: str
    author_name: str
    author_email: str
    author_url: str
    ip_address: str
    created_at: datetime
    body: str
    body_format: str
    user_id: int | None = None
    # The number the comment had on a Commentariat site (an export of ours), kept if it fits.
    number: str = ""

    def fingerprint(self) -> str:
        fields = (
            self.parent_legacy_id, self.kind, self.status, self.author_name, self.author_email,
            self.author_url, self.ip_address, self.created_at.isoformat(), self.body,
            self.body_format, str(self.user_id), self.number,
        )  # fmt: skip
        return hashlib.blake2b("\x1f".join(fields).encode(), digest_size=16).hexdigest()


def clean_ip(raw: str) -> str | None:
    raw = raw.strip()
    if _PLAIN_IPV4.fullmatch(raw) and all(int(part) <= 255 for part in raw.split(".")):
        return raw  # most addresses, without ipaddress's slower parse
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def clean_url(raw: str) -> str:
    raw = raw.strip()
    return raw if raw.lower().startswith(("http://", "https://")) and len(raw) <= 500 else ""


def store_comments(
    post: Post,
    incoming: list[IncomingComment],
    *,
    source: str,
    report: ImportReport,
    label: str,
    new_post: bool = False,
    new_source: bool = False,
) -> None:
    """Create or update the post's comments; report the ones that cannot be placed.

    new_post: the post was created by this import, so it has no comments yet; new_source:
    nothing was imported from this source before. Both spare lookups that, inside one long
    transaction, PostgreSQL would plan from statistics taken before the import began.
    """
    if not incoming:
        return
    existing = {} if new_source else _existing_items(source, [c.legacy_id for c in incoming])
    incoming = _placed_elsewhere(incoming, existing, post=post, report=report, label=label)
    ordered = _threaded(incoming, existing, report=report, label=label)
    # A second import of the same file: only what changed is read back, and nothing if nothing did.
    changed = [
        existing[c.legacy_id].object_id
        for c in ordered
        if c.legacy_id in existing and existing[c.legacy_id].fingerprint != c.fingerprint()
    ]
    if not changed and all(c.legacy_id in existing for c in ordered):
        report.count("comments unchanged", len(ordered))
        return
    current = {
        row.pk: row for chunk in _chunks(changed) for row in Comment.objects.filter(pk__in=chunk)
    }  # fmt: skip
    numbered_state = _NumberState(post, fresh=new_post)
    needs_number = _needs_number(ordered)
    comment_ids: dict[str, int] = {legacy: item.object_id for legacy, item in existing.items()}
    max_depth = settings.COMMENTARIAT["MAX_COMMENT_DEPTH"]
    new_ids = iter(allocate_ids(Comment, sum(1 for c in ordered if c.legacy_id not in existing)))
    now = timezone.now()
    new_row = _NewRows(post.pk, now, report)
    new_items, changed_items, changed_comments = [], [], []
    for c in ordered:  # parents before their replies
        parent_id = comment_ids.get(c.parent_legacy_id) if c.parent_legacy_id else None
        parent_id = numbered_state.within_depth(parent_id, max_depth)
        item = existing.get(c.legacy_id)
        if item is None:
            pk = next(new_ids)
            place = numbered_state.place(pk, parent_id, c.number if needs_number[c.legacy_id] else None)
            new_row.add(c, pk, parent_id, place)
            new_items.append((c, pk))
            report.count(_count_label(c))
            comment_ids[c.legacy_id] = pk
            continue
        if item.object_id not in current:
            report.count("comments unchanged")  # _NumberState has its place already
            continue
        row = current[item.object_id]
        if row.erased_at is not None:
            # Erased at its author's request: no import brings its text, name or address back.
            report.count("comments erased at their authors' request (left as they are)")
            numbered_state.remember(row)
            comment_ids[c.legacy_id] = row.pk
            continue
        changed_comments.append(row)
        item.fingerprint = c.fingerprint()
        changed_items.append(item)
        report.count("comments updated")
        _copy_fields(row, c, parent_id, report)
        row.depth = numbered_state.depth_below(parent_id)
        if needs_number[c.legacy_id] and not row.number:
            numbered_state.assign(row, hint=c.number)
        numbered_state.remember(row)
        comment_ids[c.legacy_id] = row.pk
    if new_items:
        insert_rows(Comment, new_row.rows, columns=_NewRows.COLUMNS, adapted=True)
        kind, now = ImportedItem.Kind.COMMENT, new_row.now
        insert_rows(
            ImportedItem,  # numbered by the database: nothing refers to these ids
            [(source, kind, c.legacy_id, pk, c.fingerprint(), "", now) for c, pk in new_items],
            columns=_ITEM_COLUMNS,
            adapted=True,
        )
    if changed_comments:
        for row in changed_comments:
            row.body_html = row.render_body()
        Comment.objects.bulk_update(changed_comments, _UPDATED_FIELDS, batch_size=_CHUNK)
        ImportedItem.objects.bulk_update(changed_items, ["fingerprint"], batch_size=_CHUNK)
    if new_post:
        update_row(Post, post.pk, comment_count=new_row.public)
    elif new_items or changed_comments:
        refresh_comment_count(post.pk)


_ITEM_COLUMNS = ("source", "kind", "legacy_id", "object_id", "fingerprint", "legacy_status", "imported_at")


class _NewRows:
    """The rows of new comments, as tuples in COLUMNS' order: the same cleaning and limits as
    _copy_fields gives an existing comment, without a model instance per row (hundreds of
    thousands go by)."""

    COLUMNS = (
        "id", "post_id", "parent_id", "kind", "status", "status_reason", "status_changed_at",
        "author_name", "author_email", "author_url", "ip_address", "created_at", "updated_at",
        "body", "body_format", "body_html", "user_id", "spam_score", "user_agent",
        "number", "sequence", "depth", "root_sequence", "sort_key", "published_at",
    )  # fmt: skip

    def __init__(self, post_id: int, now: datetime, report: ImportReport):
        self.db_datetime = db_datetime_adapter()
        self.post_id, self.now, self.report = post_id, self.db_datetime(now), report
        self.name_limit, self.body_limit = _name_limit(), _body_limit()
        self.rows: list[tuple] = []
        self.public = 0  # approved comments (not pingbacks): the post's count

    def add(self, c: IncomingComment, pk: int, parent_id: int | None, place: tuple) -> None:
        report = self.report
        number, sequence, depth, root_sequence, sort_key = place
        name = _within(text.clean_name(c.author_name) or "Anonymous", "names", self.name_limit, report)
        body = _within(text.clean_text(c.body), "comment texts", self.body_limit, report)
        created_at = self.db_datetime(c.created_at)
        self.rows.append(
            (
                pk, self.post_id, parent_id, c.kind, c.status, "Imported", created_at,
                name, _within(text.clean_line(c.author_email), "email addresses", 254, report),
                _website(c.author_url, report), c.ip_address or None, created_at, self.now,
                body, c.body_format, render_comment_body(body, c.body_format), c.user_id, None, "",
                number, sequence, depth, root_sequence, sort_key, created_at if number else None,
            )
        )  # fmt: skip
        if c.status == Comment.Status.APPROVED and c.kind == Comment.Kind.COMMENT:
            self.public += 1


_UPDATED_FIELDS = [
    "parent", "kind", "status", "status_reason", "status_changed_at", "author_name", "author_email",
    "author_url", "ip_address", "created_at", "body", "body_format", "body_html", "user",
    "number", "sequence", "depth", "root_sequence", "sort_key", "published_at",
]  # fmt: skip


def _count_label(c: IncomingComment) -> str:
    if c.kind != Comment.Kind.COMMENT:
        return f"{c.kind}s"
    return f"comments {c.status}"


def _copy_fields(row: Comment, c: IncomingComment, parent_id: int | None, report: ImportReport) -> None:
    # A moderator's decision here, or its author's withdrawal, outranks the old site's status.
    status = status_after_import(row, c.status)
    if row.status != status:
        row.status_changed_at = timezone.now()
        row.status, row.status_reason = status, "Imported"
    row.parent_id = parent_id
    row.kind = c.kind
    # The same cleaning and limits as the comment form (core/text.py); what is cut is reported.
    row.author_name = _within(text.clean_name(c.author_name) or "Anonymous", "names", _name_limit(), report)
    row.author_email = _within(text.clean_line(c.author_email), "email addresses", 254, report)
    row.author_url = _website(c.author_url, report)
    row.ip_address = c.ip_address or None
    row.created_at = c.created_at
    row.body = _within(text.clean_text(c.body), "comment texts", _body_limit(), report)
    row.body_format = c.body_format
    row.user_id = c.user_id


def _website(raw: str, report: ImportReport) -> str:
    url = text.clean_line(raw)
    if url and (text.website_problem(url) or len(url) > URL_MAX_LENGTH):
        report.count("websites dropped (not http(s), or with a password)")
        return ""
    return url


def _name_limit() -> int:  # read when used: tests change the settings
    return settings.COMMENTARIAT["COMMENT_NAME_MAX_LENGTH"]


def _body_limit() -> int:
    return settings.COMMENTARIAT["COMMENT_BODY_MAX_LENGTH"]


def _within(value: str, what: str, limit: int, report: ImportReport) -> str:
    if len(value) <= limit:
        return value
    report.count(f"{what} cut to {limit:,} characters")
    return value[:limit]


def _existing_items(source: str, legacy_ids: list[str]) -> dict[str, ImportedItem]:
    found = {}
    for chunk in _chunks(legacy_ids):
        for item in ImportedItem.objects.filter(
            source=source, kind=ImportedItem.Kind.COMMENT, legacy_id__in=chunk
        ):
            found[item.legacy_id] = item
    return found


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _placed_elsewhere(incoming, existing, *, post, report, label):
    """Without the comments an earlier import put under another post (the first place is kept),
    and without those deleted here since (a moderator's purge is not undone)."""
    if not existing:
        return incoming
    here = {
        pk
        for chunk in _chunks([item.object_id for item in existing.values()])
        for pk in Comment.objects.filter(pk__in=chunk, post_id=post.pk).values_list("pk", flat=True)
    }
    away = {legacy for legacy, item in existing.items() if item.object_id not in here}
    if not away:
        return incoming
    elsewhere = set(
        Comment.objects.filter(pk__in=[existing[legacy].object_id for legacy in away]).values_list(
            "pk", flat=True
        )
    )
    for legacy in sorted(away):
        if existing[legacy].object_id in elsewhere:
            report.skip(
                f"{label}, comment {legacy}", "was imported under another post before; it stays there"
            )
        else:
            report.count("comments deleted here since, not brought back")
        del existing[legacy]
    return [c for c in incoming if c.legacy_id not in away]


def _threaded(incoming, existing, *, report, label):
    """Comments in reading order: parents first, siblings by date.

    A comment whose parent is in neither the file nor the site is reported and skipped,
    and so are its replies.
    """
    by_id = {}
    for c in incoming:
        if c.legacy_id in by_id:
            report.skip(f"{label}, comment {c.legacy_id}", "appears twice; the first one was kept")
            continue
        by_id[c.legacy_id] = c
    children = defaultdict(list)
    roots = []
    orphans = 0
    for c in by_id.values():
        if not c.parent_legacy_id:
            roots.append(c)
        elif c.parent_legacy_id in by_id:
            children[c.parent_legacy_id].append(c)
        elif c.parent_legacy_id in existing:
            roots.append(c)  # its parent is on the site already
        else:
            orphans += 1
            report.skip(
                f"{label}, comment {c.legacy_id}", f"its parent {c.parent_legacy_id} is not in the file"
            )

    def by_date(c):
        return (c.created_at, _numeric(c.legacy_id))

    ordered = []
    stack = sorted(roots, key=by_date, reverse=True)
    while stack:
        c = stack.pop()
        ordered.append(c)
        stack.extend(sorted(children[c.legacy_id], key=by_date, reverse=True))
    unreachable = len(by_id) - len(ordered) - orphans
    if unreachable:
        report.skip(label, f"{unreachable} replies to skipped comments (or in a loop) were skipped")
    return ordered


def _numeric(legacy_id: str):
    return (0, int(legacy_id), "") if legacy_id.isdigit() else (1, 0, legacy_id)


def _needs_number(ordered) -> dict[str, bool]:
    """A comment is numbered when readers see it, when a reply they see hangs from it, or
    when it had a number on the Commentariat site it was exported from."""
    needs = {
        # A number from our own export: the comment was public once, and its number stays taken.
        c.legacy_id: bool(c.number)
        or (c.kind == Comment.Kind.COMMENT and c.status == Comment.Status.APPROVED)
        for c in ordered
    }
    parent_of = {c.legacy_id: c.parent_legacy_id for c in ordered}
    for c in reversed(ordered):  # replies come after their parents
        if needs[c.legacy_id] and parent_of[c.legacy_id] in needs:
            needs[parent_of[c.legacy_id]] = True
    return needs


class _NumberState:
    """Thread positions of one post while its comments are stored."""

    def __init__(self, post: Post, *, fresh: bool):
        self.post = post
        self.rows: dict[int, tuple] = {}  # pk → (parent_id, number, sort_key, depth, root_sequence)
        self.next_sequence: dict[int | None, int] = defaultdict(lambda: 1)
        self.taken: set[str] = set()
        if not fresh:
            for row in Comment.objects.filter(post=post).only(
                "pk", "parent_id", "number", "sequence", "sort_key", "depth", "root_sequence"
            ):
                self.remember(row)

    def remember(self, row) -> None:
        if row.pk is not None:
            self.rows[row.pk] = (row.parent_id, row.number, row.sort_key, row.depth, row.root_sequence)
        if row.number:
            self.taken.add(row.number)
            self.next_sequence[row.parent_id] = max(
                self.next_sequence[row.parent_id], (row.sequence or 0) + 1
            )

    def depth_below(self, parent_id: int | None) -> int:
        return self.rows[parent_id][3] + 1 if parent_id in self.rows else 0

    def within_depth(self, parent_id: int | None, max_depth: int) -> int | None:
        """A reply below the deepest level answers the comment at that level instead."""
        while parent_id is not None and parent_id in self.rows and self.rows[parent_id][3] >= max_depth - 1:
            parent_id = self.rows[parent_id][0]
        return parent_id

    def assign(self, row, *, hint: str) -> None:
        position = self._position(row.parent_id, hint)
        if position is None:
            return  # a parent that has no number cannot give its replies one
        row.number, row.sequence, row.depth, row.root_sequence, row.sort_key = position
        row.published_at = row.created_at
        self._take(row.parent_id, row.number, row.sequence)

    def place(self, pk: int, parent_id: int | None, hint: str | None) -> tuple:
        """A new comment's (number, sequence, depth, root_sequence, sort_key), remembered for
        its replies; numbered only when hint is not None ('' when the source had no number)."""
        position = None if hint is None else self._position(parent_id, hint)
        if position is None:
            position = ("", None, self.depth_below(parent_id), None, "")
        else:
            self._take(parent_id, position[0], position[1])
        number, _, depth, root_sequence, sort_key = position
        self.rows[pk] = (parent_id, number, sort_key, depth, root_sequence)
        return position

    def _position(self, parent_id: int | None, hint: str) -> tuple | None:
        parent = self.rows.get(parent_id) if parent_id else None
        if parent_id and (parent is None or not parent[1]):
            return None
        prefix = f"{parent[1]}." if parent else ""
        sequence = None
        if hint.startswith(prefix) and hint[len(prefix) :].isdigit() and hint not in self.taken:
            sequence = int(hint[len(prefix) :])
        if sequence is None:
            sequence = self.next_sequence[parent_id]
        padded = f"{sequence:0{SORT_KEY_DIGITS}d}"
        return (
            f"{prefix}{sequence}",
            sequence,
            parent[3] + 1 if parent else 0,
            parent[4] if parent else sequence,
            f"{parent[2]}.{padded}" if parent else padded,
        )

    def _take(self, parent_id: int | None, number: str, sequence: int) -> None:
        self.taken.add(number)
        self.next_sequence[parent_id] = max(self.next_sequence[parent_id], sequence + 1)
