"""What an operator runs and watches: health checks, headers, deploy checks, backups, the worker, logs."""

import json
import logging
import os
import re
import shutil
import sqlite3
from unittest import mock

import psycopg
import pytest
from django.db import OperationalError

from commentariat.core.logging import JSONFormatter
from tests.operator import commentariat


@pytest.mark.django_db
def test_healthz_reports_database_and_cache_without_secrets(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "disk": "ok"}
    assert settings.SECRET_KEY not in response.content.decode()


@pytest.mark.django_db
def test_healthz_says_unavailable_when_the_database_is_down(client):
    with mock.patch("commentariat.core.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_pages_send_security_headers_and_carry_no_inline_script(client, post):
    response = client.get(post.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts and all("src=" in attrs or "application/ld+json" in attrs for attrs in scripts)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = commentariat(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        check=False,
        extra_env={"COMMENTARIAT_HTTPS": "1", "COMMENTARIAT_ALLOWED_HOSTS": "comments.example.org"},
    )
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_backup_and_restore_bring_back_what_was_there(tmp_path):
    commentariat(tmp_path, "migrate", "-v0")
    commentariat(tmp_path, "load-demo-site")
    backup = tmp_path / "site.sqlite3"
    assert "Backed up" in commentariat(tmp_path, "backup", "--output", str(backup)).stdout
    database = tmp_path / "commentariat.sqlite3"
    with sqlite3.connect(database) as db:
        before = db.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0]
        db.execute("DELETE FROM moderation_moderationaction")
        db.execute("DELETE FROM discussion_comment WHERE parent_id IS NOT NULL")
    commentariat(tmp_path, "restore", str(backup), "--yes")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0] == before
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    commentariat(tmp_path, "migrate", "-v0")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = commentariat(tmp_path, "restore", str(junk), "--yes", check=False)
    assert result.returncode != 0 and "not a usable SQLite backup" in result.stderr


def test_worker_runs_queued_tasks(tmp_path):
    commentariat(tmp_path, "migrate", "-v0")
    enqueue = (
        "from commentariat.moderation.tasks import purge_removed_comments;"
        "print(purge_removed_comments.enqueue().id)"
    )
    commentariat(tmp_path, "shell", "-v0", "-c", enqueue)
    commentariat(tmp_path, "worker", "--batch")
    with sqlite3.connect(tmp_path / "commentariat.sqlite3") as db:
        statuses = [row[0] for row in db.execute("SELECT status FROM django_tasks_database_dbtaskresult")]
    assert statuses == ["SUCCESSFUL"]


def test_json_log_lines_are_one_object_each():
    record = logging.LogRecord("commentariat", logging.WARNING, __file__, 1, "Database %s", ("busy",), None)
    entry = json.loads(JSONFormatter().format(record))
    assert entry["level"] == "WARNING" and entry["message"] == "Database busy" and "time" in entry


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs in the PostgreSQL pass of .ci/run",
)
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_backup_and_restore_on_postgresql(tmp_path):
    base_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"commentariat_backup_test_{os.getpid()}"
    admin = psycopg.connect(f"{base_url}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    env = {"DATABASE_URL": f"{base_url}/{name}", "REDIS_URL": ""}
    try:
        commentariat(tmp_path, "migrate", "-v0", extra_env=env)
        commentariat(tmp_path, "load-demo-site", extra_env=env)
        backup = tmp_path / "site.pgdump"
        commentariat(tmp_path, "backup", "--output", str(backup), extra_env=env)
        with psycopg.connect(f"{base_url}/{name}", autocommit=True) as db:
            before = db.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0]
            db.execute("DELETE FROM moderation_moderationaction")
            db.execute("DELETE FROM discussion_comment WHERE parent_id IS NOT NULL")
        commentariat(tmp_path, "restore", str(backup), "--yes", extra_env=env)
        with psycopg.connect(f"{base_url}/{name}", autocommit=True) as db:
            assert db.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0] == before
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
