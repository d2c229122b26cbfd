"""A comment erased at its author's request stays erased through imports and backups."""

import pytest

from commentariat.discussion.exceptions import StateConflict
from commentariat.discussion.models import Comment
from commentariat.moderation.own_data import erase
from commentariat.moderation.services import decide_comment
from tests.factories import make_comment
from tests.portability.conftest import run_command
from tests.portability.site_snapshot import empty_the_site

pytestmark = pytest.mark.django_db

ADDRESS = "erin@example.org"


@pytest.fixture
def thread(post, policy):
    first = make_comment(post, name="Erin Eraser", email=ADDRESS, body="Words I take back.")
    make_comment(post, parent=first, name="Other", body="A reply that stays.")
    return first


def _assert_erased(comment_id):
    row = Comment.objects.get(pk=comment_id)
    assert row.erased_at is not None and row.status == "withdrawn"
    assert (row.body, row.author_name, row.author_email) == ("", "", "")


def test_importing_an_older_backup_does_not_bring_an_erased_comment_back(thread, tmp_path):
    run_command("export_wxr", "--output", tmp_path / "before.xml")
    erase(ADDRESS)
    out = run_command("import_wxr", tmp_path / "before.xml")
    _assert_erased(thread.pk)
    assert "erased at their authors' request" in out
    run_command("export_wxr", "--output", tmp_path / "after.xml")
    assert ADDRESS not in (tmp_path / "after.xml").read_text() and "Words I take back." not in (tmp_path / "after.xml").read_text()


def test_a_backup_restored_into_an_empty_site_keeps_the_erasure(thread, tmp_path, django_user_model):
    number = thread.number
    erase(ADDRESS)
    run_command("export_wxr", "--output", tmp_path / "backup.xml")
    empty_the_site(django_user_model)
    run_command("import_wxr", tmp_path / "backup.xml")
    restored = Comment.objects.get(number=number)
    _assert_erased(restored.pk)
    someone = django_user_model.objects.create_user(username="restorer", is_staff=True)
    with pytest.raises(StateConflict):  # nobody publishes it again
        decide_comment(comment=restored, decision="approve", by=someone)
