"""What the import-isso, import-remark42, import-commento and import-artalk commands share."""

from django.core.management.base import BaseCommand, CommandError

from commentariat.portability.exceptions import UnreadableExport
from commentariat.portability.progress import ProgressBar
from commentariat.portability.thread_import import nothing_taken


class ThreadImportCommand(BaseCommand):
    file_help = ""

    def run_import(self, path, *, site_url: str, on_thread):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument(
            "--site-url",
            default="",
            help="The old site's address (https://blog.example.org): a thread the file knows only by its path, "
            "with no post at that path here, then becomes the embedded thread of the old page.",
        )

    def handle(self, *args, file, site_url, **options):
        progress = _Progress()
        try:
            report = self.run_import(file, site_url=site_url, on_thread=progress)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        except UnreadableExport as error:
            raise CommandError(f"Cannot import {file}: {error}. Nothing was imported.") from None
        finally:
            progress.bar.done()
        self.stdout.write(f"Imported {file}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if nothing_taken(report):
            why = "none of its comments could be placed (the skipped items above say why)"
            raise CommandError(
                f"Nothing was imported from {file}: {why if report.skipped else 'it holds no comments'}."
            )


class _Progress:
    """The progress bar, moved by the posts stored: the whole file is read before the first."""

    def __init__(self):
        self.position = 0
        self.bar = ProgressBar(self, 1)

    def __call__(self, report, done: int, total: int) -> None:
        self.position, self.bar.total = done, max(total, 1)
        self.bar.update(report)
