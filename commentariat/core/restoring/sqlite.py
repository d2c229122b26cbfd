"""Restoring on SQLite. The backup is read in place, read-only, and copied through SQLite's backup API into the live file, so that the
site's other processes see the new database on their next query instead of a file swapped under
their open connections."""

import sqlite3
from contextlib import closing
from pathlib import Path

from django.conf import settings

from ..exceptions import UnusableBackup
from .formats import PGDUMP_MAGIC, SQLITE_MAGIC, read_header

KEPT_SUFFIX = ".sqlite3"


def check_format(source: Path) -> None:
    """Refuse anything but a whole, undamaged SQLite file."""
    header = read_header(source)
    if header.startswith(PGDUMP_MAGIC):
        raise UnusableBackup(
            f"{source} is a PostgreSQL dump, but this site runs on SQLite; nothing was restored."
        )
    if not header.startswith(SQLITE_MAGIC):
        raise UnusableBackup(f"{source} is not an SQLite database; nothing was restored.")
    expected, actual = _size_in_header(header), source.stat().st_size
    if actual < expected:
        raise UnusableBackup(
            f"{source} is truncated ({actual:,} of {expected:,} bytes); nothing was restored."
        )
    try:
        with closing(_open_backup(source)) as db:
            verdict = db.execute("PRAGMA integrity_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    if verdict != "ok":
        raise UnusableBackup(f"{source} is damaged ({verdict}); nothing was restored.")


def applied_migrations(source: Path) -> set[tuple[str, str]]:
    with closing(_open_backup(source)) as db:
        try:
            return set(db.execute("SELECT app, name FROM django_migrations"))
        except sqlite3.DatabaseError:
            raise UnusableBackup(
                f"{source} is an SQLite database without a django_migrations table, not a Commentariat "
                "database; nothing was restored."
            ) from None


def keep_current(target: Path) -> Path | None:
    """Copy the live database to target; None when there is none to keep."""
    live = _live_path()
    if not live.exists() or live.stat().st_size == 0:
        return None
    with closing(_open_live()) as db, closing(sqlite3.connect(target)) as copy:
        db.backup(copy)
    return target


def replace_with(source: Path) -> None:
    try:
        with closing(_open_backup(source)) as backup, closing(_open_live()) as db:
            backup.backup(db)
    except sqlite3.Error as error:
        raise UnusableBackup(f"{source} could not be copied in ({error}); nothing was restored.") from None


def _size_in_header(header: bytes) -> int:
    """The database size the header records, or 0 when it records none (https://sqlite.org/fileformat.html)."""
    # The page count is only valid when written by a version that also set "version-valid-for".
    if len(header) < 100 or header[92:96] != header[24:28]:
        return 0
    page_size = int.from_bytes(header[16:18], "big")
    page_count = int.from_bytes(header[28:32], "big")
    return (65536 if page_size == 1 else page_size) * page_count


def _open_backup(source: Path) -> sqlite3.Connection:
    # Immutable, so that no -wal or -shm file appears beside a backup; but a database copied with
    # its write-ahead log (or still in use) has committed pages there, which SQLite must read.
    has_log = source.with_name(f"{source.name}-wal").exists()
    options = "mode=ro" if has_log else "mode=ro&immutable=1"
    return sqlite3.connect(f"{source.resolve().as_uri()}?{options}", uri=True)


def _live_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _open_live() -> sqlite3.Connection:
    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 20)
    return sqlite3.connect(_live_path(), timeout=timeout)
