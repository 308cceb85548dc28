"""The file an import reads, from upload to deletion: what kind of file it is, its rows
whatever its format, and discarding it once it is imported or abandoned.

Its own module because the import's steps (``import_steps``), the background tasks and the
command line all handle the file, and none of them needs to know how a CTF differs from a CSV:
``read_rows`` gives one stream of rows and row errors for any format, and raises
``ImportRefused`` for a file that cannot be read at all.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from risingtide.lib.storage import local_copy
from risingtide.register.ctf.reading import MAX_BYTES, CtfRefused, read_ctf
from risingtide.register.import_batches import ImportBatch
from risingtide.register.rows import PupilRow, RegisterRow, RowError
from risingtide.register.table_files import TableRefused
from risingtide.register.tabular import read_table


class ImportRefused(ValueError):
    """The whole file cannot be imported; the message says why."""


@dataclass
class Source:
    """A file to import and how to read it."""

    path: str
    format: str  # ctf, csv, xlsx
    kind: str = ImportBatch.Kind.PUPILS
    mapping: dict = field(default_factory=dict)
    encoding: str = "utf-8"
    name: str = ""


@contextmanager
def source_of(batch: ImportBatch) -> Iterator[Source]:
    """The batch's file and how to read it, for its check, its write and ``rows_to_fix``:
    read in place, or from a temporary local copy where uploads live in a bucket."""
    with local_copy(batch.file, suffix=f".{batch.format}") as path:
        yield Source(
            path=path,
            format=batch.format,
            kind=batch.kind,
            mapping=batch.mapping,
            encoding=batch.encoding,
            name=batch.file_name,
        )


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_rows(source: Source) -> int:
    """A fast estimate of the rows to go through, for the progress bar."""
    if source.format == "csv":
        with open(source.path, "rb") as handle:
            lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
        return max(lines - 1, 0)
    return 0  # XLSX and CTF: known once read


def read_rows(
    source: Source, facts: dict, as_of: date
) -> Iterator[PupilRow | RegisterRow | RowError]:
    """The file's rows and row errors, whatever its format; ``facts`` gets what the file says
    about itself. Raises ImportRefused for a file that cannot be read at all."""
    if source.format == "ctf":
        with open(source.path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        try:
            parsed = read_ctf(data)
        except CtfRefused as refused:
            raise ImportRefused(str(refused)) from None
        facts.update(
            version=parsed.version,
            document_date=parsed.document_date,
            source=" ".join(
                part
                for part in (
                    parsed.source_name,
                    f"({parsed.source_la}/{parsed.source_estab})" if parsed.source_la else "",
                    f"URN {parsed.source_urn}" if parsed.source_urn else "",
                )
                if part
            ),
            destination=(
                f"{parsed.dest_la}/{parsed.dest_estab}" if getattr(parsed, "dest_la", "") else ""
            ),
            rows=len(parsed.pupils) + len({e.row for e in parsed.errors}),
        )
        errors = sorted(parsed.errors, key=lambda e: e.row)
        pupils = parsed.pupils
        # Interleave by row so the preview reads in file order.
        yield from sorted([*pupils, *errors], key=lambda r: r.row)
        return
    try:
        yield from read_table(
            source.path,
            source.format,
            source.mapping,
            kind=source.kind,
            encoding=source.encoding,
            as_of=as_of,
        )
    except TableRefused as refused:
        raise ImportRefused(str(refused)) from None


def sniff(path: str, fmt: str) -> None:
    """Refuse an upload whose first bytes say it is not the format chosen."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise ValidationError({"file": "The file is empty."})
    if fmt == "xlsx" and not head.startswith(b"PK\x03\x04"):
        raise ValidationError({"file": "This is not an Excel workbook (.xlsx)."})
    if fmt == "ctf" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise ValidationError({"file": "This is not a CTF: a CTF is an XML file."})
    if fmt == "csv" and (head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0")):
        raise ValidationError({"file": "This is a spreadsheet, not a CSV: choose Excel."})


def guess_format(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".xml"):
        return "ctf"
    if lower.endswith(".xlsx"):
        return "xlsx"
    return "csv"


def discard_file(batch: ImportBatch) -> None:
    """Pupil data leaves our disk once it is imported or abandoned."""
    if batch.file:
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
