"""Inserting hundreds of thousands of rows without the ORM's per-value work.

An import holds the database's write transaction from start to end; ids are taken before the
rows are written, so that replies can name their parents in the same batch. Values are adapted
the way Django adapts them for the backend (dates, IP addresses); every other value is a plain
str, int, bool or None that the driver takes as it is.
"""

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


def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """INSERT rows (dicts keyed by column attname, ids included) in batches."""
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if field.attname in rows[0]]
    adapters = [_adapter(field) for field in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    names = [field.attname for field in fields]
    if connection.vendor == "postgresql":
        _copy_rows(model, fields, names, rows)
        return
    adapted = [(i, adapt) for i, adapt in enumerate(adapters) if adapt is not None]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            params = []
            for row in rows[start : start + _BATCH]:
                values = [row[name] for name in names]
                for i, adapt in adapted:  # the few values the driver cannot take as they are
                    values[i] = adapt(values[i])
                params.append(values)
            cursor.executemany(sql, params)


def _copy_rows(model, fields, names, rows) -> None:
    """PostgreSQL: COPY, one stream instead of a round trip per row."""
    quote = connection.ops.quote_name
    statement = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])


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
