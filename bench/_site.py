"""A throwaway Commentariat site for benchmarks: its own data dir, a seeded post, a server to load."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

VENV_PYTHON = str(Path(sys.executable))

SEED = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from commentariat.discussion.services import submit_comment
from commentariat.moderation.models import ModerationPolicy
from commentariat.publishing.models import Post

policy = ModerationPolicy.current()
policy.flood_limit_per_minute = 0  # the load comes from one address
policy.save()
author = get_user_model().objects.create(username="bench")
post = Post.objects.create(title="Load test", slug="load-test", author=author, body="Words. " * 300,
                           status="published", published_at=timezone.now())
for i in range(20):
    submit_comment(post=post, parent=None, author_name=f"Reader {i}", author_email=f"r{i}@example.org",
                   body=f"Seed comment {i}")
print(post.get_absolute_url())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """Data dir + seeded post; start() and kill() the production server as often as needed."""

    def __init__(self, database_url: str | None = None):
        self.work = Path(tempfile.mkdtemp(prefix="commentariat-load-"))
        self.env = {
            **os.environ,
            "COMMENTARIAT_DATA_DIR": str(self.work),
            "DJANGO_SETTINGS_MODULE": "commentariat.settings.base",
            "COMMENTARIAT_INITIAL_MODERATION_MODE": "hold_none",
            "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0",
        }
        self.env.pop("REDIS_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        else:
            self.env.pop("DATABASE_URL", None)
        self.port = free_port()
        self.server = None
        self.run("migrate", "-v0")
        self.run("collectstatic", "--noinput", "-v0")
        self.post_path = self.run("shell", "-v0", "-c", SEED).strip().splitlines()[-1]

    @property
    def database(self) -> Path:
        return self.work / "commentariat.sqlite3"

    def run(self, *args) -> str:
        return subprocess.run(
            [VENV_PYTHON, "-m", "commentariat", *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self, workers: int = 2) -> None:
        self.server = subprocess.Popen(
            [
                VENV_PYTHON,
                "-m",
                "commentariat",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--no-task-worker",
            ],
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.server is not None:
            try:
                os.killpg(self.server.pid, sig)
            except ProcessLookupError:
                pass
            self.server.wait(timeout=15)
            self.server = None

    def cleanup(self) -> None:
        self.kill(signal.SIGTERM)
        shutil.rmtree(self.work, ignore_errors=True)


class Commenter:
    """One reader's browser: loads the form once, then posts comments with its tokens."""

    _CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    _STARTED = re.compile(r'name="started" value="([^"]+)"')

    def __init__(self, port: int, post_path: str):
        self.port, self.post_path = port, post_path
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.csrf = self.started = ""

    def load_form(self) -> None:
        self.connection.request("GET", self.post_path, headers={"Cookie": self.cookie})
        response = self.connection.getresponse()
        page = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookie = value.split(";", 1)[0]
        token = self._CSRF.search(page)  # only in a personal page; shared ones are checked by Origin
        self.csrf, self.started = token.group(1) if token else "", self._STARTED.search(page).group(1)

    def post(self, text: str, parent: int | None = None) -> int:
        """Send one comment; the HTTP status (302 means it was stored and acknowledged)."""
        fields = {
            "csrfmiddlewaretoken": self.csrf,
            "started": self.started,
            "author_name": "Load Tester",
            "author_email": "load@example.org",
            "body": text,
        }
        if parent:
            fields["parent"] = str(parent)
        self.connection.request(
            "POST",
            self.post_path + "comments/",
            body=urllib.parse.urlencode(fields),
            headers={
                "Cookie": self.cookie,
                "Referer": f"http://127.0.0.1:{self.port}/",
                "Origin": f"http://127.0.0.1:{self.port}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = self.connection.getresponse()
        response.read()
        return response.status
