"""Broken dependencies get a clear answer and lose nothing: Redis away, a full or read-only disk,
and /healthz telling the operator which."""

import json
import logging
import os
import re
import shutil
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
import redis

from commentariat.core.cache import ResilientRedisCache, SharedDiskCache
from tests.operator import commentariat, free_port, served
from tests.tcp_proxy import TcpProxy

POST_PATH = "/2026/11/why-we-number-our-comments/"


def _redis_available() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False


needs_redis = pytest.mark.skipif(not _redis_available(), reason="no Redis on 127.0.0.1:6379")


def _cache(port: int) -> ResilientRedisCache:
    return ResilientRedisCache(
        f"redis://127.0.0.1:{port}/14",
        {
            "KEY_PREFIX": f"faults-{free_port()}",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        },
    )


def test_without_redis_the_cache_misses_and_rate_limits_count_in_the_process(caplog):
    cache = _cache(free_port())  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="commentariat.core.cache"):
        assert cache.get("pagecache:page:x") is None
        assert cache.set("pagecache:page:x", "page") is False
        assert cache.add("ratelimit:flood:ip:1:0", 0) is True
        assert [cache.incr("ratelimit:flood:ip:1:0") for _ in range(3)] == [1, 2, 3]
        assert cache.get_many(["ratelimit:flood:ip:1:0", "other"]) == {"ratelimit:flood:ip:1:0": 3}
    assert sum("Redis unreachable" in record.message for record in caplog.records) == 1  # logged once


@needs_redis
def test_when_redis_comes_back_cached_pages_are_invalidated():
    from commentariat.core.page_versions import CacheVersions

    proxy = TcpProxy(6379).start()
    cache = _cache(proxy.port)
    cache.RETRY_SECONDS = 0
    key = CacheVersions.PREFIX + "site"
    cache.set(key, 10, timeout=None)
    proxy.cut()
    assert cache.get(key) is None  # away: a miss
    proxy.start()
    assert cache.get("anything") is None  # back: the first call notices ...
    assert cache.get(key) == 11  # ... and bumps the site's version
    proxy.cut()


def test_a_refused_disk_cache_write_fails_like_a_cache_write(tmp_path, monkeypatch):
    cache = SharedDiskCache(str(tmp_path / "cache"), {"SHARDS": 1})

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("diskcache.DjangoCache.add", full)
    monkeypatch.setattr("diskcache.DjangoCache.incr", full)
    assert cache.add("ratelimit:x", 0) is False and cache.incr("ratelimit:x") is None


def _comment(base: str, opener, body: str, **fields):
    page = opener.open(base + POST_PATH).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)  # only on a personal page
    data = {
        **({"csrfmiddlewaretoken": token.group(1)} if token else {}),
        "started": re.search(r'name="started" value="([^"]+)"', page).group(1),
        "author_name": "Outage Reader", "author_email": "outage@example.org", "body": body, **fields,
    }  # fmt: skip
    request = urllib.request.Request(
        base + POST_PATH + "comments/",
        data=urllib.parse.urlencode(data).encode(),
        headers={"Referer": base, "Origin": base, "Sec-Fetch-Site": "same-origin"},  # a browser's POST
    )
    try:
        with opener.open(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def database_env(tmp_path):
    """The database the suite runs on: a fresh PostgreSQL database in the PostgreSQL pass of CI
    (the scale set-up, whose Redis is the one that can go away), SQLite in the data dir otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield {}
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"commentariat_faults_{os.getpid()}"
    admin = psycopg.connect(f"postgres://{parts.username}@{parts.hostname}:{parts.port or 5432}/postgres",
                            autocommit=True)  # fmt: skip
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": f"postgres://{parts.username}@{parts.hostname}:{parts.port or 5432}/{name}"}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def demo_site(tmp_path, database_env):
    env = {**database_env, "REDIS_URL": ""}
    commentariat(tmp_path, "migrate", "--noinput", "-v0", extra_env=env)
    commentariat(tmp_path, "collectstatic", "--noinput", "-v0", extra_env=env)
    commentariat(tmp_path, "load-demo-site", extra_env=env)
    return tmp_path, database_env


def test_with_redis_unreachable_readers_comment_staff_log_in_and_the_api_answers(demo_site):
    demo_site, database_env = demo_site
    dead_redis = {**database_env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0",
                  "COMMENTARIAT_INITIAL_MODERATION_MODE": "hold_none"}  # fmt: skip
    commentariat(demo_site, "shell", "-c", "from django.contrib.auth import get_user_model; "
                 "get_user_model().objects.create_superuser('boss', 'boss@example.org', 'pw')",
                 extra_env=dead_redis)  # fmt: skip
    with served(demo_site, dead_redis) as base:
        reader = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        status, page = _comment(base, reader, "Sent while Redis was away.")
        assert status == 200 and "Sent while Redis was away." in page
        staff = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        login = staff.open(base + "/admin/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
        form = {"csrfmiddlewaretoken": token, "username": "boss", "password": "pw", "next": "/moderation/"}
        request = urllib.request.Request(base + "/admin/login/", data=urllib.parse.urlencode(form).encode(),
                                         headers={"Referer": base + "/admin/login/"})  # fmt: skip
        with staff.open(request) as answer:
            assert answer.status == 200 and answer.url.endswith("/moderation/")
        body = json.dumps({"author_name": "Api", "author_email": "api@example.org", "author_url": "",
                           "body": "By the API while Redis was away."}).encode()  # fmt: skip
        api = urllib.request.Request(base + "/api/posts/2/comments", data=body,
                                     headers={"Content-Type": "application/json"})  # fmt: skip
        with urllib.request.urlopen(api) as answer:
            assert answer.status == 201
        health = _json(base + "/healthz")
        assert health["cache"] == "unreachable" and health["database"] == "ok"
    stored = commentariat(demo_site, "shell", "-c", "from commentariat.discussion.models import Comment; "
                          "print(sorted(Comment.objects.values_list('body', flat=True)))", extra_env=dead_redis)  # fmt: skip
    assert (
        "Sent while Redis was away." in stored.stdout and "By the API while Redis was away." in stored.stdout
    )


def _json(url: str) -> dict:
    try:
        with urllib.request.urlopen(url) as answer:
            return {"http": answer.status, **json.loads(answer.read())}
    except urllib.error.HTTPError as error:
        return {"http": error.code, **json.loads(error.read())}


@pytest.fixture
def read_only_database():
    """The database answers but refuses writes, as a read-only file, disk or replica does."""
    from django.db import connection

    def set_read_only(on: bool):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")
            else:
                cursor.execute(f"SET SESSION CHARACTERISTICS AS TRANSACTION READ {'ONLY' if on else 'WRITE'}")

    set_read_only(True)
    yield
    set_read_only(False)


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_a_database_that_refuses_writes(client, read_only_database):
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["database"] == "read-only"


@pytest.mark.django_db(transaction=True)
def test_a_comment_sent_to_a_read_only_database_is_told_it_was_not_saved(client, post, read_only_database):
    from tests.factories import comment_form

    answer = client.post(
        f"{post.get_absolute_url()}comments/", comment_form(body="Into a read-only database.")
    )
    assert answer.status_code == 503 and int(answer["Retry-After"]) > 0
    assert "What you sent was not saved." in answer.content.decode()


def test_healthz_reports_a_full_disk(tmp_path, monkeypatch, settings, client):
    from commentariat.core import health

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(health.shutil, "disk_usage", lambda path: usage._replace(free=1024))
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["disk"] == "full"
