"""`commentariat import-isso`: a site that ran Isso beside it brings its comments home."""

import sqlite3

import pytest
from django.core.management.base import CommandError

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post
from tests.factories import make_post

from .conftest import run_command

pytestmark = pytest.mark.django_db

# Isso's own schema (isso/db/threads.py, comments.py, preferences.py), written here from its source.
ISSO_SCHEMA = """
CREATE TABLE preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER NOT NULL DEFAULT 0);
"""
MAY_2019 = 1557000000.0  # a Unix time, as Isso stores it


def isso_database(path, threads, comments):
    """threads: (id, uri, title); comments: (id, tid, parent, minutes after MAY_2019, mode,
    text, author, email, website), written as Isso writes them (a deleted one keeps no author)."""
    db = sqlite3.connect(path)
    db.executescript(ISSO_SCHEMA)
    db.execute("INSERT INTO preferences VALUES ('session-key', 'e2b1c4f0a9d8')")
    db.executemany("INSERT INTO threads VALUES (?, ?, ?)", threads)
    db.executemany(
        "INSERT INTO comments (id, tid, parent, created, mode, remote_addr, text, author, email, website, voters)"
        " VALUES (?, ?, ?, ?, ?, '203.0.113.0', ?, ?, ?, ?, x'00')",
        [(cid, tid, parent, MAY_2019 + minutes * 60, *rest) for cid, tid, parent, minutes, *rest in comments],
    )
    db.commit()
    db.close()
    return path


# (id, thread, parent, minutes, mode, text, author, email, website)
# fmt: off
COMMENTS = [
    (1, 1, None, 10, 1, "The *western* line first.", "Ada Lane", "ada@readers.example", "https://ada.example"),
    (2, 1, 1, 20, 1, "Agreed, <script>alert(1)</script> and soon.", "Bo", "bo@readers.example", ""),
    (3, 1, None, 30, 2, "Held back for review", "Cy", "cy@readers.example", ""),
    (4, 1, None, 40, 4, "", None, "dee@readers.example", None),  # deleted, with a reply: author gone
    (5, 1, 4, 50, 1, "Replying to a deleted one.", "Eve", "eve@readers.example", "javascript:alert(1)"),
    (6, 2, None, 60, 1, "On the old page.", "Flo", "flo@readers.example", ""),
]
# fmt: on


@pytest.fixture
def post():
    return make_post(title="Tram lines", slug="tram-lines")


@pytest.fixture
def isso_file(tmp_path, post):
    return isso_database(
        tmp_path / "comments.db",
        threads=[(1, post.get_absolute_url(), "Tram lines"), (2, "/old-page/", "An old page")],
        comments=COMMENTS,
    )


def test_isso_threads_come_in_under_their_posts_as_readers_saw_them(client, post, isso_file):
    out = run_command("import_isso", isso_file, "--site-url", "https://old.example.org")
    assert "comments approved                         4" in out
    assert "comments pending                          1" in out
    assert "comments removed                          1" in out
    assert "embedded threads created                  1" in out

    page = client.get(post.get_absolute_url()).content.decode()
    for number in ("1", "1.1", "2", "2.1"):
        assert f'aria-label="Comment {number}"' in page
    assert "<em>western</em>" in page and "Replying to a deleted one." in page
    assert "<script>alert" not in page and "javascript:alert" not in page
    assert "Held back for review" not in page
    assert "readers.example" not in page
    post.refresh_from_db()
    assert post.comment_count == 3
    held = Comment.objects.get(author_name="Cy")
    assert (held.status, held.number, str(held.ip_address)) == (Comment.Status.PENDING, "", "203.0.113.0")


def test_a_page_without_a_post_here_keeps_its_thread_as_the_old_pages_embedded_thread(client, isso_file):
    run_command("import_isso", isso_file, "--site-url", "https://old.example.org/blog/")
    thread = client.get("/embed/thread", {"url": "https://old.example.org/old-page/"}).json()
    assert [(c["number"], c["author_name"]) for c in thread["comments"]] == [("1", "Flo")]
    assert "flo@readers.example" not in str(thread)
    assert Post.objects.get(kind=Post.Kind.EMBEDDED).title == "An old page"


def test_without_the_old_sites_address_a_page_without_a_post_is_skipped_and_said_so(isso_file):
    out = run_command("import_isso", isso_file)
    assert "thread /old-page/: no post at this address (give --site-url" in out
    assert not Post.objects.filter(kind=Post.Kind.EMBEDDED).exists()


def test_importing_isso_twice_changes_nothing_and_a_newer_database_adds_and_updates(
    tmp_path, post, isso_file
):
    run_command("import_isso", isso_file)
    before = list(Comment.objects.order_by("pk").values())
    assert "comments unchanged                        5" in run_command("import_isso", isso_file)
    assert list(Comment.objects.order_by("pk").values()) == before

    db = sqlite3.connect(isso_file)
    db.execute("UPDATE comments SET mode = 1 WHERE id = 3")  # approved on Isso since
    db.execute(
        "INSERT INTO comments (id, tid, parent, created, mode, text, author, email, voters)"
        " VALUES (7, 1, 1, ?, 1, 'A later reply.', 'Gil', 'gil@readers.example', x'00')",
        (MAY_2019 + 3600,),
    )
    db.commit()
    db.close()
    out = run_command("import_isso", isso_file)
    assert (
        "comments updated                          1" in out
        and "comments approved                         1" in out
    )
    assert Comment.objects.get(author_name="Cy").number == "3"
    assert Comment.objects.get(author_name="Gil").number == "1.2"


def test_a_file_that_is_not_an_isso_database_is_refused_and_nothing_is_imported(tmp_path):
    other = tmp_path / "comments.db"
    other.write_bytes(b"not a database at all")
    with pytest.raises(CommandError, match=r"Cannot import .*comments.db: it is not an SQLite database"):
        run_command("import_isso", other)
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE comments (id INTEGER)").connection.close()
    with pytest.raises(
        CommandError,
        match=r"it is not an Isso database: it has no threads table; its comments table lacks author, ",
    ):
        run_command("import_isso", tmp_path / "other.db")
    with pytest.raises(CommandError, match=r"Cannot read .*missing.db: No such file or directory"):
        run_command("import_isso", tmp_path / "missing.db")
    assert not Comment.objects.exists()


def test_an_isso_database_without_comments_exits_with_an_error_saying_so(tmp_path):
    empty = isso_database(tmp_path / "empty.db", threads=[], comments=[])
    with pytest.raises(CommandError, match="Nothing was imported from .*empty.db: it holds no comments"):
        run_command("import_isso", empty)
