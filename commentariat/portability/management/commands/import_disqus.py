import sys

from django.core.management.base import BaseCommand, CommandError
from lxml import etree

from commentariat.portability.disqus_import import COMMENTS_READ, import_disqus
from commentariat.portability.exceptions import UnreadableExport
from commentariat.portability.progress import ProgressBar
from commentariat.portability.report import xml_error_message
from commentariat.portability.thread_import import nothing_taken


class Command(BaseCommand):
    help = (
        "Import a Disqus XML export: each thread's comments under the post at the thread's address "
        "(or the one its identifier names), else as the embedded thread of its page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file from Disqus's export (Moderation → Export).")

    def handle(self, *args, file, **options):
        # The bar goes where errors go (a terminal, or a log), never into the summary.
        progress = _Progress(options.get("stderr") or sys.stderr)
        try:
            with open(file, "rb") as raw:
                report = import_disqus(raw, on_thread=progress)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        except etree.XMLSyntaxError as error:
            raise CommandError(xml_error_message(file, "Disqus export", error)) from None
        except UnreadableExport as error:
            raise CommandError(f"Cannot import {file}: {error}. Nothing was imported.") from None
        finally:
            progress.bar.done()
        self.stdout.write(f"Imported {file}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if nothing_taken(report):
            raise CommandError(f"Nothing was imported from {file}: {_why_nothing(report)}.")


def _why_nothing(report) -> str:
    read = report.counts[COMMENTS_READ]
    if not read:
        return "it has no <post> elements (Disqus's comments); is it a Disqus export?"
    return f"its {read:,} comment(s) matched no post here (the skipped threads above say why)"


class _Progress:
    """The progress bar, moved by the posts stored: the whole file is read before the first."""

    def __init__(self, stream):
        self.position = 0
        self.bar = ProgressBar(self, 1, stream=stream)

    def __call__(self, report, done: int, total: int) -> None:
        self.position, self.bar.total = done, max(total, 1)
        self.bar.update(report)
