"""The site as an operator meets it: the console script, a fresh data dir, the demo loader."""

import http.cookiejar
import os
import re
import sqlite3
import stat
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.management import call_command

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post
from tests.operator import commentariat, free_port, served


def test_fresh_data_dir_gets_a_kept_secret_key_and_a_wal_sqlite_database(tmp_path):
    commentariat(tmp_path, "migrate", "--noinput", "-v0")
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first_key = key_file.read_text()
    commentariat(tmp_path, "check")
    assert key_file.read_text() == first_key
    with sqlite3.connect(tmp_path / "commentariat.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_console_script_accepts_hyphenated_command_names(tmp_path):
    result = commentariat(tmp_path, "load-demo-site", "--help")
    assert "Load the demo site" in result.stdout


@pytest.mark.django_db
def test_demo_site_loads_a_long_discussion_and_a_second_run_changes_nothing():
    call_command("load_demo_site", stdout=open(os.devnull, "w"))
    snapshot = (
        list(Post.objects.values_list("pk", "updated_at", "comment_count")),
        list(Comment.objects.values_list("pk", "number", "updated_at")),
    )
    call_command("load_demo_site", stdout=open(os.devnull, "w"))
    assert (
        list(Post.objects.values_list("pk", "updated_at", "comment_count")),
        list(Comment.objects.values_list("pk", "number", "updated_at")),
    ) == snapshot
    long_post = Post.objects.get(slug="library-levy-and-trust")
    assert long_post.comment_count >= 20
    assert long_post.body_html.count("<blockquote>") >= 3
    assert Comment.objects.filter(post=long_post, depth=2).exists()


@pytest.fixture
def served_site(tmp_path):
    """The demo site under the production server, on SQLite in a fresh data dir, with a 1 s lock timeout."""
    commentariat(tmp_path, "migrate", "--noinput", "-v0")
    commentariat(tmp_path, "collectstatic", "--noinput", "-v0")
    commentariat(tmp_path, "load-demo-site")
    settings = {"COMMENTARIAT_SQLITE_TIMEOUT": "1", "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0"}
    with served(tmp_path, settings) as base:
        yield base, tmp_path / "commentariat.sqlite3"


def _post_comment(base: str, path: str, body: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + path).read().decode()
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)  # only on a personal page
    data = urllib.parse.urlencode(
        {
            **({"csrfmiddlewaretoken": token.group(1)} if token else {}),
            "started": started,
            "author_name": "Lock Tester",
            "author_email": "lock@example.org",
            "body": body,
        }
    ).encode()
    # As a browser sends it from the shared page: no token, its origin (core/csrf.py).
    headers = {"Referer": base + path, "Origin": base, "Sec-Fetch-Site": "same-origin"}
    request = urllib.request.Request(base + path + "comments/", data=data, headers=headers)
    try:
        with opener.open(request) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


def test_locked_database_tells_the_commenter_to_retry_and_then_recovers(served_site):
    base, database = served_site
    path = "/2026/11/why-we-number-our-comments/"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        status, headers, body = _post_comment(base, path, "Sent while the database was locked.")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 503
    assert int(headers["retry-after"]) > 0
    assert "What you sent was not saved." in body
    status, _, body = _post_comment(base, path, "Sent after the lock was released.")
    assert status == 200 and "Sent after the lock was released." in body
    with sqlite3.connect(database) as db:
        bodies = [row[0] for row in db.execute("SELECT body FROM discussion_comment")]
    assert "Sent while the database was locked." not in bodies
    assert "Sent after the lock was released." in bodies


def test_unreachable_database_gives_readers_a_503_page_not_a_stack_trace(tmp_path):
    """PostgreSQL down (nothing listens on the port): pages and /healthz say so, and retry is advised."""
    down = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nowhere", "REDIS_URL": ""}
    commentariat(tmp_path, "collectstatic", "--noinput", "-v0", extra_env=down)
    with served(tmp_path, down, ready_path="/static/commentariat/css/site.css") as base:
        for path in ("/", "/healthz"):
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(base + path, timeout=30)
            body = answer.value.read().decode()
            assert answer.value.code == 503 and "Traceback" not in body
            if path == "/":
                assert int(answer.value.headers["Retry-After"]) > 0
                assert "busy for a moment" in body


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs in the PostgreSQL pass of .ci/run",
)
def test_site_recovers_by_itself_when_postgresql_comes_back(tmp_path):
    from urllib.parse import urlsplit

    import psycopg

    from tests.tcp_proxy import TcpProxy

    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"commentariat_outage_test_{os.getpid()}"
    admin = psycopg.connect(f"postgres://{url.username}@{url.hostname}:{url.port}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    proxy = TcpProxy(url.port or 5432).start()
    env = {"DATABASE_URL": f"postgres://{url.username}@127.0.0.1:{proxy.port}/{name}", "REDIS_URL": ""}
    try:
        commentariat(tmp_path, "migrate", "-v0", extra_env=env)
        commentariat(tmp_path, "collectstatic", "--noinput", "-v0", extra_env=env)
        commentariat(tmp_path, "load-demo-site", extra_env={**env, "COMMENTARIAT_PAGE_CACHE": "0"})
        with served(tmp_path, {**env, "COMMENTARIAT_PAGE_CACHE": "0"}) as base:
            assert urllib.request.urlopen(base + "/", timeout=30).status == 200
            proxy.cut()
            with pytest.raises(urllib.error.HTTPError) as down:
                urllib.request.urlopen(base + "/", timeout=30)
            assert down.value.code == 503
            proxy.start()  # the database is back, on the same address
            answers = []
            for _ in range(20):
                try:
                    answers.append(urllib.request.urlopen(base + "/", timeout=30).status)
                    break
                except urllib.error.HTTPError as error:
                    answers.append(error.code)
                    time.sleep(0.2)
            assert answers[-1] == 200, answers
    finally:
        proxy.cut()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 96 MB tmpfs of our own (the collected static files take ~40 MB), so that the test can
    fill it (needs root; skipped otherwise)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_full_disk_tells_the_commenter_nothing_was_saved_and_recovers(small_disk):
    commentariat(small_disk, "migrate", "--noinput", "-v0")
    commentariat(small_disk, "load-demo-site")
    commentariat(small_disk, "collectstatic", "--noinput", "-v0")
    database = small_disk / "commentariat.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # so that the next write must grow a file
    path = "/2026/11/why-we-number-our-comments/"
    settings = {
        "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0",
        "COMMENTARIAT_INITIAL_MODERATION_MODE": "hold_none",
    }
    with served(small_disk, settings) as base:
        filler = small_disk / "filler"
        # Closing the file can fail too (bytes still buffered when the disk filled).
        try:
            with open(filler, "wb") as handle:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
        except OSError:
            pass
        status, _, body = _post_comment(base, path, "Sent while the disk was full.")
        assert status == 503 and "What you sent was not saved." in body
        filler.unlink()
        status, _, body = _post_comment(base, path, "Sent after space was freed.")
        assert status == 200 and "Sent after space was freed." in body
    with sqlite3.connect(database) as db:
        bodies = {row[0] for row in db.execute("SELECT body FROM discussion_comment")}
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "Sent while the disk was full." not in bodies and "Sent after space was freed." in bodies
