"""What an operator runs and watches: health checks, headers, deploy checks, the worker, logs."""

import json
import logging
import re
import sqlite3
from unittest import mock

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
