import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from commentariat.core.page_cache import bump

from .backup import _pg_connection_args, _pg_env


class Command(BaseCommand):
    help = "Restore the database from a file written by `commentariat backup`. Replaces what is there."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file, yes, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"No backup at {source}.")
        if not yes and input(f"Replace the current database with {source}? [y/N] ").strip().lower() != "y":
            raise CommandError("Nothing restored.")
        vendor = connection.vendor
        connection.close()
        if vendor == "sqlite":
            _restore_sqlite(source, settings.DATABASES["default"]["NAME"])
        elif vendor == "postgresql":
            _restore_postgres(source, settings.DATABASES["default"])
        else:
            raise CommandError(f"No restore method for {vendor}.")
        # Cached pages (kept on disk or in Redis across restarts) show what is no longer there.
        bump("site")
        self.stdout.write(f"Restored the {vendor} database from {source}.")


def _restore_sqlite(source: Path, target: str) -> None:
    backup, live = sqlite3.connect(source), sqlite3.connect(target)
    try:
        if backup.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise CommandError(f"{source} is damaged; nothing restored.")
        backup.backup(live)
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{source} is not a usable SQLite backup: {error}") from None
    finally:
        backup.close()
        live.close()


def _restore_postgres(source: Path, database: dict) -> None:
    if shutil.which("pg_restore") is None:
        raise CommandError("pg_restore is not installed (apt-get install postgresql-client).")
    result = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *_pg_connection_args(database),
            str(source),
        ],
        env=_pg_env(database),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
