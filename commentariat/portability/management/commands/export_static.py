import os
from pathlib import Path

from django.apps import apps
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from commentariat.portability.exceptions import StaticExportRefused
from commentariat.portability.static_export import ExportProgress, export_static_site


class Command(BaseCommand):
    help = (
        "Write the public site (posts, pages, discussions, feeds, sitemap, assets) into DIR as static "
        "files that any web server can serve at the site's root: an archive that needs no server."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="Where to write the site (new or empty).")
        parser.add_argument(
            "--force", action="store_true", help="Replace the contents of DIR if it is not empty."
        )

    def handle(self, *args, directory, force=False, **options):
        if not _static_files_collected():
            # Pages name static files by their hashed names: the manifest must list every file.
            call_command("collectstatic", interactive=False, verbosity=0)
        try:
            report = export_static_site(
                directory=Path(directory),
                force=force,
                progress=ExportProgress(getattr(self.stderr, "_out", self.stderr)),
            )
        except StaticExportRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"Exported the site to {Path(directory).resolve()}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")


def _static_files_collected() -> bool:
    """Whether every static file has its hashed name (always, with a storage that hashes none)."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return True
    listed = staticfiles_storage.hashed_files  # read from the manifest as the storage starts
    ignored = apps.get_app_config("staticfiles").ignore_patterns
    return all(
        name.replace(os.sep, "/") in listed
        for finder in finders.get_finders()
        for name, _storage in finder.list(ignored)
    )
