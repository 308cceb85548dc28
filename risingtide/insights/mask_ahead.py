"""A full rebuild's disclosure masks worked out while PostgreSQL writes the summaries.

On PostgreSQL the summaries of a full rebuild are one ``INSERT … SELECT`` over the census, which
runs on one core (PostgreSQL plans no parallel workers for a write) for ~20 s at national scale.
The masks were then worked out from those summaries: reading a year's half-million grouped rows
back, building 1,224 tables and searching them took another ~11 s after it, with the second core
idle throughout. Here a second connection, in a thread, reads the same figures straight from the
census (``rollup.mask_census_sql``) while the first writes the summaries, and works every table
out in the queue order ``masks.rebuild`` uses, so the masks are the same; the rebuild's
connection then checks the LA and national figures those tables were built from against the
summaries it wrote (a few thousand rows) and stores the hides.

Why the second connection sees the census the summaries sum: the rebuild takes the census
table in SHARE mode before the thread starts, so no census record changes until it commits
(reads go on). The thread is started only when the rebuild is its own transaction: a caller's
uncommitted census records would be invisible to another connection. The check against the
summaries also catches a school that changed LA meanwhile (the school table is not locked).
If the thread fails, or its figures disagree with the summaries, the year is worked out from
the summaries as before (and logged): slower, never different.
"""

import logging
import threading

from django.db import connection, transaction

from risingtide.insights import masks
from risingtide.insights.masks import LA, NATION, SCHOOL, Tables
from risingtide.insights.models import Summary

logger = logging.getLogger(__name__)


def census_tables(year: int, threshold: int, rows) -> tuple[Tables, list[int]]:
    """A year's tables as ``Tables`` loads them from the summaries, built instead from the
    school figures of ``rollup.mask_census_sql`` (school, LA, nation, dimension, subgroup,
    cohort, register): the LA and national figures summed here as the summaries sum them.
    Returns the tables, every one loaded, and the nations."""
    tables = Tables(year, threshold)
    tables.add(
        figure
        for school, la, nation, dim, sub, cohort, register in rows
        for figure in (
            (SCHOOL, school, la, dim, sub, cohort, register),
            (LA, la, nation, dim, sub, cohort, register),
            (NATION, nation, nation, dim, sub, cohort, register),
        )
    )
    nations = sorted(e for (level, e) in tables.parent if level == NATION)
    for nation in nations:
        las = sorted(tables.children[(LA, nation)])
        tables.shape_area("nation", nation, LA, las)
        for la in las:
            tables.shape_area("la", la, SCHOOL, sorted(tables.children[(SCHOOL, la)]))
    return tables, nations


def agrees_with_summaries(tables: Tables) -> bool:
    """Whether the LA and national figures ``tables`` were built from are those of the stored
    summary rows of its year."""
    stored = Tables(tables.year, tables.threshold)
    stored.read(Summary.objects.filter(level__in=[LA, NATION], year=tables.year))
    return {k: v for k, v in tables.values.items() if k[0] != SCHOOL} == stored.values


class Ahead:
    """Works the masks of every year in ``sql`` (``rollup.mask_census_sql``) out in a thread
    with its own connection, from the moment it is made; ``tables(year)`` waits for them."""

    def __init__(self, sql: str, params: list, threshold: int):
        self.sql, self.params, self.threshold = sql, params, threshold
        self.found: dict[int, Tables] = {}
        self.abandoned = False
        self._raw = None  # the thread's database connection, to cancel its query
        self.thread = threading.Thread(target=self._run, name="insights-masks", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                self._raw = connection.connection
                # The grouping sets stay in memory, as they do for the summaries; and a lock
                # the rebuild's own connection holds fails this read rather than hanging the
                # rebuild, which would wait for this thread for ever.
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL lock_timeout = '10s'")
                if self.abandoned:
                    return
                # Read year by year through a server-side cursor: one year's school figures
                # in memory at a time, not every year's.
                with self._raw.cursor(name="insights_masks_ahead") as rows:
                    rows.execute(f"{self.sql} ORDER BY 1", self.params)
                    year, held = None, []
                    while batch := rows.fetchmany(20000):
                        for row in batch:
                            if row[0] != year:
                                self._work_out(year, held)
                                year, held = row[0], []
                            held.append(row[1:])
                    self._work_out(year, held)
        except Exception:
            if not self.abandoned:
                logger.exception("masks worked out ahead failed; they are worked out again")
        finally:
            connection.close()

    def _work_out(self, year: int | None, rows: list[tuple]) -> None:
        if year is None or self.abandoned:
            return
        tables, nations = census_tables(year, self.threshold, rows)
        rows.clear()
        # No worker processes: forking from a thread is unsafe, and the core this thread
        # does not use is writing the summaries.
        masks.settle_afresh(tables, nations, workers=0)
        # Kept until the summaries are written: only what storing the hides and the check
        # need (a year's school figures and grids are most of a gigabyte).
        tables.values = {k: v for k, v in tables.values.items() if k[0] != SCHOOL}
        tables.memo.clear()
        tables.premasked.clear()
        tables.seen.clear()
        self.found[year] = tables

    def tables(self, year: int) -> Tables | None:
        """The year's tables, every one worked out, if the thread made them from the figures
        the summaries hold; else None (and the rebuild works the year out itself)."""
        self.thread.join()
        tables = self.found.pop(year, None)
        if tables is not None and not agrees_with_summaries(tables):
            logger.warning("census read ahead for %s differs from its summaries", year)
            return None
        return tables

    def close(self) -> None:
        """The rebuild is over (or failed): stop the thread's work and wait for it."""
        self.abandoned = True
        # Until it stops: a cancel sent while it connects, or that lands on a statement before
        # its read, would otherwise leave the read to run in full while the rebuild holds
        # every LA's lock.
        while self.thread.is_alive():
            if self._raw is not None:
                try:
                    self._raw.cancel_safe()
                except Exception:
                    logger.debug("nothing to cancel", exc_info=True)
            self.thread.join(0.5)
