"""A bulk load drops a table's plain secondary indexes and foreign keys and gives back the
statements that restore them; an index behind a UNIQUE constraint stays (it goes only with its
constraint, and DROP INDEX would refuse it)."""

import pytest
from django.db import connection

from risingtide.lib import bulkload

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_plain_indexes_go_and_come_back_and_unique_ones_stay():
    with connection.cursor() as cursor:
        # A project table with both a UNIQUE constraint and a plain secondary index.
        cursor.execute(
            "SELECT c.conrelid::regclass::text, i.relname FROM pg_constraint c "
            "JOIN pg_class i ON i.oid = c.conindid "
            "WHERE c.contype = 'u' AND c.connamespace = 'public'::regnamespace "
            "AND EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.conrelid "
            "AND NOT x.indisprimary AND NOT x.indisunique) ORDER BY 1 LIMIT 1"
        )
        table, unique_index = cursor.fetchone()
        before = _indexes(table)
        put_back = bulkload.drop_for_bulk_load(cursor, table)
        during = _indexes(table)
        assert unique_index in during and during < before
        for statement in put_back:
            cursor.execute(statement)
    assert _indexes(table) == before
