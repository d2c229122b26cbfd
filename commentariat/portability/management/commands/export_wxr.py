import os
import sys

from django.core.management.base import BaseCommand, CommandError

from commentariat.portability.wxr_export import export_wxr


class Command(BaseCommand):
    help = (
        "Write the whole site as a WordPress export (WXR 1.2), every status and every email: "
        "a backup for the operator, never something to publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--site-url", help="The site's public address (default: COMMENTARIAT_SITE_URL).")

    def handle(self, *args, output=None, site_url=None, **options):
        if not output:
            counts = export_wxr(sys.stdout.buffer, site_url=site_url)
            sys.stdout.buffer.flush()
            self._summary(counts, self.stderr)
            return
        partial = f"{output}.partial"
        try:
            with open(partial, "wb") as out:
                counts = export_wxr(out, site_url=site_url)
            os.replace(partial, output)  # a finished file, or none at all
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        finally:
            if os.path.exists(partial):
                os.remove(partial)
        self.stdout.write(f"Exported to {output}:")
        self._summary(counts, self.stdout)

    def _summary(self, counts, stream):
        for what, n in sorted(counts.items()):
            stream.write(f"  {what:<30} {n:>10,}")
