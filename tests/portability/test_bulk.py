"""The import's fast row writer stores exactly what the ORM would."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection

from commentariat.discussion.models import Comment
from commentariat.portability.models import ImportedItem
from commentariat.portability.bulk import _sqlite_datetime, allocate_ids, insert_rows
from tests.factories import make_comment

from .conftest import LANTERN, run_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2019, 5, 23, 10, 0, tzinfo=UTC),
        datetime(2019, 5, 23, 10, 0, 1, 250, tzinfo=UTC),
        datetime(2019, 5, 23, 23, 30, tzinfo=timezone(timedelta(hours=-7))),
    ],
)
def test_dates_are_stored_as_django_stores_them_on_sqlite(moment):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite adapter")
    assert _sqlite_datetime(moment) == connection.ops.adapt_datetimefield_value(moment)


def test_inserted_rows_read_back_through_the_orm_with_fresh_ids(post):
    existing = make_comment(post, name="Before")
    ids = allocate_ids(Comment, 2)
    assert min(ids) > existing.pk and len(set(ids)) == 2
    base = {field.attname: getattr(existing, field.attname) for field in Comment._meta.concrete_fields}
    moment = datetime(2019, 5, 23, 10, 0, 1, 250, tzinfo=UTC)
    insert_rows(
        Comment,
        [
            {**base, "id": ids[0], "author_name": "Inserted", "created_at": moment, "ip_address": "2001:db8::1",
             "number": "", "sort_key": "", "sequence": None},
            {**base, "id": ids[1], "author_name": "Second", "parent_id": ids[0], "ip_address": None,
             "number": "", "sort_key": "", "sequence": None},
        ],
    )  # fmt: skip
    inserted = Comment.objects.get(pk=ids[0])
    assert (inserted.author_name, inserted.created_at, inserted.ip_address) == (
        "Inserted",
        moment,
        "2001:db8::1",
    )
    assert Comment.objects.get(pk=ids[1]).parent == inserted
    # The database's own counter moved past them: the next ordinary comment gets a new id.
    assert make_comment(post, name="After").pk > max(ids)


def _indexes(model=Comment):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: (c["columns"], c["unique"]) for name, c in constraints.items() if c["index"]}


def test_a_large_import_drops_the_comment_indexes_and_creates_them_again(monkeypatch):
    from commentariat.portability import bulk, wxr_import

    before = _indexes()
    items_before = _indexes(ImportedItem)
    assert {index.name for index in Comment._meta.indexes} <= set(before)
    seen_during = []
    real_run = wxr_import._run

    def run_and_look(*args):
        seen_during.append(_indexes())
        item_indexes = set(_indexes(ImportedItem))
        assert not {index.name for index in ImportedItem._meta.indexes} & item_indexes
        return real_run(*args)

    monkeypatch.setattr(wxr_import, "_run", run_and_look)
    run_command("import_wxr", LANTERN)  # an empty site: the file's comments outnumber it
    assert not {index.name for index in Comment._meta.indexes} & set(seen_during[0])
    single_columns = {columns[0] for columns, unique in seen_during[0].values() if len(columns) == 1}
    if connection.vendor == "sqlite":  # the single-column indexes the import does not read wait too
        assert not single_columns & {"created_at", "status", "parent_id", "user_id", "status_changed_at"}
    assert "post_id" in single_columns  # the import reads comments by post
    assert _indexes() == before
    assert _indexes(ImportedItem) == items_before
    assert bulk.rows_outnumbered(Comment, Comment.objects.count() + 1)
    assert not bulk.rows_outnumbered(Comment, Comment.objects.count())


def _temp_store() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store")
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="an SQLite setting")
@pytest.mark.django_db(transaction=True)
def test_the_import_sorts_on_disk_and_gives_the_site_its_memory_temp_store_back(monkeypatch):
    from commentariat.portability import wxr_import

    site_setting = _temp_store()
    assert site_setting == 2  # MEMORY, from the settings' init_command
    during = []
    real_run = wxr_import._run

    def run_and_look(*args):
        during.append(_temp_store())
        return real_run(*args)

    monkeypatch.setattr(wxr_import, "_run", run_and_look)
    run_command("import_wxr", LANTERN)
    assert during == [1]  # FILE
    assert _temp_store() == site_setting


def test_the_cycle_collector_skips_the_objects_there_before_the_import_and_only_during_it(monkeypatch):
    import gc

    from commentariat.portability import wxr_import

    during = []
    real_run = wxr_import._run

    def run_and_look(*args):
        during.append(gc.get_freeze_count())
        return real_run(*args)

    monkeypatch.setattr(wxr_import, "_run", run_and_look)
    before = gc.get_freeze_count()
    run_command("import_wxr", LANTERN)
    assert during[0] > before + 10_000  # Django and the apps, at least
    assert gc.get_freeze_count() == before
