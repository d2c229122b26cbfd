import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from commentariat.core.pg_client import ClientFailed, dump


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
            try:
                dump(target)
            except ClientFailed as error:
                raise CommandError(str(error)) from None
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
