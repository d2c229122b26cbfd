"""`commentariat backup` and `commentariat restore`, run as an operator runs them."""

import hashlib
import os
import re
import shutil
import sqlite3
import urllib.request
from contextlib import closing

import psycopg
import pytest

from tests.operator import commentariat, served

OLDER_DISCUSSION = "0009_comment_state_and_decision"  # the schema before discussion's index on emails


@pytest.fixture(scope="module")
def backups(tmp_path_factory):
    """A demo site's backup now, and one taken before the last discussion migration."""
    site = tmp_path_factory.mktemp("backed-up-site")
    commentariat(site, "migrate", "-v0")
    commentariat(site, "load-demo-site")
    current = site / "current.sqlite3"
    commentariat(site, "backup", "--output", str(current))
    commentariat(site, "migrate", "discussion", OLDER_DISCUSSION, "-v0")
    older = site / "older.sqlite3"
    commentariat(site, "backup", "--output", str(older))
    return {"current": current, "older": older}


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("empty-site")
    commentariat(data_dir, "migrate", "-v0")
    return data_dir


@pytest.fixture
def site(tmp_path, empty_site):
    """A freshly migrated, empty site of its own: the database a restore replaces."""
    data_dir = tmp_path / "data"
    shutil.copytree(empty_site, data_dir)
    return data_dir


def _database(data_dir):
    return data_dir / "commentariat.sqlite3"


def _count(database, table: str) -> int:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _kept_copy(stdout: str):
    match = re.search(r"the previous one is kept at (\S+)\.$", stdout.strip())
    return match and match.group(1)


def test_restore_brings_back_the_backup_and_keeps_the_replaced_database(site, backups):
    result = commentariat(site, "restore", str(backups["current"]), "--yes")
    assert (
        _count(_database(site), "discussion_comment") == _count(backups["current"], "discussion_comment") > 0
    )
    kept = _kept_copy(result.stdout)
    assert kept and os.path.dirname(kept) == str(site), result.stdout
    assert _count(kept, "discussion_comment") == 0  # the empty site it replaced
    with closing(sqlite3.connect(_database(site))) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_migrates_an_older_backup_to_the_current_schema(site, backups):
    commentariat(site, "restore", str(backups["older"]), "--yes")
    assert commentariat(site, "migrate", "--check", check=False).returncode == 0
    assert _count(_database(site), "discussion_comment") == _count(backups["older"], "discussion_comment") > 0


def test_the_site_serves_the_restored_posts(site, backups):
    commentariat(site, "restore", str(backups["current"]), "--yes")
    with served(site, ready_path="/healthz") as base:
        posts = urllib.request.urlopen(base + "/api/posts", timeout=10)
        assert posts.status == 200 and "Why we number our comments" in posts.read().decode()


def test_a_copy_taken_with_its_write_ahead_log_is_restored_whole(site, backups):
    copy = site.parent / f"{site.name}-copy.sqlite3"
    shutil.copy(backups["current"], copy)
    writer = sqlite3.connect(copy)  # left open: the deletion is still in copy's -wal file
    writer.execute("DELETE FROM discussion_comment WHERE parent_id IS NOT NULL")
    writer.commit()
    try:
        commentariat(site, "restore", str(copy), "--yes")
        assert _count(_database(site), "discussion_comment") == _count(copy, "discussion_comment")
    finally:
        writer.close()


def _not_sqlite(path, backups):
    path.write_bytes(b"not a database at all\n" * 100)


def _empty(path, backups):
    path.write_bytes(b"")


def _pg_dump(path, backups):
    path.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 500)


def _truncated(path, backups):
    path.write_bytes(backups["current"].read_bytes()[:100_000])


def _another_django_site(path, backups):
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app, name, applied)")
        db.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '2024-01-01')",
            [("contenttypes", "0001_initial"), ("auth", "0001_initial"), ("core", "0001_initial")],
        )


def _another_application(path, backups):
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")


def _newer_schema(path, backups):
    shutil.copy(backups["current"], path)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('discussion', '0999_from_the_future', '2030-01-01')"
        )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_sqlite, "is not an SQLite database"),
        (_empty, "is not an SQLite database"),
        (_pg_dump, "is a PostgreSQL dump, but this site runs on SQLite"),
        (_truncated, "is truncated (100,000 of "),
        (_another_django_site, "is not a Commentariat database"),
        (_another_application, "without a django_migrations table, not a Commentariat database"),
        (
            _newer_schema,
            "comes from a newer version of Commentariat (migrations discussion.0999_from_the_future",
        ),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else "",
)
def test_restore_refuses_what_it_cannot_use_and_changes_nothing(site, backups, make, message):
    candidate = site.parent / f"{site.name}-candidate.sqlite3"
    make(candidate, backups)
    before = _fingerprint(site)
    result = commentariat(site, "restore", str(candidate), "--yes", check=False)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "nothing was restored" in result.stderr
    assert _fingerprint(site) == before


def test_restore_puts_the_previous_database_back_when_the_backup_cannot_be_migrated(site, backups):
    broken = site.parent / f"{site.name}-broken.sqlite3"
    shutil.copy(backups["older"], broken)
    with closing(sqlite3.connect(broken)) as db, db:  # the name the missing migration's index will want
        db.execute("CREATE INDEX comment_email_lower_created ON auth_user (username)")
    result = commentariat(site, "restore", str(broken), "--yes", check=False)
    assert result.returncode != 0 and "could not be migrated" in result.stderr
    assert "the previous database is back" in result.stderr
    assert commentariat(site, "migrate", "--check", check=False).returncode == 0
    assert _count(_database(site), "discussion_comment") == 0


def test_restore_without_a_terminal_asks_and_does_nothing(site, backups):
    before = _fingerprint(site)
    result = commentariat(site, "restore", str(backups["current"]), check=False)
    assert result.returncode != 0 and "Nothing was restored" in result.stderr
    assert _fingerprint(site) == before


def _fingerprint(data_dir) -> dict:
    """The data dir's files (the database's content by hash): a kept copy would show too."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in data_dir.iterdir()
        if path.is_file() and path.name.startswith("commentariat")
    }


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
        commentariat(tmp_path, "migrate", "api", "zero", "-v0", extra_env=env)  # an older schema
        backup = tmp_path / "site.pgdump"
        commentariat(tmp_path, "backup", "--output", str(backup), extra_env=env)
        commentariat(tmp_path, "migrate", "-v0", extra_env=env)
        with psycopg.connect(f"{base_url}/{name}", autocommit=True) as db:
            before = db.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0]
            db.execute("DELETE FROM moderation_moderationaction")
            db.execute("DELETE FROM discussion_comment WHERE parent_id IS NOT NULL")
        refused = commentariat(
            tmp_path, "restore", str(tmp_path / "secret_key"), "--yes", check=False, extra_env=env
        )
        assert refused.returncode != 0 and "is not a PostgreSQL dump" in refused.stderr
        result = commentariat(tmp_path, "restore", str(backup), "--yes", extra_env=env)
        assert os.path.getsize(_kept_copy(result.stdout)) > 0
        assert commentariat(tmp_path, "migrate", "--check", check=False, extra_env=env).returncode == 0
        with psycopg.connect(f"{base_url}/{name}", autocommit=True) as db:
            assert db.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0] == before
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
