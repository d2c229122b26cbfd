"""Running Commentariat the way an operator does: the console script and the production server."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager


def operator_env(data_dir, extra_env=None) -> dict:
    """Production settings on a fresh data dir, SQLite unless extra_env names a DATABASE_URL."""
    env = {
        **os.environ,
        "COMMENTARIAT_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "commentariat.settings.base",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests, never in deployment
    env.update(extra_env or {})
    return env


def commentariat(data_dir, *args, extra_env=None, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "commentariat", *args],
        env=operator_env(data_dir, extra_env),
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang, not a speed test: a loaded CI machine is slow
        check=check,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(data_dir, extra_env=None, ready_path="/", workers=1):
    """`commentariat serve` (no task worker) until the block ends; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "commentariat",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-task-worker",
        ],
        env=operator_env(data_dir, extra_env),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + ready_path, timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers, even if with an error page
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)  # a graceful stop; on a loaded machine it can take a while
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@contextmanager
def fresh_postgresql_database(prefix: str):
    """A new, empty database on the PostgreSQL server of $DATABASE_URL, dropped when the block
    ends; yields its URL."""
    import psycopg

    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    server = f"postgres://{parts.username}@{parts.hostname}:{parts.port or 5432}"
    name = f"{prefix}_{os.getpid()}"
    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
