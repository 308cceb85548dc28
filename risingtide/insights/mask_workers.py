"""A full rebuild's first pass over each LA's tables, worked out in worker processes.

A full rebuild works every table of a year out in one queue (``masks.Tables.settle``), and
the queue's order decides the masks (a table takes what the tables before it hid as given). The
first pass is most of the work, and in it an LA's eight tables depend only on one another: they
run before any nation table, and no other LA's table holds their figures. So each LA's first
pass is worked out here, in order, in a worker process, and returned as the masks each
``disclosure.suppress`` call gave for its exact input. The rebuild then runs its queue as
before, in one process, taking a mask from these instead of working it out whenever a table's
input is one of them: the same queue, the same inputs, so the same masks, byte for byte; an
input the workers did not see (a table worked out again) is worked out as before.

Pure computation on plain data: no database, no Django; the workers are forked, so nothing is
imported again and the parent's open connection is never used by them.
"""

import multiprocessing
import os

from risingtide.insights import disclosure

# One table as masks.Tables.inputs gives it: its id, its figures' keys (with margins), the
# cohort and register counts (cells only) and which figures are small on their own.
Job = tuple[tuple, list[list[tuple]], list[list[int]], list[list[int]], list[list[bool]]]
Premasked = dict[tuple, disclosure.Mask]  # (table id, primary flags as tuples) -> its mask


def input_key(table: tuple, primary: list[list[bool]]) -> tuple:
    return (table, tuple(map(tuple, primary)))


def la_first_pass(jobs: list[Job], threshold: int) -> list[tuple[tuple, disclosure.Mask]]:
    """One LA's tables worked out in queue order as a full rebuild's first pass sees them:
    with no stored hides, each table taking the hides of the tables before it as given."""
    by: dict[tuple, set] = {}  # key -> the tables hiding it
    found = []
    for table, grid, cohorts, registers, small in jobs:
        forced = [[bool(by.get(k, set()) - {table}) for k in row] for row in grid]
        primary = [
            [a or b for a, b in zip(s, f, strict=True)] for s, f in zip(small, forced, strict=True)
        ]
        mask = disclosure.suppress([cohorts, registers], threshold, primary=primary)
        found.append((input_key(table, primary), mask))
        hidden = [[*cells, total] for cells, total in zip(mask.cells, mask.row_totals, strict=True)]
        hidden.append([*mask.col_totals, mask.grand_total])
        for krow, hrow, srow, frow in zip(grid, hidden, small, forced, strict=True):
            for k, h, s, f in zip(krow, hrow, srow, frow, strict=True):
                if h and not s and not f:
                    by.setdefault(k, set()).add(table)
    return found


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# Below this many LA tables the workers' start-up costs more than they save.
PARALLEL_FROM = 200


class Premasker:
    """Takes each LA's first-pass tables as they are read (``add``) and works them out in
    ``workers`` forked processes (by default one per CPU for ``la_tables`` of at least
    ``PARALLEL_FROM``; none, so ``add`` does nothing, below 2)."""

    def __init__(self, threshold: int, workers: int | None, la_tables: int):
        if workers is None:
            workers = default_workers() if la_tables >= PARALLEL_FROM else 0
        self.threshold = threshold
        # Forked: the workers need no set-up, and never touch the parent's connection.
        self.pool = multiprocessing.get_context("fork").Pool(workers) if workers >= 2 else None
        self.pending: list = []

    def __enter__(self) -> "Premasker":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def add(self, jobs: list[Job]) -> None:
        if self.pool is not None and jobs:
            self.pending.append(self.pool.apply_async(la_first_pass, (jobs, self.threshold)))

    def results(self) -> Premasked:
        found: Premasked = {}
        for pending in self.pending:
            found.update(pending.get())
        return found
