"""WordPress exports as real sites produce them: WordPress.com's namespace, duplicate ids,
missing dates, non-Latin slugs, page trees, sticky and protected posts, and files that are not
exports at all. Each file is written here, small, in the shape WordPress writes."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from commentariat.discussion.models import Comment
from commentariat.publishing.models import OldAddress, Post

from .conftest import run_command

pytestmark = pytest.mark.django_db

WP_12 = "http://wordpress.org/export/1.2/"


def wxr(*items: str, wp: str = WP_12, version: str = "1.2", channel: str = "") -> str:
    """A whole export as WordPress writes one, around the given <item>s."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="{wp}excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="{wp}"
>
<channel>
	<title>The Ledger</title>
	<link>https://ledger.example.org</link>
	<wp:wxr_version>{version}</wp:wxr_version>
	<wp:base_site_url>https://ledger.example.org</wp:base_site_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[mira]]></wp:author_login><wp:author_email><![CDATA[mira@ledger.example.org]]></wp:author_email><wp:author_display_name><![CDATA[Mira Stone]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>
	{channel}
	{"".join(items)}
</channel>
</rss>
"""


def item(
    post_id: int, title: str, *, slug: str, post_type: str = "post", status: str = "publish",
    date: str | None = "2021-03-04 10:00:00", pub_date: str = "", link: str = "", parent: int = 0,
    sticky: bool = False, password: str = "", body: str = "", excerpt: str = "", comments: str = "",
) -> str:  # fmt: skip
    dates = (
        f"<wp:post_date><![CDATA[{date}]]></wp:post_date><wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>"
        if date is not None
        else ""
    )
    return f"""
	<item>
		<title><![CDATA[{title}]]></title>
		<link>{link or f"https://ledger.example.org/?p={post_id}"}</link>
		{f"<pubDate>{pub_date}</pubDate>" if pub_date else ""}
		<dc:creator><![CDATA[mira]]></dc:creator>
		<guid isPermaLink="false">https://ledger.example.org/?p={post_id}</guid>
		<description></description>
		<content:encoded><![CDATA[{body or f"The body of {title}."}]]></content:encoded>
		<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		{dates}
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[{slug}]]></wp:post_name>
		<wp:status><![CDATA[{status}]]></wp:status>
		<wp:post_parent>{parent}</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
		<wp:post_password><![CDATA[{password}]]></wp:post_password>
		<wp:is_sticky>{int(sticky)}</wp:is_sticky>
		{comments}
	</item>"""


def comment(
    comment_id: int, author: str, text: str, *, date: str = "2021-03-05 09:00:00", parent: int = 0
) -> str:
    return f"""
		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[{author.split()[0].lower()}@readers.example.net]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.7]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[{date}]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[{date}]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>"""


@pytest.fixture
def export(tmp_path):
    """Write an export and give its path."""

    def write(text: str, name: str = "export.xml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def snapshot() -> dict:
    return {
        "posts": list(Post.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "addresses": list(OldAddress.objects.order_by("pk").values()),
    }


# Namespaces and versions


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_namespace_spelling_and_version_wordpress_accepts_imports_the_same(
    client, export, scheme, version
):
    path = export(
        wxr(
            item(
                7,
                "Ledger lines",
                slug="ledger-lines",
                body="Columns that add up.",
                excerpt="Sums, in short.",
                comments=comment(70, "Ivo Tran", "They do not add up."),
            ),  # fmt: skip
            wp=f"{scheme}://wordpress.org/export/{version}/",
            version=version,
        )
    )
    out = run_command("import_wxr", path)
    assert "posts created                             1" in out
    post = Post.objects.get(slug="ledger-lines")
    assert post.excerpt == "Sums, in short."
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Columns that add up." in page and "They do not add up." in page


# Duplicates


def test_the_same_post_id_twice_keeps_the_first_and_reports_the_rest(client, export):
    path = export(
        wxr(
            item(5, "Harbour tolls explained", slug="harbour-tolls"),
            item(5, "Harbour tolls, the second copy", slug="harbour-tolls-copy"),
            item(6, "Bridge fares", slug="bridge-fares"),
        )
    )
    out = run_command("import_wxr", path)
    assert "wp:post_id 5 appears twice; the first one was kept" in out
    assert sorted(Post.objects.values_list("title", flat=True)) == ["Bridge fares", "Harbour tolls explained"]
    # The search index holds exactly what the site has.
    assert "Harbour tolls explained" in client.get("/search/", {"q": "harbour"}).content.decode()
    assert "second copy" not in client.get("/search/", {"q": "second"}).content.decode()
    before = snapshot()
    assert "posts unchanged                           2" in run_command("import_wxr", path)
    assert snapshot() == before


def test_a_post_written_then_changed_inside_one_bulk_import_stays_searchable(client, django_user_model):
    from django.db import transaction

    from commentariat.search.indexing import bulk_indexing

    author = django_user_model.objects.create(username="mira")
    with transaction.atomic(), bulk_indexing():
        post = Post.objects.create(title="Quayside draft", slug="quay", author=author, body="x",
                                   status=Post.Status.PUBLISHED, published_at=datetime(2020, 1, 1, tzinfo=UTC))  # fmt: skip
        post.title = "Quayside final"
        post.save()  # fired the update trigger on a row not yet indexed: "database disk image is malformed"
    assert "Quayside final" in client.get("/search/", {"q": "quayside"}).content.decode()
    assert "Quayside draft" not in client.get("/search/", {"q": "quayside"}).content.decode()


def test_the_same_comment_id_under_two_posts_keeps_the_first(client, export):
    path = export(
        wxr(
            item(1, "Tolls", slug="tolls", comments=comment(900, "Ada Kerr", "First placement.")),
            item(
                2,
                "Fares",
                slug="fares",
                comments=comment(900, "Ada Kerr", "Second placement.")
                + comment(901, "Bo Lund", "A reply that stays."),
            ),  # fmt: skip
        )
    )
    out = run_command("import_wxr", path)
    assert "item 2 (line" in out and "comment 900: wp:comment_id appears twice; the first one was kept" in out
    assert Comment.objects.get(author_name="Ada Kerr").post.slug == "tolls"
    fares = client.get(Post.objects.get(slug="fares").get_absolute_url()).content.decode()
    assert "A reply that stays." in fares and "placement" not in fares


def test_a_comment_imported_before_under_another_post_stays_where_it_is(export):
    run_command(
        "import_wxr", export(wxr(item(1, "Tolls", slug="tolls", comments=comment(900, "Ada Kerr", "Here."))))
    )
    later = export(
        wxr(item(2, "Fares", slug="fares", comments=comment(900, "Ada Kerr", "There."))), "later.xml"
    )
    out = run_command("import_wxr", later)
    assert "comment 900: was imported under another post before; it stays there" in out
    moved = Comment.objects.get()
    assert (moved.post.slug, moved.body) == ("tolls", "Here.")


# Dates


def test_a_post_without_a_date_takes_one_from_its_address_and_keeps_it(client, export):
    path = export(wxr(item(11, "Undated notes", slug="undated-notes", date=None,
                           link="https://ledger.example.org/2016/02/09/undated-notes/")))  # fmt: skip
    run_command("import_wxr", path)
    post = Post.objects.get()
    assert post.get_absolute_url() == "/2016/02/undated-notes/"
    assert client.get("/2016/02/undated-notes/").status_code == 200
    before = snapshot()
    out = run_command("import_wxr", path)
    assert "posts unchanged                           1" in out
    assert snapshot() == before


def test_a_post_with_no_date_anywhere_gets_the_same_one_on_every_run(export):
    path = export(wxr(item(12, "Lost date", slug="lost-date", date="not a date",
                           comments=comment(120, "Ivo Tran", "When?", date="2019-13-45 99:00:00"))))  # fmt: skip
    run_command("import_wxr", path)
    post = Post.objects.get()
    assert post.published_at == datetime(1970, 1, 1, 0, 0, 12, tzinfo=UTC)  # the epoch plus its id
    assert Comment.objects.get().created_at == post.published_at  # never "now"
    before = snapshot()
    run_command("import_wxr", path)
    assert snapshot() == before


def test_a_post_date_from_rss_pubdate_when_wordpress_dates_are_missing(export):
    run_command("import_wxr", export(wxr(item(13, "Dated by RSS", slug="rss-dated", date=None,
                                               pub_date="Sat, 07 Aug 2021 06:30:00 +0000"))))  # fmt: skip
    assert Post.objects.get().published_at == datetime(2021, 8, 7, 6, 30, tzinfo=UTC)


# Unicode slugs


def test_greek_and_cyrillic_addresses_are_kept_and_served(client, export):
    path = export(
        wxr(
            # WordPress stores non-Latin slugs percent-encoded, lower case.
            item(
                21,
                "Νέα ανάρτηση",
                slug="%ce%bd%ce%ad%ce%b1-%ce%b1%ce%bd%ce%ac%cf%81%cf%84%ce%b7%cf%83%ce%b7",
                body="Κείμενο της ανάρτησης.",
                link="https://ledger.example.org/2021/03/04/%ce%bd%ce%ad%ce%b1/",
            ),
            item(22, "О нас", slug="%d0%be-%d0%bd%d0%b0%d1%81", post_type="page", body="Страница о нас."),
            item(23, "Été brûlant", slug="ete-brulant"),
            item(24, "Ελληνικά χωρίς slug", slug=""),
        )  # fmt: skip
    )
    run_command("import_wxr", path)
    greek = Post.objects.get(pk=Post.objects.get(title="Νέα ανάρτηση").pk)
    assert greek.slug == "νέα-ανάρτηση"
    assert "Κείμενο της ανάρτησης." in client.get("/2021/03/νέα-ανάρτηση/").content.decode()
    assert "Κείμενο της ανάρτησης." in client.get(greek.get_absolute_url()).content.decode()
    assert "Страница о нас." in client.get("/о-нас/").content.decode()
    assert Post.objects.get(title="Ελληνικά χωρίς slug").slug == "ελληνικά-χωρίς-slug"
    assert client.get("/2021/03/04/νέα/")["Location"] == greek.get_absolute_url()  # the old permalink
    assert Post.objects.get(title="Été brûlant").slug == "ete-brulant"


# Page hierarchy, sticky and protected posts


def test_child_pages_live_under_their_parent_even_when_listed_first(client, export):
    path = export(
        wxr(
            item(31, "The team", slug="team", post_type="page", parent=30, body="Who writes here."),
            item(30, "About", slug="about", post_type="page", body="About the Ledger."),
            item(32, "Editors", slug="editors", post_type="page", parent=31, body="The editors."),
        )
    )
    run_command("import_wxr", path)
    assert "Who writes here." in client.get("/about/team/").content.decode()
    assert "The editors." in client.get("/about/team/editors/").content.decode()
    for elsewhere in ("/team/", "/editors/", "/about/editors/", "/nowhere/team/"):
        response = client.get(elsewhere)
        assert response.status_code == 301, elsewhere
        assert response["Location"] in ("/about/team/", "/about/team/editors/"), elsewhere
    assert client.get("/nowhere/at-all/").status_code == 404
    assert client.get("/api/team").status_code == 404  # the site's own first segments are not pages
    before = snapshot()
    run_command("import_wxr", path)
    assert snapshot() == before


def test_a_page_whose_parent_is_gone_in_a_newer_export_moves_to_the_top(client, export):
    run_command("import_wxr", export(wxr(item(30, "About", slug="about", post_type="page"),
                                         item(31, "Team", slug="team", post_type="page", parent=30))))  # fmt: skip
    run_command("import_wxr", export(wxr(item(31, "Team", slug="team", post_type="page")), "newer.xml"))
    assert client.get("/team/").status_code == 200
    assert client.get("/about/team/")["Location"] == "/team/"


def test_sticky_posts_come_first_on_the_front_page(client, export):
    run_command(
        "import_wxr",
        export(
            wxr(
                item(41, "Old but pinned", slug="pinned", date="2015-01-01 00:00:00", sticky=True),
                item(42, "Fresh news", slug="fresh", date="2024-01-01 00:00:00"),
            )
        ),
    )
    home = client.get("/").content.decode()
    assert home.index("Old but pinned") < home.index("Fresh news")
    assert Post.objects.get(slug="pinned").is_sticky


def test_a_password_protected_post_stays_protected(client, export):
    run_command("import_wxr", export(wxr(item(51, "Members only", slug="members", password="open sesame",
                                               body="The guarded text.", comments=comment(510, "Ivo Tran", "Guarded reply.")))))  # fmt: skip
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert "Members only" in page
    assert "The guarded text." not in page and "Guarded reply." not in page


# Files that are not exports, or not whole


def test_a_truncated_file_is_refused_with_the_line_where_it_ends(export):
    whole = wxr(item(1, "Fine", slug="fine"), item(2, "Cut short", slug="cut"))
    cut = whole[: whole.index("<wp:post_name><![CDATA[cut]]>")]
    with pytest.raises(CommandError) as error:
        run_command("import_wxr", export(cut))
    assert f"(line {cut.count(chr(10)) + 1}, column" in str(error.value)
    assert str(error.value).endswith("Nothing was imported.")
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"posts": []}', "Start tag expected, '<' not found (line 1, column 1)"),
        ("", "holds no XML element"),
    ],
    ids=["json", "empty"],
)
def test_a_file_that_cannot_be_read_is_refused_with_its_line(export, text, expected):
    with pytest.raises(CommandError) as error:
        run_command("import_wxr", export(text))
    assert expected in str(error.value) and str(error.value).endswith("Nothing was imported.")
    assert not Post.objects.exists()


def test_an_rss_feed_is_refused_because_it_holds_no_wordpress_items(export, django_user_model):
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title>
    <item><title>Not a post</title><link>https://feed.example.org/1</link></item></channel></rss>"""
    with pytest.raises(CommandError, match="no post or page items; is this a WordPress export"):
        run_command("import_wxr", export(feed))


def test_an_export_with_only_attachments_imports_nothing_and_says_why(export, django_user_model):
    path = export(wxr(item(61, "photo.jpg", slug="photo", post_type="attachment"),
                      item(62, "Menu", slug="menu", post_type="nav_menu_item")))  # fmt: skip
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_wxr", str(path), stdout=out, stderr=io.StringIO())
    assert (
        "none of its 2 items is a post or page that can be imported (attachment × 1, nav_menu_item × 1)"
        in str(error.value)
    )
    assert "item 62 (line" in out.getvalue()  # the summary still names each item
    assert not django_user_model.objects.exists()  # the author in the file was rolled back too


# Progress and summary


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_plain_lines_off_a_terminal_and_a_bar_on_one(export):
    path = export(wxr(*(item(100 + n, f"Post {n}", slug=f"post-{n}") for n in range(5))))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wxr", str(path), "--progress-every", "2", stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in err.getvalue()
    assert lines[1].endswith("4 items: 4 posts/pages, 0 comments, 0 skipped")
    assert "read" not in out.getvalue()  # progress never mixes with the summary

    terminal = Terminal()
    call_command("import_wxr", str(path), stdout=io.StringIO(), stderr=terminal)
    assert terminal.getvalue().startswith("\r[") and "%" in terminal.getvalue()


def test_the_summary_counts_created_updated_unchanged_and_skipped_with_reasons(export):
    first = export(wxr(item(1, "One", slug="one", comments=comment(10, "Ivo Tran", "Hi.")), item(2, "Two", slug="two"),
                       item(3, "photo.jpg", slug="photo", post_type="attachment"),
                       item(4, "map.png", slug="map", post_type="attachment")))  # fmt: skip
    out = run_command("import_wxr", first)
    assert (
        out.splitlines()[1].strip() == "Created 4, updated 0, unchanged 0, skipped 2."
    )  # author, 2 posts, 1 comment
    assert "Skipped most often, because:\n" + " " * 11 + "2 × attachment (media files" in out
    assert "Skipped 2 item(s):\n    item 3 (line" in out
    second = export(wxr(item(1, "One, revised", slug="one", comments=comment(10, "Ivo Tran", "Hi.")),
                        item(2, "Two", slug="two"), item(2, "Two again", slug="two-again")), "second.xml")  # fmt: skip
    out = run_command("import_wxr", second)
    assert out.splitlines()[1].strip() == "Created 0, updated 1, unchanged 2, skipped 1."


# The search index after migrations


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers keep its full-text index")
def test_migrate_restores_search_triggers_a_table_rebuild_dropped(client, export):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_post_ai")  # what SQLite does when a migration rebuilds the table
    call_command("migrate", verbosity=0)
    run_command("import_wxr", export(wxr(item(1, "Lighthouse keepers", slug="keepers"))))
    Post.objects.create(title="Foghorn schedules", slug="foghorn", author=Post.objects.get().author, body="x",
                        status=Post.Status.PUBLISHED, published_at=datetime(2020, 1, 1, tzinfo=UTC))  # fmt: skip
    assert "Foghorn schedules" in client.get(reverse("search:search"), {"q": "foghorn"}).content.decode()


def test_importing_again_after_a_comment_was_deleted_here_does_not_bring_it_back(export):
    path = export(wxr(item(1, "Tolls", slug="tolls", comments=comment(900, "Ada Kerr", "Kept.")
                           + comment(901, "Spam Bot", "Purged since."))))  # fmt: skip
    run_command("import_wxr", path)
    Comment.objects.filter(author_name="Spam Bot").delete()  # as the 30-day purge does
    out = run_command("import_wxr", path)
    assert "comments deleted here since, not brought back          1" in out
    assert list(Comment.objects.values_list("author_name", flat=True)) == ["Ada Kerr"]


def test_imported_comments_are_stored_as_the_full_sanitizing_would_store_them(client, export, monkeypatch):
    """The import's shortcuts (text without markup skips nh3, inline markup skips the block
    handling) store the same HTML, byte for byte, and it shows on the page as stored."""
    from commentariat.core import markup
    from commentariat.discussion.models import render_comment_body

    bodies = [
        "Plain words,\nwith a break.\n\nAnd a second paragraph.",
        "Fish &amp; chips & peas",
        "5 > 3, apples",
        'Two sources <a href="https://example.net/a" onclick="steal()">say</a> so.\r\nReally.',
        "Rents &amp; rates <em>rise</em>; 3 < 4 > 2 &nbsp;and a\u00a0no-break space.",
        "<script>alert(1)</script>After the script.",
        "<blockquote>Quoted\n\nat length</blockquote>My answer.",
        "Before <!-- a note --> after, [caption]no image[/caption]",
        "<pre>  kept\n\n  as is</pre>\n\nthen text",
        "Ünïcode ☃ 𝔘 \u202eright to left\u202c, a\ttab and trailing spaces   ",
    ]
    comments = "".join(comment(700 + i, f"Reader {i}", body) for i, body in enumerate(bodies))
    path = export(wxr(item(1, "Rent notes", slug="rent-notes", comments=comments)))
    run_command("import_wxr", path)
    stored = list(Comment.objects.order_by("id").values_list("body", "body_format", "body_html"))
    assert len(stored) == len(bodies)
    # The long way for every one: nh3 always, and WordPress paragraphs around blocks always.
    monkeypatch.setattr(markup, "_SANITIZER_CHANGES", markup.re.compile(""))
    monkeypatch.setattr(markup, "_BLOCK_MARKUP", markup.re.compile(""))
    for body, body_format, body_html in stored:
        assert body_html == render_comment_body(body, body_format)
    page = client.get(Post.objects.get(slug="rent-notes").get_absolute_url()).content.decode()
    for _, _, body_html in stored:
        assert body_html in page
    assert "<script>" not in page and "steal()" not in page
