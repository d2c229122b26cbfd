"""One machine, several processes: `make serve`'s web workers, its task worker and the operator's
commands must see one cache, or a page invalidated in one process stays stale in another and
flood limits count each worker apart (the single-machine default, without Redis)."""

import urllib.request

import pytest

from tests.core.test_operations import _post_comment
from tests.operator import commentariat, served

POST = "/2026/11/why-we-number-our-comments/"
SINGLE_MACHINE = {
    "REDIS_URL": "",
    "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0",
    "COMMENTARIAT_INITIAL_MODERATION_MODE": "hold_none",
}


@pytest.fixture
def two_workers(tmp_path):
    commentariat(tmp_path, "migrate", "--noinput", "-v0", extra_env=SINGLE_MACHINE)
    commentariat(tmp_path, "collectstatic", "--noinput", "-v0", extra_env=SINGLE_MACHINE)
    commentariat(tmp_path, "load-demo-site", extra_env=SINGLE_MACHINE)
    with served(tmp_path, SINGLE_MACHINE, workers=2) as base:
        yield base, tmp_path


def _pages(base: str, count: int = 16) -> list[str]:
    """The post page as `count` anonymous readers get it (spread over both workers)."""
    return [urllib.request.urlopen(base + POST, timeout=30).read().decode() for _ in range(count)]


def test_a_change_made_in_any_process_reaches_every_workers_cached_page(two_workers):
    base, data_dir = two_workers
    assert all("Written by another process" not in page for page in _pages(base))  # now cached
    commentariat(
        data_dir,
        "shell",
        "-c",
        "from commentariat.discussion.services import submit_comment\n"
        "from commentariat.publishing.models import Post\n"
        "post = Post.objects.get(slug='why-we-number-our-comments')\n"
        "submit_comment(post=post, parent=None, author_name='Shell', author_email='s@example.org',"
        " body='Written by another process.')",
        extra_env=SINGLE_MACHINE,
    )
    assert all("Written by another process." in page for page in _pages(base))

    status, _, _ = _post_comment(base, POST, "Posted through one of the workers.")
    assert status == 200
    assert all("Posted through one of the workers." in page for page in _pages(base))


def test_flood_limit_counts_comments_across_workers(two_workers):
    base, data_dir = two_workers
    commentariat(
        data_dir,
        "shell",
        "-c",
        "from commentariat.moderation.models import ModerationPolicy\n"
        "policy = ModerationPolicy.current(); policy.flood_limit_per_minute = 3; policy.save()",
        extra_env=SINGLE_MACHINE,
    )
    from tests.factories import clear_of_minute_boundary

    clear_of_minute_boundary()
    statuses = [_post_comment(base, POST, f"Flood {n}.")[0] for n in range(6)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429, 429]


def test_readers_get_the_restored_site_after_a_restore(two_workers):
    base, data_dir = two_workers
    backup = data_dir / "before.sqlite3"
    commentariat(data_dir, "backup", "--output", str(backup), extra_env=SINGLE_MACHINE)
    assert _post_comment(base, POST, "Written after the backup.")[0] == 200
    assert all("Written after the backup." in page for page in _pages(base))  # cached with it
    commentariat(data_dir, "restore", str(backup), "--yes", extra_env=SINGLE_MACHINE)
    assert all("Written after the backup." not in page for page in _pages(base))
