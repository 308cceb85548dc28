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
from risingtide.lib import bulkload

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
            bulk = total >= _rows_held(cursor)
            rebuild = bulkload.drop_for_bulk_load(cursor, table) if bulk else []
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
