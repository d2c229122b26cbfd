import os
import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the site with the production server (granian, several workers)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("COMMENTARIAT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("COMMENTARIAT_WORKERS", "2")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("COMMENTARIAT_THREADS", "4")),
            help="Blocking threads per worker.",
        )

    def handle(self, *args, host, port, workers, threads, **options):
        granian = shutil.which("granian", path=str(Path(sys.executable).parent)) or shutil.which("granian")
        if granian is None:
            raise CommandError("granian is not installed in this environment.")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commentariat.settings.base")
        self.stdout.write(f"Serving on http://{host}:{port}/ with {workers} workers")
        sys.stdout.flush()
        os.execv(
            granian,
            [
                granian,
                "--interface",
                "wsgi",
                "--host",
                host,
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--blocking-threads",
                str(threads),
                "--respawn-failed-workers",
                "--log-level",
                "warning",
                "--no-ws",
                "commentariat.wsgi:application",
            ],
        )
