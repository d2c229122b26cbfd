"""Page versions are bumped when a change commits, and the fast paths replay only a 200's headers.

Every test here runs the after-commit path itself (real_commit, on a database whose
transactions really commit): tests/conftest.py makes bumps immediate for every other test.
"""

import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from commentariat.asgi import application as asgi_application
from commentariat.core import page_cache
from commentariat.discussion.models import Comment, Subscription
from commentariat.discussion.screening import Screening
from commentariat.discussion.services import approve_comment
from commentariat.wsgi import application as wsgi_application
from tests.core.direct_requests import asgi_get, wsgi_get
from tests.factories import make_comment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_commit]


def _held_comment(post, body="Held for a moderator."):
    with mock.patch(
        "commentariat.discussion.services.submission.screen_comment",
        return_value=Screening(Comment.Status.PENDING, "test"),
    ):
        return make_comment(post, body=body)


def _approve(post, comment):
    approve_comment(comment=comment)


def _retitle(post, comment):
    post.title = "A title changed in the transaction"
    post.save()


CHANGES = [pytest.param(_approve, id="approve-a-held-comment"), pytest.param(_retitle, id="save-the-post")]


@pytest.fixture
def scope_of(post):
    return f"post:{post.pk}"


# --- 1. The bump waits for the commit ---------------------------------------------------------


def test_the_test_runs_outside_any_transaction():
    """Otherwise every on_commit below would wait for a commit that never comes."""
    assert not connection.in_atomic_block
    assert page_cache.after_commit.__module__ == "commentariat.core.page_cache"  # not the fixture's


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_bumps_its_posts_version_only_when_its_transaction_commits(post, scope_of, change):
    comment = _held_comment(post)
    before, lists = page_cache.scope_version(scope_of), page_cache.scope_version("lists")
    with transaction.atomic():
        change(post, comment)
        assert page_cache.scope_version(scope_of) == before
        assert page_cache.scope_version("lists") == lists
    assert page_cache.scope_version(scope_of) != before
    assert page_cache.scope_version("lists") != lists


@pytest.mark.parametrize("change", CHANGES)
def test_a_rolled_back_change_never_bumps(post, scope_of, change):
    comment = _held_comment(post)
    before, lists = page_cache.scope_version(scope_of), page_cache.scope_version("lists")
    with pytest.raises(RuntimeError), transaction.atomic():
        change(post, comment)
        raise RuntimeError("the rest of the request failed")
    assert page_cache.scope_version(scope_of) == before
    assert page_cache.scope_version("lists") == lists
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_change_undone_by_its_savepoint_never_bumps_though_the_outer_transaction_commits(post, scope_of):
    comment = _held_comment(post)
    before = page_cache.scope_version(scope_of)
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            approve_comment(comment=comment)
            raise RuntimeError("undone")
    assert page_cache.scope_version(scope_of) == before


def test_outside_a_transaction_the_bump_is_at_once(post, scope_of):
    comment = _held_comment(post)
    before = page_cache.scope_version(scope_of)
    approve_comment(comment=comment)  # its own transaction, committed on return
    assert page_cache.scope_version(scope_of) != before


# --- 2. A reader during the open transaction leaves no stale page -----------------------------


def test_pages_stored_while_a_change_is_uncommitted_are_retired_by_its_commit(post, scope_of):
    """In one process (the reader shares the writer's connection, so it sees the change; what
    matters is the version the pages are stored under)."""
    comment = _held_comment(post, body="Approved in an open transaction.")
    url = post.get_absolute_url()
    with transaction.atomic():
        before_change = Client().get(url)
        approve_comment(comment=comment)
        assert Client().get(url)["X-Page-Cache"] == "hit"  # the old page still, as committed rows say
        page_cache.bump(scope_of)  # a second change in the same transaction: still nothing bumped
        assert Client().get(url)["X-Page-Cache"] == "hit"
    after = Client().get(url)
    assert before_change["X-Page-Cache"] == "miss"
    assert after["X-Page-Cache"] == "miss" and "Approved in an open transaction." in after.content.decode()
    assert after["ETag"] != before_change["ETag"]
    assert Client().get(url)["X-Page-Cache"] == "hit"


def _in_another_thread(function):
    """function()'s result, run on a thread of its own (its own database connection)."""
    outcome = {}

    def run():
        try:
            outcome["result"] = function()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error
        finally:
            connections.close_all()

    reader = threading.Thread(target=run)
    reader.start()
    reader.join(timeout=60)
    assert not reader.is_alive(), "the reader was blocked by the writer's open transaction"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a reader on another connection while the writer's transaction is open; the "
    "test database on SQLite is in memory (shared cache), where that reader would find the "
    "written tables locked instead of reading the committed rows",
)
@pytest.mark.parametrize(
    ("change", "shown"),
    [
        pytest.param(_approve, "Approved while a reader looked.", id="approve-a-held-comment"),
        pytest.param(_retitle, "A title changed in the transaction", id="save-the-post"),
    ],
)
def test_a_concurrent_reader_during_the_open_transaction_leaves_no_stale_page(post, scope_of, change, shown):
    comment = _held_comment(post, body="Approved while a reader looked.")
    url = post.get_absolute_url()
    with transaction.atomic():
        change(post, comment)
        during = _in_another_thread(lambda: Client().get(url))
        # The reader read the committed rows, without the change, and stored that page.
        assert during.status_code == 200 and during["X-Page-Cache"] == "miss"
        assert shown not in during.content.decode()
        assert _in_another_thread(lambda: Client().get(url))["X-Page-Cache"] == "hit"
    after = Client().get(url)
    assert after["X-Page-Cache"] == "miss" and shown in after.content.decode()
    again = _in_another_thread(lambda: Client().get(url))
    assert again["X-Page-Cache"] == "hit" and shown in again.content.decode()


# --- A bump that fails after the commit -------------------------------------------------------


def test_a_failing_bump_after_the_commit_costs_neither_the_change_nor_other_after_commit_work(
    post, monkeypatch
):
    comment = _held_comment(post, body="Approved while the cache was away.")
    Subscription.objects.create(
        email="follower@example.org", kind="discussion", post=post, confirmed_at=timezone.now()
    )

    def cache_away(scope):
        raise ConnectionError("the version store is unreachable")

    monkeypatch.setattr(page_cache._version_store(), "bump", cache_away)
    mail.outbox.clear()
    try:
        approve_comment(comment=comment)
    finally:
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED  # committed either way
    assert [message.to for message in mail.outbox] == [["follower@example.org"]]


# --- 3. and 4. A 304 answered by a miss never lends its headers to later readers --------------


_wsgi_get, _asgi_get = wsgi_get, asgi_get


LAYERS = [
    pytest.param((wsgi_application, _wsgi_get, lambda etag: {"HTTP_IF_NONE_MATCH": etag}), id="wsgi"),
    pytest.param((asgi_application, _asgi_get, lambda etag: {"if_none_match": etag}), id="asgi"),
]


@pytest.fixture
def request_threads_close_their_connections(monkeypatch):
    """Django's ASGI handler runs each request's view on a thread of its own; with CONN_MAX_AGE
    set, that thread's connection outlives the request and keeps PostgreSQL from dropping the
    test database at the end of the run. Connections opened from here on close with their request."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)


def _django_must_not_run(application, monkeypatch):
    if application is wsgi_application:

        def refuse(environ, start_response):
            raise AssertionError("the request reached Django")

    else:

        async def refuse(scope, receive, send):
            raise AssertionError("the request reached Django")

    monkeypatch.setattr(application, "application", refuse)


def _revalidated_by_a_miss(post, get, if_none_match):
    """A: a reader gets the page (miss, stored). A held comment bumps the post's version without
    changing what the page shows. B: A's browser revalidates: Django renders the page again,
    stores it under the new version, and answers 304 (the ETag is the same)."""
    url = post.get_absolute_url()
    status, first, _ = get(url)
    assert status == 200 and first["x-page-cache"] == ["miss"]
    assert get(url)[1]["x-page-cache"] == ["hit"]  # the fast path knows A's headers
    _held_comment(post)
    status, revalidated, body = get(url, **if_none_match(first["etag"][0]))
    assert (status, revalidated["x-page-cache"], body) == (304, ["miss"], "")
    assert "content-type" not in revalidated and revalidated["etag"] == first["etag"]
    return url


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.usefixtures("request_threads_close_their_connections")
def test_readers_after_a_304_miss_get_the_page_with_its_content_type(post, layer):
    """Were the 304's headers kept for the stored page, the fast path would replay them:
    a 200 without Content-Type to every later reader of this version of the page."""
    application, get, if_none_match = layer
    url = _revalidated_by_a_miss(post, get, if_none_match)
    for _ in range(2):
        status, headers, body = get(url)
        assert status == 200 and headers["x-page-cache"] == ["hit"]
        assert headers["content-type"] == ["text/html; charset=utf-8"]
        assert post.title in body
        assert "content-security-policy" in headers and "vary" in headers


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.usefixtures("request_threads_close_their_connections")
def test_after_a_304_miss_the_fast_path_answers_again(post, layer, monkeypatch):
    application, get, if_none_match = layer
    url = _revalidated_by_a_miss(post, get, if_none_match)
    assert get(url)[0] == 200  # a new reader, through whichever path
    _django_must_not_run(application, monkeypatch)
    status, headers, _ = get(url)
    assert status == 200 and headers["content-type"] == ["text/html; charset=utf-8"]
