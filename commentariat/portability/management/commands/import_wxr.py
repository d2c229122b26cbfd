import os

from django.core.management.base import BaseCommand, CommandError
from lxml import etree

from commentariat.portability.progress import CountingReader, ProgressBar
from commentariat.portability.report import xml_error_message
from commentariat.portability.wxr_import import import_wxr


class Command(BaseCommand):
    help = "Import a WordPress export (WXR 1.0–1.2): authors, categories, tags, posts, pages, comments."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file from WordPress's Tools → Export.")

    def handle(self, *args, file, **options):
        try:
            raw = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        with raw:
            reader = CountingReader(raw)
            progress = ProgressBar(reader, os.fstat(raw.fileno()).st_size)
            try:
                report = import_wxr(reader, on_item=progress.update)
            except etree.XMLSyntaxError as error:
                progress.done()
                raise CommandError(xml_error_message(file, "WordPress export", error)) from None
            progress.done()
        self.stdout.write(f"Imported {file}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
