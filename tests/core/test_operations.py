"""The site as an operator meets it: the console script, a fresh data dir, the demo loader."""

import os
import sqlite3
import stat
import subprocess
import sys

import pytest
from django.core.management import call_command

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post


def _commentariat(data_dir, *args):
    env = {**os.environ, "COMMENTARIAT_DATA_DIR": str(data_dir),
           "DJANGO_SETTINGS_MODULE": "commentariat.settings.base"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "commentariat", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=True)


def test_fresh_data_dir_gets_a_kept_secret_key_and_a_wal_sqlite_database(tmp_path):
    _commentariat(tmp_path, "migrate", "--noinput", "-v0")
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first_key = key_file.read_text()
    _commentariat(tmp_path, "check")
    assert key_file.read_text() == first_key
    with sqlite3.connect(tmp_path / "commentariat.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_console_script_accepts_hyphenated_command_names(tmp_path):
    result = _commentariat(tmp_path, "load-demo-site", "--help")
    assert "Load the demo site" in result.stdout


@pytest.mark.django_db
def test_demo_site_loads_a_long_discussion_and_a_second_run_changes_nothing():
    call_command("load_demo_site", stdout=open(os.devnull, "w"))
    snapshot = (list(Post.objects.values_list("pk", "updated_at", "comment_count")),
                list(Comment.objects.values_list("pk", "number", "updated_at")))
    call_command("load_demo_site", stdout=open(os.devnull, "w"))
    assert (list(Post.objects.values_list("pk", "updated_at", "comment_count")),
            list(Comment.objects.values_list("pk", "number", "updated_at"))) == snapshot
    long_post = Post.objects.get(slug="library-levy-and-trust")
    assert long_post.comment_count >= 20
    assert long_post.body_html.count("<blockquote>") >= 3
    assert Comment.objects.filter(post=long_post, depth=2).exists()
