"""COMMENTARIAT_PGBOUNCER=1: the settings PgBouncer's transaction pooling needs (docs/deployment.md)."""

import json

from tests.operator import commentariat

PRINT_DATABASE = (
    "import json; from django.conf import settings; database = settings.DATABASES['default']; "
    "print(json.dumps([database.get('DISABLE_SERVER_SIDE_CURSORS', False), database['CONN_MAX_AGE'], "
    "database['OPTIONS'].get('server_side_binding', False)]))"
)
THROUGH_PGBOUNCER = "postgres://commentariat@pgbouncer.internal:6432/commentariat"


def _database_settings(data_dir, **env) -> list:
    shown = commentariat(data_dir, "shell", "-c", PRINT_DATABASE, extra_env={"DATABASE_URL": THROUGH_PGBOUNCER, **env})
    return json.loads(shown.stdout.strip().splitlines()[-1])


def test_behind_pgbouncer_no_server_side_cursors_nor_prepared_statements(tmp_path):
    disable_cursors, conn_max_age, server_side_binding = _database_settings(tmp_path, COMMENTARIAT_PGBOUNCER="1")
    assert disable_cursors is True
    assert server_side_binding is False  # no prepared statements, which transaction pooling also breaks
    assert conn_max_age == 60  # persistent connections, to PgBouncer


def test_straight_to_postgresql_iterators_stream_with_server_side_cursors(tmp_path):
    assert _database_settings(tmp_path)[0] is False
