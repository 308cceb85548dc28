"""Loading a whole table at once on PostgreSQL: its secondary indexes and foreign keys dropped
for the load and put back after it, in the same transaction."""

from django.db import connection


def drop_for_bulk_load(cursor, table: str) -> list[str]:
    """Drop the table's secondary indexes and foreign keys; the statements that put them back.

    PostgreSQL's advice for loading a table that will more than double ("Populating a
    Database"): one index build after the load is several times faster than keeping each
    index up to date row by row, and the deferred foreign-key checks cost one trigger event a
    row, more than the load itself. Both come back in the same transaction (DDL is
    transactional), the foreign keys checked in one pass; the table is locked meanwhile.
    """
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    keys = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        # An index behind a UNIQUE or EXCLUDE constraint goes with its constraint, not alone.
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
        "ORDER BY i.relname",
        [table],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    # Checks still deferred in this transaction would forbid the ALTER TABLE: run them now.
    connection.check_constraints()
    for name, _ in keys:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {quote(name)}")
    return [definition for _, definition in indexes] + [
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
        for name, definition in keys
    ]
