"""Reading Isso's SQLite database: its threads (one per page path) and their comments.

Isso's schema (isso/db/threads.py, isso/db/comments.py): threads(id, uri, title) and
comments(tid, id, parent, created, modified, mode, remote_addr, text, author, email, website, ...),
with mode 1 for a public comment, 2 for one awaiting moderation and 4 for a deleted one that
keeps its place because replies hang from it. Text is Markdown; dates are Unix times; the IP
address is already anonymized by Isso. The file is opened read-only and never changed.
"""

import hashlib
import sqlite3
from collections import defaultdict
from pathlib import Path

from commentariat.discussion.models import Comment

from .comment_import import IncomingComment, clean_ip
from .exceptions import UnreadableExport
from .report import ImportReport
from .thread_import import CommentExport, SourceThread, from_timestamp, import_threads

_STATUSES = {1: Comment.Status.APPROVED, 2: Comment.Status.PENDING, 4: Comment.Status.REMOVED}
_NEEDED = {"tid", "id", "parent", "created", "mode", "text", "author", "email", "website"}
_SQLITE_HEADER = b"SQLite format 3\x00"


def import_isso(path, *, site_url: str = "", on_thread=None) -> ImportReport:
    """Import an Isso database file. Raises UnreadableExport (nothing imported) or OSError."""
    return import_threads(read_isso(path), site_url=site_url, on_thread=on_thread)


def read_isso(path) -> CommentExport:
    with open(path, "rb") as raw:
        if raw.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise UnreadableExport(
                "it is not an SQLite database (Isso keeps its comments in one: the file its "
                "configuration names in [general] dbpath)"
            )
    connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _read(connection)
    except sqlite3.DatabaseError as error:
        raise UnreadableExport(f"the database cannot be read: {error}") from None
    finally:
        connection.close()


def _read(connection) -> CommentExport:
    columns = _check_columns(connection)
    ip = "remote_addr" if "remote_addr" in columns else "''"
    threads = {
        tid: SourceThread(address=uri or "", title=title or "")
        for tid, uri, title in connection.execute("SELECT id, uri, title FROM threads")
    }
    export = CommentExport(source=_source(connection), threads=list(threads.values()))
    orphans: dict[int, int] = defaultdict(int)
    rows = connection.execute(
        f"SELECT id, tid, parent, created, mode, text, author, email, website, {ip} FROM comments ORDER BY id"
    )
    for legacy_id, tid, parent, created, mode, body, name, email, website, address in rows:
        thread = threads.get(tid)
        if thread is None:
            orphans[tid] += 1
            continue
        thread.comments.append(
            IncomingComment(
                legacy_id=str(legacy_id),
                parent_legacy_id=str(parent) if parent else "",
                kind=Comment.Kind.COMMENT,
                status=_STATUSES.get(mode, Comment.Status.PENDING),
                author_name=name or "",
                author_email=email or "",
                author_url=website or "",
                ip_address=clean_ip(str(address or "")) or "",
                created_at=from_timestamp(created),
                body=body or "",
                body_format=Comment.BodyFormat.MARKDOWN,
            )  # fmt: skip
        )
    for tid, n in orphans.items():
        export.report.skip(f"thread {tid}", f"not in the threads table; its {n} comment(s) were skipped")
    return export


def _check_columns(connection) -> set[str]:
    """The comments table's columns; raises UnreadableExport when a table or column Isso has is missing."""
    problems, found = [], {}
    for table, needed in (("threads", {"id", "uri", "title"}), ("comments", _NEEDED)):
        found[table] = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        if not found[table]:
            problems.append(f"it has no {table} table")
        elif needed - found[table]:
            problems.append(f"its {table} table lacks {', '.join(sorted(needed - found[table]))}")
    if problems:
        raise UnreadableExport("it is not an Isso database: " + "; ".join(problems))
    return found["comments"]


def _source(connection) -> str:
    """Isso's ids count from 1 in every database; its random session key tells one site's
    database from another's. Only a digest of it is kept: it signs Isso's cookies."""
    try:
        row = connection.execute("SELECT value FROM preferences WHERE key = 'session-key'").fetchone()
    except sqlite3.OperationalError:  # no preferences table: an Isso older than 0.10
        row = None
    if not row or not row[0]:
        return "isso"
    return f"isso {hashlib.sha256(str(row[0]).encode()).hexdigest()[:16]}"
