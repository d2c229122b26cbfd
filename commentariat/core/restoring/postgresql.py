"""Restoring on PostgreSQL, from the custom-format archive `commentariat backup` writes. The
archive is read through once before anything changes (pg_restore fails on a truncated one); the
restore runs in one transaction and first drops the tables the archive lacks (added by later
migrations), so that migrating an older backup starts from its own schema."""

import re
from pathlib import Path

from django.db import connection

from ..exceptions import UnusableBackup
from ..pg_client import ClientFailed, dump, restore, run
from .formats import PGDUMP_MAGIC, SQLITE_MAGIC, read_header

KEPT_SUFFIX = ".pgdump"
_COPY = re.compile(r"^COPY \S*django_migrations \((?P<columns>[^)]*)\) FROM stdin;$")
_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?P<schema>\S+) (?P<name>\S+) ")


def check_format(source: Path) -> None:
    """Refuse anything but a whole archive in pg_dump's custom format."""
    header = read_header(source)
    if header.startswith(SQLITE_MAGIC):
        raise UnusableBackup(
            f"{source} is an SQLite database, but this site runs on PostgreSQL; nothing was restored."
        )
    if not header.startswith(PGDUMP_MAGIC):
        raise UnusableBackup(
            f"{source} is not a PostgreSQL dump (pg_dump --format=custom); nothing was restored."
        )
    result = _pg_restore("--file=/dev/null", str(source))
    if result.returncode:
        raise UnusableBackup(
            f"{source} is damaged or truncated ({_first_line(result.stderr)}); nothing was restored."
        )


def applied_migrations(source: Path) -> set[tuple[str, str]]:
    rows = _pg_restore(
        "--data-only", "--table=django_migrations", "--file=-", str(source)
    ).stdout.splitlines()
    start = next((i for i, line in enumerate(rows) if _COPY.match(line)), None)
    if start is None:
        raise UnusableBackup(
            f"{source} is a PostgreSQL dump without a django_migrations table, not a Commentariat "
            "database; nothing was restored."
        )
    columns = [c.strip() for c in _COPY.match(rows[start])["columns"].split(",")]
    app, name = columns.index("app"), columns.index("name")
    applied = set()
    for line in rows[start + 1 :]:
        if line == "\\.":
            break
        values = line.split("\t")
        applied.add((values[app], values[name]))
    return applied


def keep_current(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        dump(target)
    except ClientFailed as error:
        raise UnusableBackup(
            f"The current database could not be kept ({error}); nothing was restored."
        ) from None
    return target


def replace_with(source: Path) -> None:
    in_archive = {match["name"] for line in _pg_restore("--list", str(source)).stdout.splitlines()
                  if (match := _TABLE.match(line)) and match["schema"] == "public"}  # fmt: skip
    extra = sorted(set(connection.introspection.table_names()) - in_archive)
    connection.close()
    drops = "".join(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)} CASCADE;" for name in extra)
    try:
        restore(source, first=drops or "SELECT 1")
    except ClientFailed as error:
        raise UnusableBackup(f"{source} could not be restored: {error}") from None


def _pg_restore(*args: str):
    try:
        return run("pg_restore", *args, connect=False)
    except ClientFailed as error:
        raise UnusableBackup(f"{error} Nothing was restored.") from None


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "no output")
