"""The rows that block an import, as the file had them, with what is wrong with each: for the
coordinator to fix in a spreadsheet and import again.

An import with any bad row writes nothing ("Blocked: N rows to fix"); its page lists the
problems, but a file of a few hundred rows with a dozen bad ones is fixed faster in the
spreadsheet it came from. So the download gives the file's own columns, in the file's order,
for each bad row only, then two more: ``row`` (the row number a spreadsheet shows, as the page
says it) and ``errors`` (each problem as "field: why", joined by "; ").

Its own module because it reads the import's file again, after the check, which none of the
import's steps does. A CTF has no columns of its own to give back: its rows come as the row,
the UPN and the errors, for the school to correct in its MIS.
"""

from collections.abc import Iterator
from datetime import date, datetime, time

from risingtide.lib.storage import local_copy
from risingtide.register.import_batches import ImportBatch
from risingtide.register.import_files import source_of
from risingtide.register.importing import run_import
from risingtide.register.table_files import open_table


def available(batch: ImportBatch) -> bool:
    """A checked import blocked by bad rows, whose file is still kept (until it is cancelled
    or a new mapping is checked)."""
    return batch.state == ImportBatch.State.PREVIEW and batch.error_count > 0 and bool(batch.file)


def filename(batch: ImportBatch) -> str:
    return f"import-{batch.pk}-rows-to-fix.csv"


def problems(batch: ImportBatch) -> dict[int, tuple[str, list[str]]]:
    """Each bad row's UPN (as the file gives it) and problems, "field: why", in the order the
    check found them.

    The check keeps its first errors with the batch (``KEEP_ERRORS``); a file with more is
    checked again here, as the background check did, to hear of every one."""
    found: dict[int, tuple[str, list[str]]] = {}

    def note(row: int, upn: str, field: str, reason: str) -> None:
        found.setdefault(row, (upn or "", []))[1].append(f"{field}: {reason}")

    kept = batch.summary.get("errors", [])
    if len(kept) >= batch.error_count:
        for error in kept:
            note(error["row"], error.get("upn"), error["field"], error["reason"])
    else:
        with source_of(batch) as source:
            run_import(
                source,
                school=batch.school,
                write=False,
                on_error=lambda e: note(e.row, e.upn, e.field, e.reason),
            )
    return found


def _text(value: object) -> str:
    """A workbook's cell as a spreadsheet shows it when saved as CSV: dates as dates, whole
    numbers without ".0", nothing for an empty cell. A CSV's cells are text already."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows(batch: ImportBatch) -> Iterator[list[str]]:
    """The download's rows, header first: the file's columns (a CTF: the UPN), then ``row``
    and ``errors``. Cells are as the file has them; ``lib.csvexport`` makes them safe."""
    bad_rows = problems(batch)
    if batch.format == ImportBatch.Format.CTF:
        yield ["UPN", "row", "errors"]
        for number in sorted(bad_rows):
            upn, reasons = bad_rows[number]
            yield [upn, str(number), "; ".join(reasons)]
        return
    found = []
    with (
        local_copy(batch.file, suffix=f".{batch.format}") as path,
        open_table(path, batch.format, batch.encoding) as (_, headers, records),
    ):
        for number, cells in records:
            if number in bad_rows:
                texts = [_text(cell) for cell in cells]
                while texts and not texts[-1]:
                    texts.pop()
                found.append((number, texts))
    # A row may run past the header (a stray cell): the header widens with it, so that
    # ``row`` and ``errors`` stay in columns of their own.
    width = max([len(headers), *(len(texts) for _, texts in found)])
    yield [*headers, *[""] * (width - len(headers)), "row", "errors"]
    for number, texts in found:
        reasons = bad_rows[number][1]
        yield [*texts, *[""] * (width - len(texts)), str(number), "; ".join(reasons)]
