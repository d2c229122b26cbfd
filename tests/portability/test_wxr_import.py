"""`commentariat import-wxr` as an operator runs it, and the imported site as readers meet it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from commentariat.discussion.models import Comment
from commentariat.portability.models import ImportedItem
from commentariat.publishing.models import Category, Post

from .conftest import LANTERN, run_command

pytestmark = pytest.mark.django_db


def numbers(post: Post) -> list[tuple[str, str]]:
    return list(
        Comment.objects.numbered().filter(post=post).order_by("sort_key").values_list("number", "author_name")
    )


def test_the_summary_counts_what_came_in_and_names_what_was_skipped():
    out = run_command("import_wxr", LANTERN)
    assert "posts created                             5" in out
    assert "pages created                             1" in out
    assert "comments approved                         5" in out
    assert "comments pending                          1" in out
    assert "comments spam                             1" in out
    assert "comments removed                          1" in out
    assert "pingbacks                                 1" in out
    assert "comment 1009: its parent 9999 is not in the file" in out
    assert "item 104 (line 250): attachment" in out


def test_threads_are_numbered_in_date_order_whatever_the_file_order(client):
    run_command("import_wxr", LANTERN)
    post = Post.objects.get(slug="why-rents-rise")
    assert numbers(post) == [
        ("1", "Grace Okafor"),  # the earliest comment, though the file lists it fourth
        ("2", "Carol Diaz"),
        ("2.1", "Ben Wright"),
        ("2.1.1", "Carol Diaz"),
        ("3", "Frank Li"),
    ]
    page = client.get(post.get_absolute_url()).content.decode()
    assert page.index("First! But seriously") < page.index("Two sources say") < page.index("asking rents")
    assert post.comment_count == 5


def test_imported_comments_keep_their_status_and_never_show_emails(client):
    run_command("import_wxr", LANTERN)
    two_links = Comment.objects.get(author_name="Carol Diaz", parent=None)
    assert two_links.body.count("<a href") == 2 and two_links.status == Comment.Status.APPROVED
    assert Comment.objects.get(author_name="Eve Marsh").status == Comment.Status.PENDING
    assert Comment.objects.get(author_name="Cheap Watches").status == Comment.Status.SPAM
    assert Comment.objects.get(author_name="Hal Burton").status == Comment.Status.REMOVED
    pingback = Comment.objects.get(kind=Comment.Kind.PINGBACK)
    assert pingback.status == Comment.Status.APPROVED and pingback.number == ""

    page = client.get(Post.objects.get(slug="why-rents-rise").get_absolute_url()).content.decode()
    for hidden in ("Still waiting", "Buy watches", "moderators binned", "Lantern Review argued", "@"):
        assert hidden not in page.replace("@context", "").replace("@type", ""), hidden
    assert (
        Comment.objects.get(author_name="Carol Diaz", parent=None).author_email == "carol@readers.example.net"
    )


def test_content_renders_as_wordpress_showed_it_and_hostile_markup_is_inert(client):
    run_command("import_wxr", LANTERN)
    page = client.get("/2019/05/why-rents-rise/").content.decode()
    assert "<p>Rents in the old quarter rose for six years in a row.<br>\nThen they stopped.</p>" in page
    assert "<blockquote><p>The council" in page
    assert "<li>interest rates</li>" in page
    assert "javascript:" not in page and 'alert("boom")' not in page
    assert "<b>which</b>" in page  # comment markup WordPress allowed
    grace = Comment.objects.get(author_name="Grace Okafor")
    assert grace.author_url == "" and grace.ip_address is None  # javascript: URL and "unknown" IP dropped
    assert "Why rents rise &amp; fall" in page  # the title's entity decoded once, escaped once


def test_authors_categories_and_tags_come_in():
    run_command("import_wxr", LANTERN)
    alice = get_user_model().objects.get(username="alice")
    assert alice.is_staff and not alice.has_usable_password()
    assert alice.get_full_name() == "Alice Mercer"
    assert get_user_model().objects.get(username="bwright").get_full_name() == "Ben Wright"
    post = Post.objects.get(slug="why-rents-rise")
    assert post.author == alice
    assert Category.objects.get(slug="housing").parent.name == "Economics & Money"
    assert sorted(post.categories.values_list("slug", flat=True)) == ["economics", "housing"]
    assert list(post.tags.values_list("name", flat=True)) == ["rent control"]
    ben_reply = Comment.objects.get(author_name="Ben Wright")
    assert ben_reply.user.username == "bwright"


def test_old_permalinks_answer_with_a_301_path_and_query_alike(client):
    run_command("import_wxr", LANTERN)
    for old, new in [
        ("/2019/05/23/why-rents-rise/", "/2019/05/why-rents-rise/"),
        ("/?p=101", "/2019/05/why-rents-rise/"),
        ("/?page_id=2", "/about/"),
        ("/2019/07/14/%C3%A9t%C3%A9-in-the-city/", "/2019/07/ete-in-the-city/"),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new
        assert client.get(new).status_code == 200
    assert "We write about housing" in client.get("/about/").content.decode()


def test_drafts_scheduled_and_private_posts_stay_invisible(client):
    run_command("import_wxr", LANTERN)
    home = client.get("/").content.decode()
    assert "Why rents rise" in home
    assert "About the Lantern" not in home  # pages are not in the list of posts
    for slug, secret in [
        ("unfinished-thoughts-on-zoning", "SECRET DRAFT"),
        ("budget-preview", "SCHEDULED TEXT"),
        ("note-to-self", "PRIVATE TEXT"),
    ]:
        post = Post.objects.get(slug=slug)
        assert not post.is_published()
        assert client.get(post.get_absolute_url()).status_code == 404
        assert secret not in home
    for old in ("/?p=103", "/?p=105", "/2019/06/02/note-to-self/"):
        response = client.get(old)
        assert response.status_code in (200, 404) and "Location" not in response, old
    assert ImportedItem.objects.get(kind="post", legacy_id="106").legacy_status == "private"


def test_importing_the_same_file_again_changes_nothing():
    run_command("import_wxr", LANTERN)
    before = {
        "posts": list(Post.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "items": list(ImportedItem.objects.order_by("pk").values_list("pk", "fingerprint")),
    }
    out = run_command("import_wxr", LANTERN)
    assert "comments unchanged                        9" in out
    assert "posts unchanged                           5" in out
    assert "created" not in out
    assert list(Post.objects.order_by("pk").values()) == before["posts"]
    assert list(Comment.objects.order_by("pk").values()) == before["comments"]
    assert list(ImportedItem.objects.order_by("pk").values_list("pk", "fingerprint")) == before["items"]


def test_a_newer_export_adds_what_is_new_and_updates_what_changed(lantern_variant):
    run_command("import_wxr", LANTERN)
    newer = lantern_variant(
        ("<title>Why rents rise &amp; fall</title>", "<title>Why rents rise, and fall</title>"),
        # Eve's held comment was approved on the old site since the first export...
        (
            "Still waiting for a moderator, this one.]]></wp:comment_content>\n\t\t\t<wp:comment_approved><![CDATA[0]]>",
            "Still waiting for a moderator, this one.]]></wp:comment_content>\n\t\t\t<wp:comment_approved><![CDATA[1]]>",
        ),
        # ...and a new reply to Frank arrived.
        (
            "</item>\n\t<item>\n\t\t<title>About the Lantern</title>",
            """<wp:comment><wp:comment_id>1011</wp:comment_id><wp:comment_author>Jo Park</wp:comment_author>
            <wp:comment_author_email>jo@readers.example.net</wp:comment_author_email>
            <wp:comment_date_gmt>2019-06-01 10:00:00</wp:comment_date_gmt>
            <wp:comment_content>Rates, yes.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
            <wp:comment_parent>1007</wp:comment_parent></wp:comment>
            </item>\n\t<item>\n\t\t<title>About the Lantern</title>""",
        ),
    )
    out = run_command("import_wxr", newer)
    assert "posts updated                             1" in out
    assert "comments updated                          1" in out
    assert "comments approved                         1" in out  # the new one
    post = Post.objects.get(slug="why-rents-rise")
    assert post.title == "Why rents rise, and fall"
    # Existing numbers stay; the newly approved comment and the new reply get the next ones.
    assert numbers(post) == [
        ("1", "Grace Okafor"),
        ("2", "Carol Diaz"),
        ("2.1", "Ben Wright"),
        ("2.1.1", "Carol Diaz"),
        ("3", "Frank Li"),
        ("3.1", "Jo Park"),
        ("4", "Eve Marsh"),
    ]
    assert post.comment_count == 7
    assert Post.objects.count() == 6


def test_a_malformed_file_is_refused_with_its_line_and_column_and_nothing_is_imported(lantern_variant):
    # The break comes after several complete items: what was read before it must be rolled back.
    broken = lantern_variant(("<title>Été in the city</title>", "<title>Été in the city</titel>"))
    with pytest.raises(CommandError) as error:
        run_command("import_wxr", broken)
    message = str(error.value)
    assert message.endswith(
        "Opening and ending tag mismatch: title line 318 and titel (line 318, column 33). Nothing was imported."
    )
    assert Post.objects.count() == 0 and Comment.objects.count() == 0
    assert get_user_model().objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_command("import_wxr", tmp_path / "nope.xml")


def test_entities_pointing_at_local_files_are_not_expanded(tmp_path):
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{tmp_path}/secret.txt">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><item><title>Leak &leak;</title><content:encoded>Body &leak;</content:encoded>
<wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_name>leak</wp:post_name><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt></item></channel></rss>"""
    )
    run_command("import_wxr", hostile)
    post = Post.objects.get(slug="leak")
    assert "TOP SECRET" not in post.title + post.body + post.body_html


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_older_wxr_versions_import_the_same(lantern_variant, version):
    older = lantern_variant(
        ("http://wordpress.org/export/1.2/excerpt/", f"http://wordpress.org/export/{version}/excerpt/"),
        ('xmlns:wp="http://wordpress.org/export/1.2/"', f'xmlns:wp="http://wordpress.org/export/{version}/"'),
        ("<wp:wxr_version>1.2</wp:wxr_version>", f"<wp:wxr_version>{version}</wp:wxr_version>"),
    )
    out = run_command("import_wxr", older)
    assert "posts created                             5" in out
    assert "comments approved                         5" in out
    post = Post.objects.get(slug="why-rents-rise")
    assert post.excerpt == "Six years of rising rents, and then a turn."
    assert numbers(post)[:2] == [("1", "Grace Okafor"), ("2", "Carol Diaz")]
