"""Full-text search as a reader uses it, on whichever database the suite runs on."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post
from commentariat.search.engine import search
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(author):
    levy = make_post(
        author=author, title="The library levy", slug="library-levy",
        body="The levy funds **libraries** across the county. Councillors disagree about the reading rooms.",
    )  # fmt: skip
    make_post(
        author=author,
        title="Bridges and tolls",
        slug="bridges",
        body="A toll bridge pays for itself, they say.",
    )
    make_post(
        author=author,
        title="Secret library draft",
        slug="draft",
        body="library secrets",
        status=Post.Status.DRAFT,
    )
    make_post(
        author=author, title="Scheduled library post", slug="scheduled", body="library future",
        published_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    reply = make_comment(
        levy,
        name="Ada Reader",
        email="ada@private.example",
        body="The reading rooms are full every Saturday.",
    )
    held = make_comment(levy, name="Held Back", body="Held comment about reading rooms")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    return {"levy": levy, "reply": reply}


def titles(kind, text, **kwargs):
    return [hit.title for hit in search(kind, text, **kwargs).hits]


def test_words_phrases_and_prefixes_find_published_posts_only(library):
    assert titles("posts", "library") == ["The library levy"]
    assert titles("posts", "libraries county") == ["The library levy"]  # stemming, all words
    assert titles("posts", '"reading rooms"') == ["The library levy"]
    assert titles("posts", '"rooms reading"') == []
    assert titles("posts", "councill*") == ["The library levy"]
    assert titles("posts", "toll") == ["Bridges and tolls"]
    assert titles("posts", "secrets") == [] and titles("posts", "future") == []


def test_snippets_highlight_the_match_and_escape_the_rest(library, author):
    make_post(
        author=author,
        title="Markup",
        slug="markup",
        body="Beware of <script>alert(1)</script> in the county hall",
    )
    hit = search("posts", "hall").hits[0]
    assert "<mark>hall</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html


def test_comments_are_a_second_tab_with_approved_comments_only(library, client):
    results = search("comments", "reading rooms")
    assert [(h.author_name, h.number) for h in results.hits] == [("Ada Reader", "1")]
    page = client.get("/search/", {"q": "reading rooms", "in": "comments"}).content.decode()
    assert "Ada Reader, comment 1" in page and "Held comment" not in page
    assert "ada@private.example" not in page


def test_the_search_page_ranks_paginates_and_says_when_nothing_matched(client, author):
    for n in range(12):
        make_post(author=author, title=f"Harbour note {n}", slug=f"harbour-{n}", body="harbour " * (n + 1))
    first = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "12 posts found" in first and "Page 1 of 2" in first
    assert (
        first.index("Harbour note 11") < first.index("Harbour note 0") if "Harbour note 0" in first else True
    )
    second = client.get("/search/", {"q": "harbour", "page": "2"}).content.decode()
    assert second.count('class="search-hit"') == 2
    nothing = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "No results for “zeppelin”" in nothing
    result = client.get(f"/search/result/{Post.objects.get(slug='harbour-3').pk}/")
    assert (
        result.status_code == 302
        and result["Location"] == Post.objects.get(slug="harbour-3").get_absolute_url()
    )


@pytest.mark.parametrize(
    "text",
    ['"', '""', "AND OR NOT", "NEAR(a b)", "a:b", "*", "-", "(((", "^", "'", "x" * 10000, "word " * 3000,
     "库 mot ü", "\x00\x01", "col:umn", "title:library", "{a b}", "a AND", '"unterminated phrase', "%_"],
)  # fmt: skip
def test_any_text_gives_results_or_none_never_an_error(client, library, text):
    for kind in ("posts", "comments"):
        search(kind, text)
        assert client.get("/search/", {"q": text, "in": kind}).status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_property_no_query_text_breaks_search(library, text):
    search("posts", text)
    search("comments", text)


def test_the_index_follows_saves_and_deletes(library):
    levy = library["levy"]
    levy.title = "The reading levy"
    levy.body = "Entirely about aqueducts now."
    levy.save()
    assert titles("posts", "aqueducts") == ["The reading levy"]
    assert titles("posts", "county") == []
    levy.delete()
    assert titles("posts", "aqueducts") == []


def test_imports_are_indexed_in_bulk_and_leave_the_index_live(tmp_path, author):
    from pathlib import Path

    from django.core.management import call_command
    from django.core.management.base import CommandError

    lantern = Path(__file__).resolve().parent.parent / "portability" / "files" / "lantern-review.xml"
    call_command("import_wxr", str(lantern), stdout=open("/dev/null", "w"))
    assert titles("posts", "rents") == ["Why rents rise & fall"]
    assert [h.author_name for h in search("comments", "asking rents").hits] == ["Ben Wright"]
    # The per-row index is back: what is written after the import is found too.
    post = make_post(author=author, title="After the import", slug="after", body="aftermath")
    make_comment(post, name="Late Reader", body="quintessential remark")
    assert titles("posts", "aftermath") == ["After the import"]
    assert [h.author_name for h in search("comments", "quintessential").hits] == ["Late Reader"]
    # A failed import changes nothing, the index's triggers included.
    broken = tmp_path / "broken.xml"
    broken.write_text(lantern.read_text().replace("</channel>", ""))
    with pytest.raises(CommandError):
        call_command("import_wxr", str(broken), stdout=open("/dev/null", "w"))
    make_comment(post, name="Later Still", body="zygomorphic")
    assert [h.author_name for h in search("comments", "zygomorphic").hits] == ["Later Still"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_a_bulk_import_indexes_without_incremental_merges_and_gives_the_setting_back(author):
    from pathlib import Path

    from django.core.management import call_command

    def automerge():
        with connection.cursor() as cursor:
            cursor.execute("SELECT v FROM search_comment_fts_config WHERE k = 'automerge'")
            row = cursor.fetchone()
            return row[0] if row else None

    with connection.cursor() as cursor:  # a site that chose its own setting
        cursor.execute("INSERT INTO search_comment_fts(search_comment_fts, rank) VALUES ('automerge', 8)")
    during = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("INSERT INTO search_comment_fts(rowid"):
            during.append(automerge())
        return execute(sql, params, many, context)

    lantern = Path(__file__).resolve().parent.parent / "portability" / "files" / "lantern-review.xml"
    with connection.execute_wrapper(watch):
        call_command("import_wxr", str(lantern), stdout=open("/dev/null", "w"))
    assert during == [0]
    assert automerge() == 8
    with connection.cursor() as cursor:  # raises when the index and the table disagree
        cursor.execute("INSERT INTO search_comment_fts(search_comment_fts, rank) VALUES ('integrity-check', 1)")
    assert [h.author_name for h in search("comments", "asking rents").hits] == ["Ben Wright"]
