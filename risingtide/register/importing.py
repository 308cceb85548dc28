"""Importing pupil data: compare a file's rows with the records we hold, then write.

``check`` and ``write`` run the same comparison over the rows (streamed, a chunk at a time);
``check`` only counts what would happen (the preview), ``write`` also writes it, in one
transaction that rolls back whole if any row is wrong. A file imported twice changes nothing the
second time: a row that says what we already hold is *unchanged* and writes nothing.

This module runs an import over a whole file: the rows from ``import_files``, compared chunk by
chunk (``import_comparison``) and written (``import_writes``); after a write, new records are
linked to pupil accounts and the register announces the change.
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice

from django.db import transaction
from django.utils import timezone

from risingtide.lib.faults import pause_point
from risingtide.register import events
from risingtide.register.accounts import link_accounts
from risingtide.register.import_comparison import Outcome, Run, Target
from risingtide.register.import_files import Source, count_rows, read_rows
from risingtide.register.rows import PupilRow, RegisterRow, RowError
from risingtide.schools.models import School

CHUNK = 5000  # rows compared and written at a time: a few queries each


class HasErrors(Exception):
    """Raised inside the write to roll it back: some rows are wrong."""


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_import(source: Source, *, as_of: date | None = None, **options) -> Outcome:
    """Check (``write=False``) or import (``write=True``) a file: see ``import_rows``."""
    as_of = as_of or timezone.localdate()
    facts: dict = {}
    options.setdefault("source_label", f"import of {source.name}")
    return import_rows(
        read_rows(source, facts, as_of),
        as_of=as_of,
        total=count_rows(source),
        facts=facts,
        **options,
    )


def import_rows(
    rows: Iterable[PupilRow | RegisterRow | RowError],
    *,
    school: School | None = None,
    schools: Iterable[School] = (),
    write: bool,
    actor=None,
    source_label: str = "import",
    progress: Callable[[int, int], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
    as_of: date | None = None,
    total: int = 0,
    facts: dict | None = None,
) -> Outcome:
    """Compare rows with ``school``'s records (or, for an LA-wide file, ``schools``') and, with
    ``write``, write the differences. A write with any row error writes nothing."""
    as_of = as_of or timezone.localdate()
    outcome = Outcome(listener=on_error, facts=facts if facts is not None else {})
    target = Target.of(school, [school] if school else schools)
    run = Run(target, outcome, write=write, as_of=as_of, actor=actor, source_label=source_label)

    def go() -> None:
        run.load_known()
        done = 0
        for chunk in _chunks(rows, CHUNK):
            run.chunk(chunk)
            if write:
                pause_point("import.rows_written")  # a fault test kills the worker here
            done += len(chunk)
            if progress is not None:
                progress(done, max(total, outcome.facts.get("rows", 0), done))
        if write and outcome.error_count:
            raise HasErrors
        if write:
            for school_id in run.touched_schools:
                link_accounts(school_id)
            # The school's figures, its LA's and the nation's follow in the same transaction.
            events.pupil_data_changed.send(school_ids=run.schools_in_file, as_of=as_of)

    if not write:
        go()
        return outcome
    try:
        with transaction.atomic():
            go()
    except HasErrors:
        return outcome
    outcome.written = True
    return outcome
