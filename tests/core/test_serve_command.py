"""`commentariat serve` starts granian with settings fitted to the database, on a port of its own."""

import os
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest
from django.core.management import call_command
from django.db import connection

from tests.operator import commentariat, free_port, operator_env, served


class Execed(Exception):
    pass


@pytest.fixture
def started(monkeypatch):
    """The granian command line serve would exec, instead of exec'ing it."""
    calls = []

    def execv(path, args):
        calls.append(args)
        raise Execed  # exec never returns

    monkeypatch.setattr("os.execv", execv)
    monkeypatch.delenv("COMMENTARIAT_THREADS", raising=False)
    return calls


def _option(args, name):
    return args[args.index(name) + 1]


@pytest.mark.parametrize(("vendor", "threads"), [("sqlite", "1"), ("postgresql", "4")])
def test_threads_per_worker_suit_the_database(started, monkeypatch, vendor, threads):
    monkeypatch.setattr(connection, "vendor", vendor)
    with pytest.raises(Execed):
        call_command("serve", "--no-task-worker", "--port", str(port := free_port()))
    (args,) = started
    assert _option(args, "--blocking-threads") == threads and _option(args, "--port") == str(port)
    assert args[-1] == "commentariat.wsgi:application"


def test_threads_can_be_chosen(started):
    with pytest.raises(Execed):
        call_command("serve", "--no-task-worker", "--threads", "3", "--workers", "4", "--port", str(free_port()))
    (args,) = started
    assert _option(args, "--blocking-threads") == "3" and _option(args, "--workers") == "4"


def test_asgi_serves_the_asgi_application_without_lifespan_events(started):
    with pytest.raises(Execed):
        call_command("serve", "--no-task-worker", "--interface", "asgi", "--port", str(free_port()))
    (args,) = started
    assert _option(args, "--interface") == "asginl" and args[-1] == "commentariat.asgi:application"


def _serve_again(data_dir, port: int) -> subprocess.CompletedProcess:
    """`commentariat serve` on port, as an operator runs it; killed (with its workers) if it is
    still running after 30 s, which is itself the failure."""
    process = subprocess.Popen(
        [sys.executable, "-m", "commentariat", "serve", "--port", str(port), "--no-task-worker"],
        env=operator_env(data_dir),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"serve started on port {port}, which was already in use")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize("reuse_port", [False, True], ids=["plain listener", "SO_REUSEPORT listener"])
def test_serve_refuses_a_port_already_in_use(tmp_path, reuse_port):
    with socket.socket() as listener:
        if reuse_port:  # as granian binds: a second one could join it
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        result = _serve_again(tmp_path, port)
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Serving on" not in result.stdout and result.stderr.count("\n") == 1


def test_a_second_serve_on_a_served_port_is_refused(tmp_path):
    commentariat(tmp_path, "migrate", "--noinput", "-v0")
    with served(tmp_path, ready_path="/healthz") as base:
        port = int(base.rsplit(":", 1)[1])
        result = _serve_again(tmp_path, port)
        assert result.returncode != 0 and f"Port {port} on 127.0.0.1 is already in use" in result.stderr
        assert urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200  # the first one serves on


@pytest.fixture
def read_only_data_dir(tmp_path):
    """A data dir on a read-only mount (a bind mount of a migrated one; needs root, skipped otherwise)."""
    source, mounted = tmp_path / "data", tmp_path / "read-only"
    source.mkdir()
    mounted.mkdir()
    commentariat(source, "migrate", "--noinput", "-v0")
    if subprocess.run(["mount", "--bind", str(source), str(mounted)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mounted)], check=True)
        yield mounted
    finally:
        subprocess.run(["umount", "-l", str(mounted)], check=False)


def test_serve_on_a_read_only_data_dir_says_so_in_one_line(read_only_data_dir):
    result = commentariat(read_only_data_dir, "serve", "--port", "0", "--no-task-worker", check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"the data dir {read_only_data_dir} cannot be written to (Read-only file system)" in result.stderr


def test_no_task_worker_when_tasks_run_in_the_request(started, settings, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with pytest.raises(Execed):  # granian alone: nothing is queued for a worker to run
        call_command("serve", "--port", str(free_port()))
    assert "and a task worker" not in capsys.readouterr().out
