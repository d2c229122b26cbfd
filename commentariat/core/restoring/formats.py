"""What kind of file a backup is, from its first bytes."""

from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"  # pg_dump --format=custom, as `commentariat backup` writes on PostgreSQL


def read_header(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(100)
