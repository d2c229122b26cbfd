"""Mail as readers receive it: a real SMTP server on loopback (aiosmtpd); and the task worker."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address):
        return [message for rcpt, message in self.messages if address in rcpt]


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.COMMENTARIAT = {**settings.COMMENTARIAT, "SITE_URL": "http://testserver"}
    yield inbox
    controller.stop()


def link(message, path):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://testserver(/{path}/[^\s]+/)", text).group(1)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


class Clock:
    """Django's clock (timezone.now, which core/clock.py and the task queue read), moved on by the test."""

    def __init__(self):
        self.offset = timedelta()
        self._real_now = timezone.now

    def now(self):
        return self._real_now() + self.offset

    def advance(self, minutes: float):
        self.offset += timedelta(minutes=minutes)


@pytest.fixture
def clock():
    moved = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=moved.now):
        yield moved


class Worker:
    """`commentariat worker --batch` on the test's database, on the clock the test moves on."""

    def __init__(self, capture, clock):
        self.capture, self.clock = capture, clock

    def run(self):
        from django_tasks_db.models import DBTaskResult

        # What a task queues after its commit is queued when the run ends (the test's transaction).
        while DBTaskResult.objects.ready().exists():
            with self.capture(execute=True):
                call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)

    def wait(self, minutes: float):
        self.clock.advance(minutes)


@pytest.fixture
def worker(settings, django_capture_on_commit_callbacks, clock):
    """Tasks queue in the database (as under `make serve`) and run when the test says."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker would close the test's connection (and its transaction) between tasks.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        yield Worker(django_capture_on_commit_callbacks, clock)
