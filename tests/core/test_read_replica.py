"""A read replica behind the real server: lagging reads where they are harmless, never where a reader
would miss their own comment or a shared page would go stale.

The replica here is a copy of the site's SQLite file taken before the comment is written, so it lags
for ever: every answer shows which database it was read from."""

import http.cookiejar
import json
import sqlite3
import urllib.request

import pytest

from tests.operator import commentariat, served

SLUG = "why-we-number-our-comments"
POST = f"/2026/11/{SLUG}/"


def _env(replica):
    return {
        "REDIS_URL": "",
        "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0",
        "COMMENTARIAT_INITIAL_MODERATION_MODE": "hold_none",
        "COMMENTARIAT_PAGE_CACHE": "1",
        "DATABASE_REPLICA_URL": f"sqlite:///{replica}",
    }


@pytest.fixture(scope="module")
def site_with_stale_replica(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("replica-site")
    replica = tmp_path / "replica.sqlite3"
    env = _env(replica)
    without_replica = {**env, "DATABASE_REPLICA_URL": ""}
    commentariat(tmp_path, "migrate", "--noinput", "-v0", extra_env=without_replica)
    commentariat(tmp_path, "collectstatic", "--noinput", "-v0", extra_env=without_replica)
    commentariat(tmp_path, "load-demo-site", extra_env=without_replica)
    with sqlite3.connect(tmp_path / "commentariat.sqlite3") as primary, sqlite3.connect(replica) as copy:
        primary.backup(copy)
    with served(tmp_path, env) as base:
        yield base, tmp_path, env


def _open(opener, url, data=None):
    headers = {"Content-Type": "application/json", "Origin": url.split("/api/")[0]} if data else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    with opener.open(request, timeout=30) as response:
        return response.status, response.read().decode()


def _post_id(base) -> int:
    _, body = _open(urllib.request.build_opener(), base + "/api/posts")
    return next(item["id"] for item in json.loads(body)["items"] if item["slug"] == SLUG)


def test_a_writer_reads_the_primary_others_the_replica_and_shared_pages_the_primary(site_with_stale_replica):
    base, data_dir, env = site_with_stale_replica
    post_id = _post_id(base)
    writer_cookies = http.cookiejar.CookieJar()
    writer = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(writer_cookies))
    comment = {"author_name": "Replica Tester", "author_email": "rt@example.org", "body": "Written to the primary."}
    status, _ = _open(writer, f"{base}/api/posts/{post_id}/comments", json.dumps(comment).encode())
    assert status == 201
    assert "commentariat_wrote" in {cookie.name for cookie in writer_cookies}

    thread = f"{base}/api/posts/{post_id}/comments"
    # The writer's next reads go to the primary: their comment is there.
    assert "Written to the primary." in _open(writer, thread)[1]
    assert "Written to the primary." in _open(writer, base + POST)[1]
    # Another reader's API read goes to the (stale) replica: proof that the replica is used.
    stranger = urllib.request.build_opener()
    assert "Written to the primary." not in _open(stranger, thread)[1]
    # A page that is shared (page cache, Varnish) is always read from the primary.
    for _ in range(2):  # the miss that stores it, then the hit
        assert "Written to the primary." in _open(stranger, base + POST)[1]


def test_commands_and_the_task_worker_read_the_primary(site_with_stale_replica):
    _, data_dir, env = site_with_stale_replica
    commentariat(
        data_dir,
        "shell",
        "-c",
        "from commentariat.discussion.services import submit_comment\n"
        "from commentariat.publishing.models import Post\n"
        f"post = Post.objects.get(slug='{SLUG}')\n"
        "submit_comment(post=post, parent=None, author_name='Shell', author_email='s@example.org',"
        " body='From a command.')",
        extra_env=env,
    )
    found = commentariat(
        data_dir,
        "shell",
        "-c",
        "from commentariat.discussion.models import Comment\n"
        "print(Comment.objects.filter(body__contains='From a command.').count())",
        extra_env=env,
    )
    assert found.stdout.strip().splitlines()[-1] == "1"


@pytest.mark.django_db(transaction=True)
def test_the_router_keeps_writes_and_transactions_on_the_primary():
    from django.db import transaction

    from commentariat.core import replica

    router = replica.ReplicaRouter()
    assert router.db_for_read(None) == "default"  # outside a request
    token = replica._current.set(replica._Reads(replica_allowed=True))
    try:
        assert router.db_for_read(None) == "replica"
        with transaction.atomic():  # what is being written is read back from the primary
            assert router.db_for_read(None) == "default"
        assert router.db_for_write(None) == "default"
        assert router.db_for_read(None) == "default"  # after a write, for the rest of the request
    finally:
        replica._current.reset(token)
    assert router.allow_migrate("replica", "discussion") is False
