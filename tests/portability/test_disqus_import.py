"""`commentariat import-disqus`: a site that kept its discussions on Disqus brings them home."""

import io
import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post

from .conftest import FILES, LANTERN, run_command

pytestmark = pytest.mark.django_db

DISQUS = FILES / "lantern-disqus.xml"
FIELD_NOTES = FILES / "fieldnotes-disqus.xml"
TRAM_LINES = "https://notes.example.com/posts/tram-lines/"


@pytest.fixture
def lantern():
    run_command("import_wxr", LANTERN)


def _thread(post) -> list[tuple[str, str]]:
    return list(
        Comment.objects.numbered().filter(post=post).order_by("sort_key").values_list("number", "author_name")
    )


def _variant(tmp_path, *replacements: tuple[str, str]):
    text = DISQUS.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "disqus.xml"
    path.write_text(text)
    return path


WITHOUT_DEFAULT_NAMESPACE = (' xmlns="http://disqus.com"', "")
OTHER_PREFIX = ("xmlns:dsq=", "xmlns:internals="), ("dsq:id=", "internals:id=")
NO_NAMESPACE_AT_ALL = (' xmlns:dsq="http://disqus.com/disqus-internals"', ""), ("dsq:id=", "id=")


@pytest.mark.parametrize(
    "replacements",
    [
        (),
        (WITHOUT_DEFAULT_NAMESPACE,),
        (WITHOUT_DEFAULT_NAMESPACE, *OTHER_PREFIX),
        (WITHOUT_DEFAULT_NAMESPACE, *NO_NAMESPACE_AT_ALL),
    ],
    ids=["as-disqus-writes-it", "without-xmlns", "another-dsq-prefix", "no-namespace-at-all"],
)
def test_threads_find_their_posts_by_old_or_new_address_or_identifier(
    lantern, client, tmp_path, replacements
):
    out = run_command("import_disqus", _variant(tmp_path, *replacements))
    assert "Disqus comments read                     10" in out
    assert "comments approved                         5" in out
    assert "comments spam                             1" in out
    assert "comments removed                          2" in out
    assert (
        "thread https://lantern.example.org/2015/01/01/long-gone/: no post at this address on the site "
        "that moved here; its 1 comment(s) were skipped" in out
    )
    assert not Post.objects.filter(kind=Post.Kind.EMBEDDED).exists()

    summer = Post.objects.get(slug="ete-in-the-city")  # by its old permalink, and by the bare id 107
    assert _thread(summer) == [("1", "Lee Quinn"), ("1.1", "Kim Hale"), ("2", "Ros Tully")]
    assert Comment.objects.get(author_name="Flight Deals").status == Comment.Status.SPAM
    assert Comment.objects.get(author_name="Guest").status == Comment.Status.REMOVED
    assert Comment.objects.get(author_name="Mo Reyes").post.slug == "about"  # by its new address

    page = client.get(summer.get_absolute_url()).content.decode()
    for number in ("1", "1.1", "2"):
        assert f'aria-label="Comment {number}"' in page
    assert "<p>The squares are the best part of summer.</p>" in page
    assert "javascript:" not in page and "readers.example.net" not in page
    assert "Cheap flights" not in page and "I take that back" not in page
    summer.refresh_from_db()
    assert summer.comment_count == 3


def test_a_thread_deleted_on_disqus_brings_its_comments_in_removed_and_never_makes_a_thread(lantern):
    out = run_command("import_disqus", DISQUS)
    note = Comment.objects.get(author_name="Pat Ode")
    assert (note.post.slug, note.status, note.number) == ("note-to-self", Comment.Status.REMOVED, "")
    assert (
        "thread https://friends.example.net/guest-post/: no post at this address, and the thread was "
        "deleted on Disqus; its 1 comment(s) were skipped" in out
    )
    assert not Comment.objects.filter(author_name="Sam Vale").exists()


def test_disqus_comments_join_a_thread_that_already_has_comments_after_its_last_number(lantern):
    run_command("import_disqus", DISQUS)
    rents = Post.objects.get(slug="why-rents-rise")
    nia = Comment.objects.get(author_name="Nia Brooks")
    assert (nia.post, nia.number) == (rents, "4")  # after 1, 2 (2.1, 2.1.1) and 3 from WordPress
    rents.refresh_from_db()
    assert rents.comment_count == 6


def test_importing_disqus_twice_changes_nothing(lantern):
    run_command("import_disqus", DISQUS)
    before = list(Comment.objects.order_by("pk").values())
    out = run_command("import_disqus", DISQUS)
    assert "comments unchanged                        8" in out
    assert list(Comment.objects.order_by("pk").values()) == before


def test_a_static_sites_threads_become_the_embedded_threads_of_its_pages(client):
    out = run_command("import_disqus", FIELD_NOTES)
    assert "embedded threads created                  1" in out
    assert "thread 8999: not in the file; its 1 comment(s) were skipped" in out
    assert "thread http://localhost:1313/posts/tram-lines/: no post at this address, and it is a local" in out
    assert (
        "thread https://notes.example.com/posts/draft-idea/: no post at this address, and the thread" in out
    )

    answer = client.get("/embed/thread", {"url": TRAM_LINES})
    thread = answer.json()
    numbered = [
        (c["number"], c["author_name"], [r["number"] for r in c["replies"]]) for c in thread["comments"]
    ]
    assert numbered == [
        ("1", "Eve Hart", []),
        ("2", "Fay", []),
        ("3", "Ana Ruiz", ["3.1"]),
        ("4", "", ["4.1"]),  # deleted on Disqus: its place stays for the reply under it
    ]
    assert thread["comments"][3]["removed"] and "regret" not in answer.content.decode()
    assert "<script" not in thread["comments"][2]["body_html"] and "onerror" not in answer.content.decode()
    assert "javascript:" not in answer.content.decode() and "Cheap tram" not in answer.content.decode()
    assert "@" not in answer.content.decode()  # no email, not even the spammer's
    assert Post.objects.get(kind=Post.Kind.EMBEDDED).title == "Tram lines & bus lanes"
    assert thread["open"] is False  # closed on Disqus, closed here


def test_a_comment_whose_date_cannot_be_read_takes_its_threads_and_a_second_import_changes_nothing():
    out = run_command("import_disqus", FIELD_NOTES)
    assert "dates unreadable (thread's used)          2" in out
    thread_created = datetime(2021, 2, 28, 20, 0, tzinfo=UTC)
    assert {c.created_at for c in Comment.objects.filter(author_name__in=["Eve Hart", "Fay"])} == {
        thread_created
    }
    before = list(Comment.objects.order_by("pk").values())
    posts = list(Post.objects.order_by("pk").values())
    assert "comments unchanged                        7" in run_command("import_disqus", FIELD_NOTES)
    assert list(Comment.objects.order_by("pk").values()) == before
    assert list(Post.objects.order_by("pk").values()) == posts


def test_a_broken_disqus_file_is_refused_with_its_line_and_nothing_is_imported(lantern, tmp_path):
    before = Comment.objects.count()
    broken = _variant(tmp_path, ("</disqus>", ""))
    with pytest.raises(CommandError, match=r"not a well-formed Disqus export: .* \(line 2\d\d, column \d+\)"):
        run_command("import_disqus", broken)
    not_xml = tmp_path / "export.csv"
    not_xml.write_text("thread,author,message\n7001,Lee,Hello\n")
    with pytest.raises(
        CommandError, match=r"export.csv is not a well-formed Disqus export: .*\(line 1, column 1\)"
    ):
        run_command("import_disqus", not_xml)
    assert Comment.objects.count() == before


def test_a_file_that_is_not_a_disqus_export_is_refused_and_says_what_it_is(lantern):
    before = Comment.objects.count()
    with pytest.raises(
        CommandError, match=r"its root element is <rss>, not <disqus>: it is not a Disqus export"
    ):
        run_command("import_disqus", LANTERN)
    assert Comment.objects.count() == before


def test_an_export_without_comments_exits_with_an_error_saying_so(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        '<category dsq:id="1"><forum>quiet</forum><title>General</title></category></disqus>'
    )
    with pytest.raises(CommandError, match=r"empty.xml: it has no <post> elements .*is it a Disqus export\?"):
        run_command("import_disqus", empty)


UNPLACED = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><id /><forum>scratch</forum><link>http://127.0.0.1:8000/hello/</link>
    <title>Hello</title><createdAt>2020-01-01T00:00:00Z</createdAt><isDeleted>false</isDeleted></thread>
  <thread dsq:id="2"><id /><forum>scratch</forum><link>https://scratch.example.org/old/</link>
    <title>Old</title><createdAt>2020-01-01T00:00:00Z</createdAt><isDeleted>true</isDeleted></thread>
  <thread dsq:id="3"><id>1</id><forum>scratch</forum><link />
    <title /><createdAt>2012-12-12T12:12:12</createdAt></thread>
  <post dsq:id="13"><message>&lt;p&gt;Third.&lt;/p&gt;</message><createdAt>2020-01-01T03:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Ina</name></author><thread dsq:id="3" /></post>
  <post dsq:id="11"><message>&lt;p&gt;First!&lt;/p&gt;</message><createdAt>2020-01-01T01:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Ida</name></author><thread dsq:id="1" /></post>
  <post dsq:id="12"><message>&lt;p&gt;Second.&lt;/p&gt;</message><createdAt>2020-01-01T02:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Ike</name></author><thread dsq:id="2" /></post>
</disqus>
"""


def test_an_export_whose_comments_match_no_post_exits_with_an_error_and_lists_the_threads(tmp_path):
    unplaced = tmp_path / "unplaced.xml"
    unplaced.write_text(UNPLACED)
    out = io.StringIO()
    with pytest.raises(
        CommandError, match=r"its 3 comment\(s\) matched no post here \(the skipped threads above"
    ):
        call_command("import_disqus", str(unplaced), stdout=out)
    assert "thread http://127.0.0.1:8000/hello/: no post at this address, and it is a local" in out.getvalue()
    assert (
        "thread https://scratch.example.org/old/: no post at this address, and the thread was"
        in out.getvalue()
    )
    assert "thread (no address): Disqus thread 3 has no link, and no post here has its identifier '1'" in (
        out.getvalue()
    )
    assert not Comment.objects.exists() and not Post.objects.exists()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_the_import_draws_a_progress_bar_and_clears_it(lantern):
    terminal = _Terminal()
    call_command("import_disqus", str(DISQUS), stdout=io.StringIO(), stderr=terminal)
    drawn = terminal.getvalue()
    assert re.match(r"\r\[#+ *\] +\d+% +0 posts/pages, [1-9]\d* comments", drawn)
    assert re.search(r"\r {80,}\r$", drawn) and "\n" not in drawn  # cleared, and nothing scrolled


def test_entities_in_an_export_are_never_expanded_nor_read_from_disk(tmp_path, client):
    secret = tmp_path / "secret.txt"
    secret.write_text("the-server-secret")
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE disqus [<!ENTITY file SYSTEM "{secret.as_uri()}"><!ENTITY a "laugh">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<disqus xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><link>https://hostile.example.net/p/</link><title>P</title></thread>
  <post dsq:id="2"><message>&lt;p&gt;Hi&lt;/p&gt; &file; &c;</message><createdAt>2020-01-01T00:00:00Z</createdAt>
    <author><name>X</name></author><thread dsq:id="1" /></post>
</disqus>"""
    )
    run_command("import_disqus", hostile)
    answer = client.get("/embed/thread", {"url": "https://hostile.example.net/p/"}).content.decode()
    assert "<p>Hi</p>" in answer
    assert "the-server-secret" not in answer and "laugh" not in answer
    assert "secret" not in Comment.objects.get().body
