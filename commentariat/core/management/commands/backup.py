import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "Back up the database: SQLite's online backup, or pg_dump on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: DATA_DIR/backups/<timestamp>).")

    def handle(self, *args, output, **options):
        vendor = connection.vendor
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        suffix = "sqlite3" if vendor == "sqlite" else "pgdump"
        target = Path(output or settings.DATA_DIR / "backups" / f"commentariat-{stamp}.{suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if vendor == "sqlite":
            _backup_sqlite(settings.DATABASES["default"]["NAME"], target)
        elif vendor == "postgresql":
            _backup_postgres(settings.DATABASES["default"], target)
        else:
            raise CommandError(f"No backup method for {vendor}.")
        self.stdout.write(f"Backed up the {vendor} database to {target} ({target.stat().st_size:,} bytes).")


def _backup_sqlite(source: str, target: Path) -> None:
    # The online backup API copies a consistent snapshot while the site keeps serving.
    live, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        live.backup(copy)
    finally:
        live.close()
        copy.close()


def _backup_postgres(database: dict, target: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise CommandError("pg_dump is not installed (apt-get install postgresql-client).")
    result = subprocess.run(
        ["pg_dump", "--format=custom", f"--file={target}", *_pg_connection_args(database)],
        env=_pg_env(database),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")


def _pg_connection_args(database: dict) -> list[str]:
    args = [f"--dbname={database['NAME']}"]
    if database.get("HOST"):
        args.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        args.append(f"--port={database['PORT']}")
    if database.get("USER"):
        args.append(f"--username={database['USER']}")
    return args


def _pg_env(database: dict) -> dict:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env
