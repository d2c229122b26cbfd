"""A backup through WXR: restored into an empty site it gives the same site; imported into the
site it came from it changes nothing; WordPress's part of the file stays plain WXR."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from lxml import etree
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from commentariat.discussion.models import Comment, Subscription
from commentariat.discussion.notifications import subscribe
from commentariat.discussion.services import mark_spam, remove_comment
from commentariat.discussion.services.quoting import quote_in_new_post
from commentariat.discussion.services.status import withdraw
from commentariat.moderation.models import CommenterNote, ModerationPolicy, Sanction
from commentariat.moderation.services import (
    add_note,
    pick_comment,
    revoke_sanction,
    sanction_commenter,
    update_policy,
    update_thread,
)
from commentariat.portability.backup_extension import BACKUP_NAMESPACE
from commentariat.publishing.models import OldAddress, Post
from tests.factories import make_comment, make_post

from .conftest import FILES, LANTERN, run_command
from .site_snapshot import empty_the_site, site_snapshot

pytestmark = pytest.mark.django_db

NS = f"{{{BACKUP_NAMESPACE}}}"
HOSTILE = FILES / "hostile-backup.xml"
NOTE = "Read before they appear, because of <script>alert('trolls')</script>."


@pytest.fixture
def rich_site(django_user_model, moderator):
    """The Lantern Review's import, then a native post with everything a site adds to it."""
    run_command("import_wxr", LANTERN)
    update_policy(policy=ModerationPolicy.current(), changes={"mode": "hold_none"}, by=moderator)
    edith = django_user_model.objects.create_user(
        username="edith", first_name="Edith", last_name="Writer", email="edith@example.org"
    )
    post = make_post(author=edith, title="Native post", slug="native-post", body="Some **Markdown**")
    first = make_comment(post, name="Ada", email="ada@readers.example", body="First, *approved*")
    reply = make_comment(post, parent=first, name="Ben", email="ben@readers.example", body="A reply")
    mark_spam(comment=make_comment(post, name="Spammer", body="Cheap pills"), by=moderator)
    remove_comment(comment=make_comment(post, name="Gone", body="Removed later"), by=moderator)
    withdraw(comment=make_comment(post, name="Regretful", body="Taken back"))
    update_thread(post=post, changes={"comment_mode": "hold_all", "moderation_note": NOTE}, by=moderator)
    make_comment(post, name="Held", body="Waiting for a moderator")
    pick_comment(comment=first, picked=True, by=moderator)
    post.refresh_from_db()
    post.slug = "native-post-renamed"
    post.save()  # the old address now answers with a 301
    quoting = quote_in_new_post(comment=reply, user=edith)
    Post.objects.filter(pk=quoting.pk).update(
        status=Post.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1)
    )
    first.quoted_in.add(Post.objects.get(slug="why-rents-rise"))  # quoted from an earlier item
    subscribe(email="ada@readers.example", post=post, comment=first, address_proven=True)
    subscribe(email="follower@readers.example", post=post, address_proven=True)
    subscribe(email="stranger@readers.example", post=post)  # never confirmed
    sanction_commenter(kind="ban", by=moderator, reason="Spam runs", email="spam@bad.example")
    sanction_commenter(kind="hold", by=moderator, reason="Heated", ip_network="192.0.2.0/24",
                       expires_at=timezone.now() + timedelta(days=7))  # fmt: skip
    revoke_sanction(sanction=sanction_commenter(kind="suspend", by=moderator, reason="Cooled", name="Troll"),
                    by=moderator)  # fmt: skip
    add_note(email="ben@readers.example", body="Knows the zoning code well.", by=moderator)
    update_policy(
        policy=ModerationPolicy.current(),
        changes={"mode": "hold_first_time", "link_limit": 3, "disallowed_terms": "casino\npills",
                 "auto_close_days": 30, "duty_start": time(9), "duty_end": time(17, 30)},
        by=moderator,
    )  # fmt: skip
    return post


def _expected_after_restore(snapshot: dict) -> dict:
    """A backup carries confirmed subscriptions only."""
    confirmed = [s for s in snapshot["subscriptions"] if s[5] is not None]
    assert len(confirmed) == 2 and len(snapshot["subscriptions"]) == 3
    return {**snapshot, "subscriptions": confirmed}


def _tables() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Post,
            Comment,
            OldAddress,
            Subscription,
            Sanction,
            CommenterNote,
            Comment.quoted_in.through,
        )
    }


def test_a_backup_restored_into_an_empty_site_gives_the_same_site(rich_site, tmp_path, django_user_model):
    before = site_snapshot()
    assert before["picks"] and before["quotes"] and before["old_addresses"] and before["notes"]
    assert {c[3] for c in before["comments"]} == set(Comment.Status.values)
    run_command("export_wxr", "--output", tmp_path / "backup.xml")
    empty_the_site(django_user_model)

    out = run_command("import_wxr", tmp_path / "backup.xml")
    assert site_snapshot() == _expected_after_restore(before)
    assert "Skipped" not in out


def test_the_restored_site_answers_its_readers_as_before(rich_site, tmp_path, django_user_model, client):
    run_command("export_wxr", "--output", tmp_path / "backup.xml")
    empty_the_site(django_user_model)
    run_command("import_wxr", tmp_path / "backup.xml")

    post = Post.objects.get(slug="native-post-renamed")
    old_address = rich_site.get_absolute_url().replace("native-post-renamed", "native-post")
    assertRedirects(client.get(old_address), post.get_absolute_url(), status_code=301)
    page = client.get(post.get_absolute_url())
    assertContains(page, "Editors' picks")
    quoting_posts = Post.objects.filter(quoted_comments__isnull=False)
    assert quoting_posts.count() == 2
    for quoting in quoting_posts:
        assertContains(page, f'Quoted in <a href="{quoting.get_absolute_url()}">')
    assertContains(page, "&lt;script&gt;alert(")  # the moderators' note, as text
    assertNotContains(page, "<script>alert(")
    for email in ("ada@readers.example", "ben@readers.example", "follower@readers.example"):
        assertNotContains(page, email)


def test_importing_a_sites_own_export_into_itself_changes_nothing(rich_site, tmp_path):
    before, tables = site_snapshot(), _tables()
    run_command("export_wxr", "--output", tmp_path / "backup.xml")

    for _ in range(2):
        out = run_command("import_wxr", tmp_path / "backup.xml")
        assert site_snapshot() == before
        assert _tables() == tables
        assert "created" not in out and "restored" not in out and "Skipped" not in out


def test_a_post_renamed_since_the_backup_is_put_back_not_duplicated(rich_site, tmp_path):
    run_command("export_wxr", "--output", tmp_path / "backup.xml")
    posts = Post.objects.count()
    post = Post.objects.get(slug="native-post-renamed")
    post.slug = "renamed-since"
    post.save()

    run_command("import_wxr", tmp_path / "backup.xml")
    post.refresh_from_db()
    assert (Post.objects.count(), post.slug) == (posts, "native-post-renamed")


def test_another_sites_backup_never_takes_over_this_sites_posts_or_roles(
    rich_site, tmp_path, django_user_model
):
    run_command("export_wxr", "--output", tmp_path / "backup.xml")
    text = (tmp_path / "backup.xml").read_text()
    key = etree.fromstring(text.encode()).find(f"channel/{NS}site").get("key")
    for old, new in ((key, "another-site"), ("<title>Native post</title>", "<title>Theirs</title>"),
                     ('login="edith" groups=""', 'login="edith" groups="moderator"')):  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "other.xml").write_text(text)

    run_command("import_wxr", tmp_path / "other.xml")
    assert Post.objects.get(slug="native-post-renamed").title == "Native post"
    assert Post.objects.filter(title="Theirs").exists()
    assert not django_user_model.objects.get(username="edith").groups.exists()  # no role from a stranger


def test_the_backup_is_plain_wxr_with_our_extension_beside_it(rich_site, tmp_path, django_user_model):
    run_command("export_wxr", "--output", tmp_path / "backup.xml")
    text = (tmp_path / "backup.xml").read_text()
    assert "stranger@readers.example" not in text  # an unconfirmed address is nobody's to restore
    root = etree.fromstring(text.encode())
    channel = root.find("channel")
    # Ours sits only where WordPress's importer passes over unknown elements: in the channel
    # (before the first item, so that an import reads it first) and in items.
    homes = {_first_foreign_ancestor(e).tag for e in root.iter(f"{NS}*")}
    assert homes == {"channel", "item"}
    assert list(channel).index(channel.find(f"{NS}site")) < list(channel).index(channel.find("item"))
    wordpress_part = _without_extension(root)
    empty_the_site(django_user_model)

    (tmp_path / "plain.xml").write_bytes(etree.tostring(wordpress_part))
    run_command("import_wxr", tmp_path / "plain.xml")
    after = site_snapshot()
    assert "native-post-renamed" in after["posts"] and len(after["comments"]) > 6
    assert after["picks"] == [] and after["notes"] == []  # these live in the extension alone


def _first_foreign_ancestor(element):
    while element.tag.startswith(NS):
        element = element.getparent()
    return element


def _without_extension(root):
    for element in list(root.iter(f"{NS}*")):
        if element.getparent() is not None:
            element.getparent().remove(element)
    etree.cleanup_namespaces(root)
    assert BACKUP_NAMESPACE.encode() not in etree.tostring(root)
    return root


def test_a_tampered_extension_is_refused_value_by_value_and_stays_inert(client, policy):
    out = run_command("import_wxr", HOSTILE)

    post = Post.objects.get(slug="tampered-post")
    assert set(post.old_addresses.values_list("address", flat=True)) == {
        "/2023/12/tampered-post-draft-title/"
    }
    assert post.comment_mode == ""  # the site's own mode
    page = client.get(post.get_absolute_url())
    assertContains(page, "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt; Be kind.")
    assertNotContains(page, '<script>alert("note")')
    assert client.get("/2023/12/tampered-post-draft-title/").status_code == 301
    (comment,) = Comment.objects.all()
    assert (comment.status, comment.picked_at, comment.decided_status) == ("approved", None, "")
    assert not Subscription.objects.exists() and not CommenterNote.objects.exists()
    assert not Comment.quoted_in.through.objects.exists()
    (sanction,) = Sanction.objects.all()
    assert (sanction.email, sanction.created_by) == ("troll@gazette.example", None)
    policy.refresh_from_db()
    assert (policy.mode, policy.link_limit, policy.auto_close_days, policy.flood_limit_per_minute) == (
        "hold_none",
        2,
        None,
        9,
    )
    for refused in ("mode", "link_limit", "auto_close_days", "nuke", "IP network that is not one", "email that is not one", "nothing to match", "no valid email",
                    "quoted comment '999'", "editors' pick '21'", "editors' pick '404'", "old address 'https://evil"):  # fmt: skip
        assert refused in out, refused
