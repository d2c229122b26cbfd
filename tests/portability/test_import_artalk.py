"""`commentariat import-artalk`: a site that ran Artalk brings its comments home (Artrans)."""

import json

import pytest
from django.core.management.base import CommandError

from commentariat.discussion.models import Comment
from tests.factories import make_post

from .conftest import run_command

pytestmark = pytest.mark.django_db

SITE_URLS = "http://localhost:3000/demo/,https://blog.example.org"


def artran(cid, rid, page_key, nick, content, created_at, *, pending=False, site="Tram blog", **fields):
    """One Artran as Artalk's exporter writes it: every value a string."""
    return {
        "id": str(cid), "rid": str(rid), "content": content, "ua": "Mozilla/5.0", "ip": "198.51.100.7",
        "is_collapsed": "false", "is_pending": "true" if pending else "false", "is_pinned": "false",
        "vote_up": "3", "vote_down": "0", "created_at": created_at, "updated_at": created_at,
        "nick": nick, "email": f"{nick.split()[0].lower()}@readers.example", "link": "",
        "badge_name": "", "badge_color": "", "page_key": page_key, "page_title": "Tram lines",
        "page_admin_only": "false", "site_name": site, "site_urls": SITE_URLS, **fields,
    }  # fmt: skip


def artrans(path, post_path, *extra):
    items = [
        artran(11, 0, post_path, "Ada Lane", "Trams **now**.", "2021-10-28 20:50:15 +0800", link="https://ada.example"),
        artran(12, 11, post_path, "Bo", "Agreed.", "2021-10-28 21:00:00.123456 +0800 CST"),
        artran(13, 12, post_path, "Cy", "And a third level.", "2021-10-29 08:00:00 +0000"),
        artran(14, 0, post_path, "Dee", "Awaiting review", "2021-10-30 08:00:00 +0000", pending=True),
        # A converter's output: numbers and booleans instead of strings, and a date it could not give.
        {**artran(15, 0, "https://blog.example.org/notes/", "Eve", "Elsewhere.", "", page_title="Notes"),
         "id": 15, "rid": 0, "is_pending": False},
        *extra,
    ]  # fmt: skip
    path.write_text(json.dumps(items))
    return path


@pytest.fixture
def post():
    return make_post(title="Tram lines", slug="tram-lines")


@pytest.fixture
def export(tmp_path, post):
    return artrans(tmp_path / "comments.artrans", post.get_absolute_url())


def test_artalk_threads_come_in_under_their_pages_as_readers_saw_them(client, post, export):
    out = run_command("import_artalk", export)
    assert (
        "comments approved                         4" in out
        and "comments pending                          1" in out
    )
    assert "dates unreadable (dated as their post)          1" in out

    page = client.get(post.get_absolute_url()).content.decode()
    for number in ("1", "1.1", "1.1.1"):
        assert f'aria-label="Comment {number}"' in page
    assert (
        "<strong>now</strong>" in page
        and '<a href="https://ada.example" rel="nofollow ugc noopener">' in page
    )
    assert "Awaiting review" not in page and "readers.example" not in page and "198.51.100.7" not in page
    assert Comment.objects.get(author_name="Bo").created_at.isoformat() == "2021-10-28T13:00:00.123456+00:00"

    notes = client.get("/embed/thread", {"url": "https://blog.example.org/notes/"}).json()
    assert [(c["number"], c["author_name"]) for c in notes["comments"]] == [("1", "Eve")]
    assert "readers.example" not in json.dumps(notes)


def test_a_path_as_page_key_is_placed_on_the_sites_first_address(client, tmp_path):
    export = artrans(tmp_path / "paths.artrans", "/post/1")
    run_command("import_artalk", export)
    thread = client.get("/embed/thread", {"url": "http://localhost:3000/post/1"}).json()
    assert [c["number"] for c in thread["comments"]] == ["1"]
    assert [c["number"] for c in thread["comments"][0]["replies"]] == ["1.1"]


def test_importing_artrans_twice_changes_nothing_and_a_newer_file_adds(tmp_path, post, export):
    run_command("import_artalk", export)
    before = list(Comment.objects.order_by("pk").values())
    assert "comments unchanged                        5" in run_command("import_artalk", export)
    assert list(Comment.objects.order_by("pk").values()) == before

    later = artran(16, 11, post.get_absolute_url(), "Gil", "Later.", "2021-11-02 10:00:00 +0000")
    out = run_command("import_artalk", artrans(tmp_path / "newer.artrans", post.get_absolute_url(), later))
    assert (
        "comments approved                         1" in out
        and "comments unchanged                        5" in out
    )
    assert Comment.objects.get(author_name="Gil").number == "1.2"


def test_a_file_that_is_not_artrans_is_refused_and_nothing_is_imported(tmp_path):
    path = tmp_path / "comments.artrans"
    path.write_bytes(b'[{"id": "1", "nick": "\xff"}]')
    with pytest.raises(
        CommandError, match=r"it is not an Artrans file \(Artalk's export\): byte \d+ is not UTF-8"
    ):
        run_command("import_artalk", path)
    path.write_text('{"comments": []}')
    with pytest.raises(CommandError, match=r"an Artrans file is a JSON array of comments"):
        run_command("import_artalk", path)
    path.write_text('[{"id": "1", "rid": "0", "content": "Where?", "page_key": "/p/", "site_urls": ""}]')
    with pytest.raises(
        CommandError,
        match=r"Nothing was imported from .*: none of its comments could be placed",
    ):
        run_command("import_artalk", path)
    assert not Comment.objects.exists()


def test_hostile_values_in_an_artrans_file_are_cleaned_or_skipped_never_shown_raw(client, tmp_path, post):
    odd = [
        artran("\x00", 0, post.get_absolute_url(), "Nul", "Its id is a NUL.", "2021-11-01 10:00:00 +0000"),
        artran("9" * 120, 0, post.get_absolute_url(), "Long", "Its id is too long.", "2021-11-01 10:00:00 +0000"),
        artran(21, 0, "https://blog.example.org/x\x00y/", "Mallory\x00 <b>", "<img src=x onerror=alert(1)>ok",
               "2021-11-01 10:00:00 +0000", site="Tram\x00blog", page_title="<script>alert(1)</script>",
               link="javascript:alert(1)"),
    ]  # fmt: skip
    out = run_command("import_artalk", artrans(tmp_path / "odd.artrans", post.get_absolute_url(), *odd))
    assert out.count("was skipped (empty, too long or odd)") == 2
    thread = client.get("/embed/thread", {"url": "https://blog.example.org/xy/"}).json()
    [mallory] = thread["comments"]
    assert mallory["author_name"] == "Mallory <b>" and mallory["author_url"] == ""
    assert "<img" not in mallory["body_html"]  # shown as text, never as markup
    assert not Comment.objects.filter(author_name__in=["Nul", "Long"]).exists()
