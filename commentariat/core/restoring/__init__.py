"""`commentariat restore`: put a backup in place of the site's database, or refuse and change nothing.

A file is checked before anything is touched: it must be a whole database of the kind the site
runs on (an SQLite file, or a pg_dump archive on PostgreSQL), its django_migrations table must
name this project's migrations, and none of them may be newer than this code knows (it could
not be migrated). The current database is then kept as a copy beside it, the file is copied in,
and migrations bring it to the current schema; if they fail, the kept copy goes back.
"""

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from ..exceptions import UnusableBackup
from ..page_cache import bump

# Migrations every Commentariat database has applied, from its first version on. App labels alone
# say little: many Django sites have a "core" or "search" app of their own.
SIGNATURE = {("publishing", "0001_initial"), ("discussion", "0001_initial")}


@dataclass
class Restored:
    vendor: str
    kept_copy: Path | None  # None when there was no database to keep


def restore_database(*, source: Path) -> Restored:
    """Replace the site's database with the backup at source and migrate it.

    Raises UnusableBackup, having changed nothing, if the file is not a Commentariat database
    this code can migrate, or if it could not be put in place.
    """
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise UnusableBackup(f"No restore method for {vendor}.")
    backend = import_module(f".{vendor}", __package__)
    backend.check_format(source)
    check_migrations(source, backend.applied_migrations(source))
    connection.close()
    kept = backend.keep_current(_kept_copy_path(backend.KEPT_SUFFIX))
    backend.replace_with(source)
    try:
        _migrate()
    except Exception as error:
        if kept is not None:
            backend.replace_with(kept)
        after = "the previous database is back" if kept else "there was no previous database to put back"
        raise UnusableBackup(
            f"{source} was copied in but could not be migrated ({error}); {after}."
        ) from error
    # Cached pages (kept on disk or in Redis across restarts) show what is no longer there.
    bump("site")
    return Restored(vendor=vendor, kept_copy=kept)


def check_migrations(source: Path, applied: set[tuple[str, str]]) -> None:
    """Refuse a database that is not this project's, or that a newer version has migrated."""
    if not SIGNATURE <= applied:
        raise UnusableBackup(
            f"{source} is not a Commentariat database (its migrations are another application's); "
            "nothing was restored."
        )
    known = _known_migrations()
    installed = {config.label for config in apps.get_app_configs()}
    newer = sorted(f"{app}.{name}" for app, name in applied if app in installed and (app, name) not in known)
    if newer:
        listed = ", ".join(newer[:3]) + (f" and {len(newer) - 3} more" if len(newer) > 3 else "")
        raise UnusableBackup(
            f"{source} comes from a newer version of Commentariat (migrations {listed} are unknown here): "
            "upgrade this site first; nothing was restored."
        )


def _known_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or ())  # a squashed migration's parts may be recorded
    return known


def _kept_copy_path(suffix: str) -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if connection.vendor == "sqlite":
        live = Path(settings.DATABASES["default"]["NAME"])
        return live.with_name(f"{live.stem}.before-restore-{stamp}{suffix}")
    return settings.DATA_DIR / "backups" / f"commentariat.before-restore-{stamp}{suffix}"


def _migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    connection.close()
