"""A lagging read replica must never decide what a shared answer shows.

A shared answer (the page cache here, Varnish or a CDN in front) is stored under the version of
its post read from the primary, after the change's purge: whatever it was read from lives for
s-maxage, long after the replica has caught up. Here the replica is a copy of the site taken
before an editor took one post back to draft, gave another a password and renamed a category,
so it lags for ever."""

import json
import sqlite3
import urllib.error
import urllib.request

import pytest

from tests.operator import commentariat, served

DRAFTED = "reading-list-november"
PROTECTED = "why-we-number-our-comments"


@pytest.fixture(scope="module")
def site_after_a_change_the_replica_missed(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("stale-replica")
    replica = tmp_path / "replica.sqlite3"
    env = {
        "REDIS_URL": "",
        "COMMENTARIAT_PAGE_CACHE": "1",
        "DATABASE_REPLICA_URL": f"sqlite:///{replica}",
    }
    alone = {**env, "DATABASE_REPLICA_URL": ""}
    commentariat(tmp_path, "migrate", "--noinput", "-v0", extra_env=alone)
    commentariat(tmp_path, "collectstatic", "--noinput", "-v0", extra_env=alone)
    commentariat(tmp_path, "load-demo-site", extra_env=alone)
    commentariat(
        tmp_path,
        "shell",
        "-c",
        "from commentariat.publishing.models import Category, Post\n"
        "category = Category.objects.create(\n"
        "    name='Local scandals', slug='local', description='Named freely.')\n"
        "Post.objects.get(slug='library-levy-and-trust').categories.add(category)",
        extra_env=alone,
    )
    with sqlite3.connect(tmp_path / "commentariat.sqlite3") as primary, sqlite3.connect(replica) as copy:
        primary.backup(copy)
    changed = commentariat(
        tmp_path,
        "shell",
        "-c",
        "import json\n"
        "from commentariat.publishing.models import Post\n"
        f"drafted = Post.objects.get(slug='{DRAFTED}')\n"
        "address = drafted.get_absolute_url()\n"
        "drafted.status = Post.Status.DRAFT\n"
        "drafted.save()\n"
        f"protected = Post.objects.get(slug='{PROTECTED}')\n"
        "protected.password = 'members only'\n"
        "protected.save()\n"
        "from commentariat.publishing.models import Category\n"
        "Category.objects.filter(slug='local').update(\n"
        "    name='Local matters', description='Renamed on legal advice.')\n"
        "Category.objects.get(slug='local').save()  # the rename as the admin saves it (bumps the site)\n"
        "print(json.dumps({'drafted': address, 'protected': protected.pk}))",
        extra_env=alone,
    )
    found = json.loads(changed.stdout.strip().splitlines()[-1])
    with served(tmp_path, env) as base:
        yield base, found


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, _lower(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read().decode()


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


def test_a_post_taken_back_to_draft_is_gone_not_stored_as_a_locked_page(
    site_after_a_change_the_replica_missed,
):
    base, found = site_after_a_change_the_replica_missed
    for _ in range(2):  # the miss, then what the page cache would answer
        status, headers, body = _get(base + found["drafted"])
        assert status == 404, (status, headers.get("cache-control"))
        assert "Reading list" not in body and "public" not in headers.get("cache-control", "")


def test_a_newly_protected_posts_comments_never_go_out_as_a_shared_live_answer(
    site_after_a_change_the_replica_missed,
):
    base, found = site_after_a_change_the_replica_missed
    status, headers, body = _get(f"{base}/live/posts/{found['protected']}/comments/?after=0")
    assert "public" not in headers.get("cache-control", "") and "xkey" not in headers
    assert status == 404 and '"html"' not in body


def test_a_listing_is_headed_by_what_the_primary_says(site_after_a_change_the_replica_missed):
    base, _ = site_after_a_change_the_replica_missed
    for _ in range(2):  # the miss, then what the page cache would answer
        status, headers, body = _get(base + "/category/local/")
        assert status == 200 and "Local matters" in body and "Renamed on legal advice." in body
        assert "Local scandals" not in body and "Named freely." not in body


def test_a_reader_who_wrote_nothing_is_not_pinned_and_the_page_stays_shared(
    site_after_a_change_the_replica_missed,
):
    # Reading the moderation policy (get_or_create) asks the router for the primary as a write
    # would; that must not mark the reader as a writer, whose answer sets `commentariat_wrote`:
    # a shared cache keeps no answer that sets a cookie.
    base, _ = site_after_a_change_the_replica_missed
    for address in ("/", "/2026/11/library-levy-and-trust/"):
        status, headers, _ = _get(base + address)
        assert status == 200 and "public" in headers.get("cache-control", "")
        assert "set-cookie" not in headers, (address, headers.get("set-cookie"))
