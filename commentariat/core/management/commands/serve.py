import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Serve the site with the production server (granian, several workers) and one task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("COMMENTARIAT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("COMMENTARIAT_WORKERS", "2")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ["COMMENTARIAT_THREADS"])
            if os.environ.get("COMMENTARIAT_THREADS")
            else None,
            help="Blocking threads per worker (default: 1 on SQLite, 4 on PostgreSQL).",
        )
        parser.add_argument(
            "--interface",
            choices=["wsgi", "asgi"],
            default=os.environ.get("COMMENTARIAT_INTERFACE", "wsgi"),
            help="wsgi (default): pages with live updates poll for new comments; asgi: they keep a "
            "Server-Sent Events stream open, which costs a coroutine rather than a thread.",
        )
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Do not start a background task worker beside the server.",
        )

    def handle(self, *args, host, port, workers, threads, interface, no_task_worker, **options):
        granian = shutil.which("granian", path=str(Path(sys.executable).parent)) or shutil.which("granian")
        if granian is None:
            raise CommandError("granian is not installed in this environment.")
        _check_port_free(host, port)
        # With COMMENTARIAT_TASKS=immediate tasks run in the request: there is no queue to work on.
        no_task_worker = no_task_worker or "DatabaseBackend" not in settings.TASKS["default"]["BACKEND"]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commentariat.settings.base")
        if threads is None:
            # SQLite work is all in-process and holds the GIL, and writers queue for one lock:
            # more threads per worker only add waiting (comment POSTs/s fell by a third with 4).
            # PostgreSQL requests wait on the network, where threads help.
            threads = 1 if connection.vendor == "sqlite" else 4
        server_args = [
            granian,
            "--interface",
            "asginl" if interface == "asgi" else interface,  # Django has no lifespan events
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
            f"commentariat.{interface}:application",
        ]
        self.stdout.write(
            f"Serving on http://{host}:{port}/ with {workers} workers"
            + ("" if no_task_worker else " and a task worker")
        )
        sys.stdout.flush()
        if no_task_worker:
            os.execv(granian, server_args)
        self._supervise(server_args)

    def _supervise(self, server_args: list[str]) -> None:
        """Run the server and the task worker side by side; when one stops, stop the other."""
        worker = subprocess.Popen([sys.executable, "-m", "commentariat", "worker", "--verbosity", "0"])
        server = subprocess.Popen(server_args)

        def stop(signum, frame):
            for process in (server, worker):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = server.wait()
        stop(None, None)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        sys.exit(code)


def _check_port_free(host: str, port: int) -> None:
    """CommandError if host:port cannot be bound: granian binds with SO_REUSEPORT, so a second
    server on a port already served would start and silently share its connections."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise CommandError(f"Cannot serve on {host}: {error.strerror}.") from None
    # Without SO_REUSEPORT, as a first server binds; SO_REUSEADDR ignores closed connections.
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"Port {port} on {host} is already in use (another `commentariat serve`?); "
                    "stop that server or choose another port with --port or PORT."
                ) from None
            raise CommandError(f"Cannot serve on port {port} of {host}: {error.strerror}.") from None
