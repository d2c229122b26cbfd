from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commentariat.core.exceptions import UnusableBackup
from commentariat.core.restoring import restore_database


class Command(BaseCommand):
    help = (
        "Restore the database from a file written by `commentariat backup`, keeping the current one "
        "beside it, and migrate it to this version's schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file, yes, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"No backup at {source}; nothing was restored.")
        if not yes and not _confirmed(f"Replace the current database with {source}? [y/N] "):
            raise CommandError("Nothing was restored.")
        try:
            restored = restore_database(source=source)
        except UnusableBackup as error:
            raise CommandError(" ".join(str(error).split())) from None  # one line, even for pg_restore's
        kept = (
            f"the previous one is kept at {restored.kept_copy}"
            if restored.kept_copy
            else "there was none before"
        )
        self.stdout.write(f"Restored the {restored.vendor} database from {source} and migrated it; {kept}.")


def _confirmed(question: str) -> bool:
    try:
        return input(question).strip().lower() == "y"
    except EOFError:  # no terminal to answer: only --yes restores
        return False
