"""Reading a Remark42 backup: the file its automatic backups and its admin export write.

Remark42's native format (backend/app/migrator/native.go), gzipped in backups: a first line of
metadata, {"version": 1, "users": [...], "posts": [...]}, then one JSON comment per line. A comment
has its id, its parent's ("pid", "" at the top), its page ("locator": {"site", "url"}), its text
as the sanitized HTML readers saw ("text"; the Markdown is "orig"), its author ("user": name, id,
a hashed IP), its time (RFC 3339) and "delete" when deleted. Emails are in the metadata (the
user's "details"), and so are blocked users ("blocked": {"status": true}), whose comments Remark42
no longer shows: they come in removed. Remark42 holds nothing for moderation, so every other
comment was public.
"""

import html
import json

from commentariat.discussion.models import Comment

from .comment_import import IncomingComment
from .exceptions import UnreadableExport
from .report import ImportReport
from .thread_import import (
    DAMAGED_TEXT,
    CommentExport,
    SourceThread,
    import_threads,
    open_text,
    parse_moment,
    unreadable_bytes,
)

_VERSIONS = (0, 1)  # Remark42 itself reads both


def import_remark42(path, *, site_url: str = "", on_thread=None) -> ImportReport:
    """Import a Remark42 backup (gzipped or not). Raises UnreadableExport or OSError."""
    return import_threads(read_remark42(path), site_url=site_url, on_thread=on_thread)


def read_remark42(path) -> CommentExport:
    try:
        with open_text(path) as lines:
            return _read(lines)
    except DAMAGED_TEXT as error:
        raise UnreadableExport(f"it is not a Remark42 backup: {unreadable_bytes(error)}") from None


def _read(lines) -> CommentExport:
    meta = _meta(next(lines, ""))
    emails, blocked = _users(meta.get("users"))
    threads: dict[str, SourceThread] = {}
    site, hidden = "", 0
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        record = _record(line, number)
        locator = record["locator"] if isinstance(record.get("locator"), dict) else {}
        site = site or str(locator.get("site") or "")
        address = str(locator.get("url") or "")
        thread = threads.setdefault(address, SourceThread(address=address, title=""))
        thread.title = thread.title or str(record.get("title") or "")
        comment = _comment(record, emails, blocked)
        hidden += comment.status == Comment.Status.REMOVED and not record.get("delete")
        thread.comments.append(comment)
    export = CommentExport(source=f"remark42 {site}".strip()[:300], threads=list(threads.values()))
    if hidden:
        export.report.count("comments of blocked users (removed)", hidden)
    return export


def _meta(line: str) -> dict:
    try:
        meta = json.loads(line)
    except json.JSONDecodeError:
        meta = None
    if not isinstance(meta, dict) or "version" not in meta:
        raise UnreadableExport(
            'it is not a Remark42 backup: its first line is not the header {"version": 1, "users": …}'
        )
    if meta["version"] not in _VERSIONS:
        raise UnreadableExport(
            f"it is a Remark42 backup of version {meta['version']!r}; this import reads versions 0 and 1"
        )
    return meta


def _users(users) -> tuple[dict[str, str], set[str]]:
    """Each user's email (from their details) and the ids of blocked users."""
    emails: dict[str, str] = {}
    blocked: set[str] = set()
    for user in users if isinstance(users, list) else ():
        if not isinstance(user, dict):
            continue
        details = user["details"] if isinstance(user.get("details"), dict) else {}
        if details.get("email"):
            emails[str(user.get("id"))] = str(details["email"])
        if isinstance(user.get("blocked"), dict) and user["blocked"].get("status"):
            blocked.add(str(user.get("id")))
    return emails, blocked


def _record(line: str, number: int) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise UnreadableExport(
            f"line {number} is not valid JSON: {error.msg} (column {error.colno})"
        ) from None
    if not isinstance(record, dict) or not record.get("id"):
        raise UnreadableExport(f"line {number} is not a Remark42 comment (a JSON object with an id)")
    return record


def _comment(record: dict, emails: dict[str, str], blocked: set[str]) -> IncomingComment:
    user = record["user"] if isinstance(record.get("user"), dict) else {}
    user_id = str(user.get("id") or "")
    hidden = record.get("delete") or (user_id and user_id in blocked)
    return IncomingComment(
        legacy_id=str(record["id"]), parent_legacy_id=str(record.get("pid") or ""),
        kind=Comment.Kind.COMMENT, status=Comment.Status.REMOVED if hidden else Comment.Status.APPROVED,
        author_name=html.unescape(str(user.get("name") or "")), author_email=emails.get(user_id, ""), author_url="",
        ip_address="",  # Remark42 keeps only a keyed hash of it (and escapes names, undone above)
        created_at=parse_moment(record.get("time")), body=str(record.get("text") or ""),
        body_format=Comment.BodyFormat.WORDPRESS,  # the sanitized HTML readers saw
    )  # fmt: skip
