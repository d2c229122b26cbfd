"""`commentariat import-remark42`: a site that ran Remark42 beside it brings its comments home."""

import gzip
import json

import pytest
from django.core.management.base import CommandError

from commentariat.discussion.models import Comment
from tests.factories import make_post

from .conftest import run_command

pytestmark = pytest.mark.django_db

OLD_SITE = "https://blog.example.org"
ELSEWHERE = f"{OLD_SITE}/notes/elsewhere/"


def remark42_comment(cid, url, user, text, time, *, pid="", delete=False, title="Tram lines"):
    """One line of Remark42's native format (store.Comment as its JSON encoder writes it)."""
    return {
        "id": cid, "pid": pid, "text": text, "orig": "(the Markdown)",
        "user": {"name": user[1], "id": user[0], "picture": "", "ip": "0f3a9c" * 6 + "ab12", "admin": False},
        "locator": {"site": "tramblog", "url": url}, "score": 2, "vote": 0,
        "time": time, "title": title, **({"delete": True} if delete else {}),
    }  # fmt: skip


ADA = ("github_5f1e", "Ada Lane")
BO = ("email_93ab", "O&#39;Neil")  # Remark42 stores names HTML-escaped
SPAMMER = ("anonymous_7c2d", "Deals")


def remark42_backup(path, post_url, *, extra=(), compress=True):
    meta = {
        "version": 1,
        "users": [
            {"id": ADA[0], "blocked": {"status": False, "until": "0001-01-01T00:00:00Z"}, "verified": True,
             "details": {"user_id": ADA[0], "email": "ada@readers.example"}},
            {"id": BO[0], "blocked": {"status": False, "until": "0001-01-01T00:00:00Z"}, "verified": False,
             "details": {"user_id": BO[0], "email": "bo@readers.example"}},
            {"id": SPAMMER[0], "blocked": {"status": True, "until": "2099-01-01T00:00:00Z"}, "verified": False},
        ],
        "posts": [{"url": post_url, "read_only": False}],
    }  # fmt: skip
    comments = [
        remark42_comment(
            "c1", post_url, ADA, "<p>Trams <b>now</b>.</p>\n", "2019-05-04T12:00:00.123456789+02:00"
        ),
        remark42_comment("c2", post_url, BO, "<p>Agreed.</p>\n", "2019-05-04T13:00:00Z", pid="c1"),
        remark42_comment("c3", post_url, ADA, "", "2019-05-04T14:00:00Z", delete=True),
        remark42_comment("c4", post_url, BO, "<p>To a deleted one.</p>\n", "2019-05-04T15:00:00Z", pid="c3"),
        remark42_comment("c5", post_url, SPAMMER, "<p>Cheap flights</p>\n", "2019-05-04T16:00:00Z"),
        remark42_comment("c6", ELSEWHERE, BO, "<p>Elsewhere.</p>\n", "2019-05-05T10:00:00Z", title="Notes"),
        *extra,
    ]
    lines = "".join(json.dumps(record) + "\n" for record in (meta, *comments))
    if compress:
        path.write_bytes(gzip.compress(lines.encode()))
    else:
        path.write_text(lines)
    return path


@pytest.fixture
def post():
    return make_post(title="Tram lines", slug="tram-lines")


@pytest.fixture
def backup(tmp_path, post):
    return remark42_backup(tmp_path / "backup-tramblog-20240101.gz", OLD_SITE + post.get_absolute_url())


def test_remark42_threads_come_in_under_their_pages_as_readers_saw_them(client, post, backup):
    out = run_command("import_remark42", backup)
    assert "comments approved                         4" in out
    assert "comments removed                          2" in out
    assert "comments of blocked users (removed)          1" in out
    assert "embedded threads created                  1" in out

    page = client.get(post.get_absolute_url()).content.decode()
    for number in ("1", "1.1", "2", "2.1"):
        assert f'aria-label="Comment {number}"' in page
    assert "<p>Trams <b>now</b>.</p>" in page and "O&#x27;Neil" in page
    assert "Cheap flights" not in page and "readers.example" not in page
    first = Comment.objects.get(number="1", post=post)
    assert first.created_at.isoformat() == "2019-05-04T10:00:00.123456+00:00"

    elsewhere = client.get("/embed/thread", {"url": ELSEWHERE}).json()
    assert [(c["number"], c["author_name"]) for c in elsewhere["comments"]] == [("1", "O'Neil")]
    assert "readers.example" not in json.dumps(elsewhere)


def test_importing_a_remark42_backup_twice_changes_nothing_and_a_newer_one_adds_and_updates(
    tmp_path, post, backup
):
    run_command("import_remark42", backup)
    before = list(Comment.objects.order_by("pk").values())
    assert "comments unchanged                        6" in run_command("import_remark42", backup)
    assert list(Comment.objects.order_by("pk").values()) == before

    later = remark42_comment(
        "c7", OLD_SITE + post.get_absolute_url(), ADA, "<p>Later.</p>", "2019-06-01T09:00:00Z", pid="c2"
    )
    newer = remark42_backup(
        tmp_path / "export.json", OLD_SITE + post.get_absolute_url(), extra=[later], compress=False
    )
    out = run_command("import_remark42", newer)
    assert (
        "comments approved                         1" in out
        and "comments unchanged                        6" in out
    )
    assert Comment.objects.get(body="<p>Later.</p>").number == "1.1.1"


def test_a_broken_remark42_backup_is_refused_with_its_line_and_nothing_is_imported(tmp_path, post, backup):
    lines = gzip.decompress(backup.read_bytes()).decode().splitlines()
    lines[3] = lines[3][:40]
    broken = tmp_path / "broken.json"
    broken.write_text("\n".join(lines))
    with pytest.raises(
        CommandError, match=r"Cannot import .*broken.json: line 4 is not valid JSON: .*Nothing was imported"
    ):
        run_command("import_remark42", broken)
    broken.write_text('{"version": 2, "users": [], "posts": []}\n')
    with pytest.raises(
        CommandError, match=r"a Remark42 backup of version 2; this import reads versions 0 and 1"
    ):
        run_command("import_remark42", broken)
    broken.write_bytes(gzip.compress(b'{"version": 1}\n')[:-6])
    with pytest.raises(CommandError, match=r"its gzip compression is damaged or cut short"):
        run_command("import_remark42", broken)
    assert not Comment.objects.exists()
