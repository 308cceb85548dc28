"""Writing the synthetic census records: straight to the table, COPY on PostgreSQL and
``executemany`` on SQLite, in chunks, reporting progress; on PostgreSQL a load at least as big
as the table drops its secondary indexes and foreign keys and puts them back after.

Kept apart from the pupils (:mod:`.pupils`) because this is the database side: how rows reach
the table at national scale, not what they say.
"""

import time
from collections.abc import Callable

from django.db import connection

from risingtide.insights.models import CensusRecord
from risingtide.insights.synthetic.population import PlannedSchool
from risingtide.insights.synthetic.pupils import _school_rows

Progress = Callable[[str], None]

COLUMNS = (
    "school_id",
    "upn",
    "gender",
    "eal",
    "sen",
    "ethnic_group",
    "looked_after",
    "year",
    "nc_year",
    "fsm",
    "ever_6",
    "on_register",
    "gifted",
    "talented",
    "top_5",
    "prior_x10",
    "attainment_x10",
    "band",
)
CHUNK = 50_000  # rows a write carries


def _write(plan: list[PlannedSchool], first: int, last: int, seed: int, say: Progress) -> int:
    postgres = connection.vendor == "postgresql"
    total = sum(s.pupils for s in plan) * (last - first + 1)
    started = time.monotonic()
    written = 0

    def report() -> None:
        rate = written / max(time.monotonic() - started, 1e-9)
        say(f"census records: {written:,} of {total:,} ({rate:,.0f} a second)")

    table = CensusRecord._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if postgres:
            rebuild = _drop_for_bulk_load(cursor, table) if total >= _rows_held(cursor) else []
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for lines in _rows(plan, first, last, seed, text=True):
                    copy.write("".join(lines))
                    written += len(lines)
                    if written % (CHUNK * 20) < len(lines):
                        report()
            if rebuild:
                say("census records written; indexing them")
            for statement in rebuild:
                cursor.execute(statement)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608
            for rows in _rows(plan, first, last, seed, text=False):
                cursor.executemany(sql, rows)
                written += len(rows)
                if written % (CHUNK * 20) < len(rows):
                    report()
    report()
    return written


def _rows_held(cursor) -> int:
    """PostgreSQL's estimate of the census records held (0 if it has none yet)."""
    cursor.execute(
        "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
        [CensusRecord._meta.db_table],
    )
    return cursor.fetchone()[0]


def _drop_for_bulk_load(cursor, table: str) -> list[str]:
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
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname",
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


def _rows(plan: list[PlannedSchool], first: int, last: int, seed: int, *, text: bool):
    """Chunks of census rows (COLUMNS, in order), school by school: for PostgreSQL's COPY
    lines of text (``text``), otherwise tuples of values."""
    buffer: list = []
    for school in plan:
        buffer.extend(_school_rows(school, first, last, seed, text))
        if len(buffer) >= CHUNK:
            yield buffer
            buffer = []
    if buffer:
        yield buffer
