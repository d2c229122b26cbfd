import os
import sys

from django.core.management.base import BaseCommand, CommandError
from lxml import etree

from commentariat.portability.progress import CountingReader, ProgressBar
from commentariat.portability.report import xml_error_message
from commentariat.portability.wxr_import import NothingToImport, import_wxr


class Command(BaseCommand):
    help = "Import a WordPress export (WXR 1.0–1.2): authors, categories, tags, posts, pages, comments."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file from WordPress's Tools → Export.")
        parser.add_argument(
            "--progress-every", type=int, default=1000, metavar="N",
            help="Off a terminal, a progress line every N items (and every 10 seconds at most). Default 1000.",
        )  # fmt: skip

    def handle(self, *args, file, progress_every, **options):
        try:
            raw = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        with raw:
            reader = CountingReader(raw)
            # The bar goes where errors go (a terminal, or a log), never into the summary.
            progress = ProgressBar(
                reader, os.fstat(raw.fileno()).st_size, stream=options.get("stderr") or sys.stderr,
                line_items=max(progress_every, 1),
            )  # fmt: skip
            try:
                report = import_wxr(reader, on_item=progress.update)
            except etree.XMLSyntaxError as error:
                raise CommandError(xml_error_message(file, "WordPress export", error)) from None
            except NothingToImport as error:
                self._summary(file, error.report, heading="Read")
                raise CommandError(f"Nothing was imported from {file}: {error}.") from None
            finally:
                progress.done()
        self._summary(file, report, heading="Imported")

    def _summary(self, file, report, *, heading: str) -> None:
        self.stdout.write(f"{heading} {file}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
