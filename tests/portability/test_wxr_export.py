"""`commentariat export-wxr`: the operator's complete backup, and the way out to WordPress."""

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree

from commentariat.discussion.models import Comment
from commentariat.discussion.services import approve_comment, remove_comment
from commentariat.publishing.models import Post
from tests.factories import make_comment, make_post
from tests.operator import commentariat

from .conftest import LANTERN, run_command
from .site_snapshot import empty_the_site, site_snapshot

pytestmark = pytest.mark.django_db

WP = "{http://wordpress.org/export/1.2/}"


def test_the_export_holds_every_status_every_email_and_the_threading(tmp_path):
    run_command("import_wxr", LANTERN)
    out = run_command("export_wxr", "--output", tmp_path / "site.xml")
    assert "comments spam" in out and "posts                                   5" in out
    tree = etree.parse(str(tmp_path / "site.xml"))
    assert tree.findtext(f"channel/{WP}wxr_version") == "1.2"
    statuses = {
        item.findtext("title"): item.findtext(f"{WP}status") for item in tree.iterfind("channel/item")
    }
    assert statuses == {
        "Why rents rise & fall": "publish",
        "About the Lantern": "publish",
        "Unfinished thoughts on zoning": "draft",
        "What the budget will say": "future",
        "Note to self": "private",
        "Été in the city": "publish",
    }
    rents = next(i for i in tree.iterfind("channel/item") if i.findtext(f"{WP}post_name") == "why-rents-rise")
    comments = {c.findtext(f"{WP}comment_author"): c for c in rents.iterfind(f"{WP}comment")}
    assert {c.findtext(f"{WP}comment_approved") for c in comments.values()} == {"1", "0", "spam", "trash"}
    assert comments["Eve Marsh"].findtext(f"{WP}comment_author_email") == "eve@readers.example.net"
    assert comments["Another Blog » Rents"].findtext(f"{WP}comment_type") == "pingback"
    ben = comments["Ben Wright"]
    carol_first = Comment.objects.get(author_name="Carol Diaz", parent=None)
    assert ben.findtext(f"{WP}comment_parent") == str(carol_first.pk)
    assert "<blockquote>" in rents.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")


@pytest.mark.django_db(transaction=True)
def test_operator_imports_then_exports_to_standard_output_through_the_console_script(tmp_path):
    commentariat(tmp_path, "migrate", "--noinput")
    imported = commentariat(tmp_path, "import-wxr", str(LANTERN))
    assert "comments approved" in imported.stdout
    exported = commentariat(tmp_path, "export-wxr")
    document = etree.fromstring(exported.stdout.encode())
    assert len(document.findall("channel/item")) == 6
    assert "eve@readers.example.net" in exported.stdout  # the operator's backup keeps emails
    assert "comments pending" in exported.stderr  # the summary stays out of the document


def test_round_trip_import_export_import_gives_the_same_site(tmp_path, django_user_model):
    run_command("import_wxr", LANTERN)
    before = site_snapshot()
    run_command("export_wxr", "--output", tmp_path / "site.xml")
    empty_the_site(django_user_model)

    run_command("import_wxr", tmp_path / "site.xml")
    assert site_snapshot() == before


def test_round_trip_of_a_native_site_keeps_markdown_and_the_numbers_moderation_gave(
    tmp_path, django_user_model
):
    author = django_user_model.objects.create_user(
        username="edith", first_name="Edith", last_name="Writer", email="edith@example.org"
    )
    post = make_post(
        author=author,
        title="Native *post*",
        body="Some **Markdown** and\n\n> a quote",
        comment_mode="hold_all",
    )
    make_post(author=author, title="Draft", status=Post.Status.DRAFT, slug="a-draft")
    early = make_comment(post, name="Early", body="Written *first*, held")
    Post.objects.filter(pk=post.pk).update(comment_mode="")
    post.refresh_from_db()
    late = make_comment(post, name="Late", body="Written second")
    make_comment(post, parent=late, name="Replier", body="A reply")
    approve_comment(comment=early)  # approved after the later one: number 2, though dated first
    gone = make_comment(post, name="Gone", body="Removed later")
    remove_comment(comment=gone)  # keeps its number 3, which is never given again
    before = site_snapshot()
    assert {(c[7], c[4]) for c in before["comments"]} == {
        ("Early", "2"),
        ("Late", "1"),
        ("Replier", "1.1"),
        ("Gone", "3"),
    }

    run_command("export_wxr", "--output", tmp_path / "site.xml")
    empty_the_site(django_user_model)
    run_command("import_wxr", tmp_path / "site.xml")
    assert site_snapshot() == before
    assert Post.objects.get(title="Native *post*").body_format == Post.BodyFormat.MARKDOWN


def test_a_comment_its_author_deleted_is_exported_as_trash(tmp_path):
    from commentariat.discussion.services.status import withdraw

    post = make_post(title="Withdrawn here")
    withdraw(comment=make_comment(post, name="Regretful Reader"))
    run_command("export_wxr", "--output", tmp_path / "site.xml")
    tree = etree.parse(str(tmp_path / "site.xml"))
    (comment,) = tree.iterfind(f"channel/item/{WP}comment")
    assert comment.findtext(f"{WP}comment_approved") == "trash"


def test_round_trip_keeps_the_sticky_post_and_the_page_under_its_parent(
    tmp_path, django_user_model, client
):
    week_ago = timezone.now() - timedelta(days=7)
    make_post(title="Pinned housing guide", slug="housing-guide", is_sticky=True, published_at=week_ago)
    make_post(title="Fresh budget news", slug="budget-news", published_at=week_ago + timedelta(days=6))
    about = make_post(title="About us", slug="about", kind=Post.Kind.PAGE)
    team = make_post(title="Our team", slug="team", kind=Post.Kind.PAGE, parent=about)
    run_command("export_wxr", "--output", tmp_path / "site.xml")
    tree = etree.parse(str(tmp_path / "site.xml"))
    items = {item.findtext(f"{WP}post_name"): item for item in tree.iterfind("channel/item")}
    assert items["housing-guide"].findtext(f"{WP}is_sticky") == "1"
    assert items["budget-news"].findtext(f"{WP}is_sticky") == "0"
    team_parent = items["team"].findtext(f"{WP}post_parent")
    assert team_parent == items["about"].findtext(f"{WP}post_id") == str(about.pk)
    assert items["about"].findtext(f"{WP}post_parent") == "0"
    assert team.pk != about.pk
    empty_the_site(django_user_model)

    run_command("import_wxr", tmp_path / "site.xml")
    page = client.get("/about/team/")
    assert page.status_code == 200 and "Our team" in page.content.decode()
    front = client.get("/").content.decode()
    assert front.index("Pinned housing guide") < front.index("Fresh budget news")
    assert Post.objects.get(slug="housing-guide").is_sticky
