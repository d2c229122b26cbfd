"""`commentariat serve` starts granian with settings fitted to the database."""

import pytest
from django.core.management import call_command
from django.db import connection


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
        call_command("serve", "--no-task-worker", "--port", "8123")
    (args,) = started
    assert _option(args, "--blocking-threads") == threads and _option(args, "--port") == "8123"
    assert args[-1] == "commentariat.wsgi:application"


def test_threads_can_be_chosen(started):
    with pytest.raises(Execed):
        call_command("serve", "--no-task-worker", "--threads", "3", "--workers", "4")
    (args,) = started
    assert _option(args, "--blocking-threads") == "3" and _option(args, "--workers") == "4"
