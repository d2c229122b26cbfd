"""`commentariat import-disqus`: a site that kept its discussions on Disqus brings them home."""

import pytest
from django.core.management.base import CommandError

from commentariat.discussion.models import Comment
from commentariat.publishing.models import Post

from .conftest import FILES, LANTERN, run_command

pytestmark = pytest.mark.django_db

DISQUS = FILES / "lantern-disqus.xml"


@pytest.fixture
def lantern():
    run_command("import_wxr", LANTERN)


def test_threads_find_their_posts_by_old_or_new_address_and_keep_nesting_and_status(lantern, client):
    out = run_command("import_disqus", DISQUS)
    assert "comments approved                         4" in out
    assert "comments spam                             1" in out
    assert "comments removed                          1" in out
    assert (
        "thread https://lantern.example.org/2015/01/01/long-gone/: no post at this address on the site "
        "that moved here; its 1 comment(s) were skipped" in out
    )
    assert not Post.objects.filter(kind=Post.Kind.EMBEDDED).exists()

    summer = Post.objects.get(slug="ete-in-the-city")
    thread = list(
        Comment.objects.numbered()
        .filter(post=summer)
        .order_by("sort_key")
        .values_list("number", "author_name")
    )
    assert thread == [("1", "Lee Quinn"), ("1.1", "Kim Hale")]
    assert Comment.objects.get(author_name="Flight Deals").status == Comment.Status.SPAM
    assert Comment.objects.get(author_name="Guest").status == Comment.Status.REMOVED
    assert Comment.objects.get(author_name="Mo Reyes").post.slug == "about"

    page = client.get(summer.get_absolute_url()).content.decode()
    assert "<p>The squares are the best part of summer.</p>" in page
    assert "javascript:" not in page and "lee@readers.example.net" not in page
    assert "Cheap flights" not in page and "I take that back" not in page
    summer.refresh_from_db()
    assert summer.comment_count == 2


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
    assert "comments unchanged                        6" in out
    assert list(Comment.objects.order_by("pk").values()) == before


def test_a_broken_disqus_file_is_refused_and_nothing_is_imported(lantern, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(DISQUS.read_text().replace("</disqus>", ""))
    before = Comment.objects.count()
    with pytest.raises(CommandError, match=r"not a well-formed Disqus export: .* \(line \d+, column \d+\)"):
        run_command("import_disqus", broken)
    assert Comment.objects.count() == before
