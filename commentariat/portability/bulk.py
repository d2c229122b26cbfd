"""Inserting hundreds of thousands of rows without the ORM's per-value work.

An import holds the database's write transaction from start to end; ids are taken before the
rows are written, so that replies can name their parents in the same batch. Values are adapted
the way Django adapts them for the backend (dates, IP addresses); every other value is a plain
str, int, bool or None that the driver takes as it is.
"""

from contextlib import contextmanager
from datetime import UTC
from functools import lru_cache

from django.db import connection, models

_BATCH = 1000


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """count ids that no row of model has, nor will be given by the database later."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(connection.vendor)
        # AUTOINCREMENT's counter, so that ids of deleted rows are not handed out again; safe
        # because the import's transaction holds SQLite's one write lock.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


@contextmanager
def deferred_indexes(model: type[models.Model], *, defer: bool = True, fields: tuple[str, ...] = ()):
    """Within the import's transaction: drop the secondary indexes of model's Meta.indexes and
    create them again at the end, one sort each instead of a B-tree update per inserted row.

    The statements come from the model's own Index objects through the schema editor, as its
    migrations write them, so the import and the migrations cannot disagree. Foreign-key and
    unique indexes stay: the import looks rows up by them, and the unique ones keep their checks.
    fields: on SQLite, the single-column indexes of these fields (db_index, foreign keys the
    import never looks rows up by) are deferred too, re-created from their own definition.
    Used only when the rows to come far outnumber the rows there (rebuilding costs the whole table).
    If the import fails, the transaction's rollback brings the dropped indexes back.
    """
    if not defer or not model._meta.indexes:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("deferred_indexes() needs a transaction: a failure would lose the indexes")
    # Not entered as a context manager: SQLite's editor refuses to open inside a transaction with
    # foreign keys on, which matters only for table rebuilds; CREATE/DROP INDEX are plain statements.
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []  # what __enter__ would set; nothing is deferred here
    indexes = list(model._meta.indexes)
    with connection.cursor() as cursor:
        field_indexes = _field_indexes(cursor, model, fields) if connection.vendor == "sqlite" else {}
        for index in indexes:
            cursor.execute(str(index.remove_sql(model, editor)))
        for name in field_indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL creates no index on a table with foreign-key checks still pending (Django's
            # are deferred to the commit): run them now, as its migrations do before DDL.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for index in indexes:
            cursor.execute(str(index.create_sql(model, editor)))
        for definition in field_indexes.values():
            cursor.execute(definition)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _field_indexes(cursor, model: type[models.Model], fields: tuple[str, ...]) -> dict[str, str]:
    """SQLite: name → CREATE INDEX statement of the plain (not unique, not partial) indexes on
    exactly one of fields' columns, as the database holds them."""
    columns = {model._meta.get_field(name).column for name in fields}
    table = model._meta.db_table
    found = {}
    for name, constraint in connection.introspection.get_constraints(cursor, table).items():
        if constraint["index"] and not constraint["unique"] and not constraint["primary_key"]:
            if len(constraint["columns"]) == 1 and constraint["columns"][0] in columns:
                cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
                row = cursor.fetchone()
                if row and row[0] and " WHERE " not in row[0].upper():
                    found[name] = row[0]
    return found


@contextmanager
def temporary_store_on_disk():
    """SQLite, outside a transaction: sorts (CREATE INDEX at the end of a large import) spill to a
    temporary file rather than to memory, as the site's temp_store=MEMORY would have them; SQLite
    refuses the change inside a transaction. Durability is not concerned: temp files hold no data."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA temp_store = FILE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA temp_store = {before}")


def rows_outnumbered(model: type[models.Model], incoming: int) -> bool:
    """Whether about incoming new rows are at least as many as model's table holds."""
    if incoming <= 0:
        return False
    return not model.objects.order_by().values("pk")[incoming - 1 : incoming].exists()


def insert_new(instance: models.Model) -> None:
    """Write a new model instance as save() would (auto_now dates set), without save()'s query
    compilation, signals and overrides: the caller sets what an override would (an import, which
    bumps every cached page at its end). The instance gets its id from allocate_ids()."""
    model = type(instance)
    instance.pk = allocate_ids(model, 1)[0]
    fields = model._meta.concrete_fields
    values = tuple(field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields)
    insert_rows(model, [values], columns=tuple(field.attname for field in fields), adapted=True)
    instance._state.adding = False
    instance._state.db = connection.alias


def update_row(model: type[models.Model], pk: int, **values) -> None:
    """UPDATE one row's columns (attnames) to plain values, without the ORM's work per query."""
    fields = [model._meta.get_field(name) for name in values]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(model._meta.pk.column)} = %s",
            [*values.values(), pk],
        )


def insert_rows(
    model: type[models.Model],
    rows: list,
    *,
    columns: tuple[str, ...] | None = None,
    adapted: bool = False,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT rows in batches: dicts keyed by column attname, or, with columns (attnames), tuples
    in that order, which spares building a dict per row. Without an id column the database numbers
    them. adapted: the rows' dates already went through db_datetime(). ignore_conflicts: a row
    that would break a unique constraint is left out (INSERT OR IGNORE)."""
    if not rows:
        return
    if columns is None:
        columns = tuple(rows[0])
        rows = [tuple(row[name] for name in columns) for row in rows]
    by_name = _fields_by_attname(model)
    fields = [by_name[name] for name in columns]
    if connection.vendor == "postgresql" and not ignore_conflicts:
        _copy_rows(model, fields, rows)
        return
    quote = connection.ops.quote_name
    sql = "INSERT {}INTO {} ({}) VALUES ({}){}".format(
        "OR IGNORE " if ignore_conflicts and connection.vendor == "sqlite" else "",
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
        " ON CONFLICT DO NOTHING" if ignore_conflicts and connection.vendor == "postgresql" else "",
    )
    adapters = [] if adapted else [(i, a) for i, a in enumerate(map(_adapter, fields)) if a is not None]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            if adapters:  # the few values the driver cannot take as they are
                batch = [_adapted(row, adapters) for row in batch]
            cursor.executemany(sql, batch)


@lru_cache(maxsize=None)
def _fields_by_attname(model: type[models.Model]) -> dict:
    return {field.attname: field for field in model._meta.concrete_fields}


def _adapted(row: tuple, adapters: list) -> list:
    values = list(row)
    for i, adapt in adapters:
        values[i] = adapt(values[i])
    return values


def db_datetime_adapter():
    """A function giving an aware datetime as insert_rows(adapted=True) passes it to the database,
    to call once per value rather than once per column it fills."""
    return _sqlite_datetime if connection.vendor == "sqlite" else _as_it_is


def _as_it_is(value):
    return value


def _copy_rows(model, fields, rows) -> None:
    """PostgreSQL: COPY, one stream instead of a round trip per row."""
    quote = connection.ops.quote_name
    statement = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime if connection.vendor == "sqlite" else connection.ops.adapt_datetimefield_value
    if isinstance(field, models.GenericIPAddressField) and connection.vendor != "sqlite":
        return connection.ops.adapt_ipaddressfield_value
    return None


@lru_cache(maxsize=64)  # a comment's dates repeat (created, published, status changed, now)
def _sqlite_datetime(value):
    """What Django's SQLite backend stores for an aware datetime (naive UTC, as text), in a
    fraction of the time its general adapter takes."""
    if value is None:
        return None
    return str(value.astimezone(UTC).replace(tzinfo=None))
