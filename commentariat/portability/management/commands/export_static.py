from pathlib import Path

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
        parser.add_argument("--force", action="store_true", help="Replace the contents of DIR if it is not empty.")

    def handle(self, *args, directory, force=False, **options):
        try:
            report = export_static_site(directory=Path(directory), force=force, progress=ExportProgress(getattr(self.stderr, "_out", self.stderr)))
        except StaticExportRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"Exported the site to {Path(directory).resolve()}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
