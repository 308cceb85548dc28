"""Opening a pupil or register file, CSV or Excel workbook (XLSX), and finding its header row.

Its own module because a file from a school's system can be wrong in more ways than its rows
can: UTF-16 or Windows-1252 text, a NUL byte, an old .xls, a password, a ZIP bomb, a Word
document saved as .xlsx. Each is refused here as ``TableRefused``, with a message for the
person who chose the file saying what is wrong and what to do about it, before any row is
read. ``tabular`` reads the rows of what opens; ``headers`` gives the column headings that
``column_mapping`` matches to our fields.
"""

import csv
import itertools
import os
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

import openpyxl

from risingtide.register import validate

Source = str | os.PathLike[str] | IO[bytes]

MAX_EXPANDED_BYTES = 500 * 1024 * 1024  # what a workbook's parts may add up to, unpacked
MAX_RATIO = 200  # unpacked to packed, for any part of more than RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and Office's encrypted files
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252"}
MAX_COLUMNS = 500
MAX_HEADER = 200


class TableRefused(ValueError):
    """The whole file cannot be read; the message says why and what to do."""


@contextmanager
def _binary(source: Source) -> Iterator[IO[bytes]]:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            yield file
    else:
        yield source


def _csv_lines(file: IO[bytes], codec: str) -> Iterator[str]:
    """The file's lines decoded, refusing at the first byte the encoding does not allow."""
    offset = 0
    for number, raw in enumerate(file, 1):
        if number == 1:
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise TableRefused(
                    "The file is UTF-16 text (Excel's \u201cUnicode Text\u201d). Save it from "
                    "Excel as \u201cCSV UTF-8 (Comma delimited)\u201d and choose it again."
                )
            if raw.startswith(b"\xef\xbb\xbf"):  # Excel's UTF-8 byte-order mark
                raw, offset = raw[3:], 3
        if b"\0" in raw:
            at = offset + raw.index(b"\0")
            raise TableRefused(
                f"Line {number} contains a NUL byte (at byte offset {at}): "
                "this is not a CSV text file. Save it from Excel as \u201cCSV UTF-8 (Comma "
                "delimited)\u201d."
            )
        try:
            line = raw.decode(codec)
        except UnicodeDecodeError as exc:
            bad = raw[exc.start]
            advice = (
                "Save it from Excel as \u201cCSV UTF-8 (Comma delimited)\u201d, or choose the "
                "Windows-1252 encoding if it came from an older system."
                if codec == "utf-8"
                else "Check the file is a CSV saved as text, or choose UTF-8."
            )
            name = "UTF-8" if codec == "utf-8" else "Windows-1252"
            raise TableRefused(
                f"The file is not {name} text: line {number} has the byte 0x{bad:02X} at byte "
                f"offset {offset + exc.start}, which {name} does not allow. {advice}"
            ) from None
        offset += len(raw)
        yield line


def _csv_records(file: IO[bytes], encoding: str) -> Iterator[tuple[int, Sequence[object]]]:
    """(row number, cells) for each row with anything in it; rows count as a spreadsheet
    shows them (a quoted cell over two lines is one row), from 1."""
    codec = ENCODINGS.get(encoding.lower())
    if codec is None:
        raise ValueError(f"{encoding!r} is not an encoding we read (utf-8 or cp1252)")
    lines = _csv_lines(file, codec)
    # Excel saves with ";" or a tab where "," is the decimal separator: the header row says.
    start: list[str] = []
    header = ""
    for line in lines:
        if line.strip():
            header = line
            break
        start.append(line)
    if not header:
        raise TableRefused("The file is empty: it has no header row.")
    delimiter = max(",;\t", key=header.count)
    reader = csv.reader(itertools.chain(start, [header], lines), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, 1):
            if cells and "".join(cells).strip():
                yield number, cells
    except csv.Error as exc:
        raise TableRefused(f"Row {number + 1} cannot be read as CSV: {exc}.") from None


def _refuse_unless_workbook(file: IO[bytes]) -> None:
    """Refuse what is not an .xlsx, or would unpack to too much, before openpyxl opens it."""
    start = file.read(8)
    file.seek(0)
    if not start:
        raise TableRefused("The file is empty.")
    if start == OLE_MAGIC:
        marker = "EncryptedPackage".encode("utf-16-le")
        tail = b""
        while chunk := file.read(1024 * 1024):
            if marker in tail + chunk:
                raise TableRefused(
                    "The workbook is password-protected (encrypted). Open it in Excel, remove "
                    "the password (File > Info > Protect Workbook) and save it again."
                )
            tail = chunk[-len(marker) :]
        raise TableRefused(
            "This is an older Excel workbook (.xls). Save it from Excel as an Excel "
            "Workbook (.xlsx) or as \u201cCSV UTF-8 (Comma delimited)\u201d."
        )
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise TableRefused(
            "This is not an Excel workbook (.xlsx): an .xlsx is a ZIP package and this is not "
            "one. If it is a CSV file, choose CSV."
        ) from None
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names:
        what = (
            "a Word document"
            if "word/document.xml" in names
            else "an OpenDocument file (save it as .xlsx)"
            if "content.xml" in names
            else "a ZIP archive of other files"
        )
        listed = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
        raise TableRefused(
            f"This is not an Excel workbook: it has no xl/workbook.xml. It looks like {what} "
            f"({listed})."
        )
    total = sum(part.file_size for part in parts)
    if total > MAX_EXPANDED_BYTES:
        raise TableRefused(
            f"The workbook would unpack to {total // (1024 * 1024)} MB, more than the "
            f"{MAX_EXPANDED_BYTES // (1024 * 1024)} MB we read. Save the pupils as CSV instead."
        )
    for part in parts:
        packed = max(part.compress_size, 1)
        if part.file_size > RATIO_FROM and part.file_size / packed > MAX_RATIO:
            raise TableRefused(
                f"The workbook's part {part.filename} would unpack to {part.file_size // packed} "
                f"times its size, more than a real workbook does ({MAX_RATIO}); it is refused "
                "as a possible ZIP bomb."
            )
    file.seek(0)


def _xlsx_records(file: IO[bytes]) -> Iterator[tuple[int, Sequence[object]]]:
    """(row number, values) for each row of the first sheet with anything in it."""
    _refuse_unless_workbook(file)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl reports a damaged package in many ways
        raise TableRefused(f"The workbook cannot be opened: {exc}") from None
    try:
        sheet = workbook.worksheets[0]
        # Read every row the sheet has, whatever its recorded dimensions say.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet
                raise TableRefused(
                    f"Row {number + 1} of the workbook cannot be read: {exc}"
                ) from None
            number += 1
            for value in values:
                if value is not None and (type(value) is not str or value.strip()):
                    yield number, values
                    break
    finally:
        workbook.close()


@contextmanager
def open_table(source: Source, fmt: str, encoding: str):
    """(header row number, headers, the rows after it as (number, cells))."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"{fmt!r} is not a format we read (csv or xlsx)")
    with _binary(source) as file:
        records = _csv_records(file, encoding) if fmt == "csv" else _xlsx_records(file)
        try:
            first = next(records, None)
            if first is None:
                raise TableRefused(
                    "The file is empty: it has no header row."
                    if fmt == "csv"
                    else "The workbook's first sheet is empty."
                )
            number, cells = first
            found = [validate.text(cell) for cell in cells]
            while found and not found[-1]:
                found.pop()
            yield number, found, records
        finally:
            records.close()


def headers(source: Source, fmt: str, encoding: str = "utf-8") -> list[str]:
    """The file's column headers: its first row with anything in it (for a workbook, of its
    first sheet). Raises ``TableRefused`` for a file we cannot read."""
    with open_table(source, fmt, encoding) as (_, found, _records):
        if len(found) > MAX_COLUMNS:
            raise TableRefused(
                f"The file has {len(found):,} columns; a pupil data export has at most "
                f"{MAX_COLUMNS}. Export only the columns the import needs."
            )
        long = next((h for h in found if len(h) > MAX_HEADER), None)
        if long is not None:
            raise TableRefused(
                f"A column header is {len(long):,} characters long (at most {MAX_HEADER}): "
                "is the first row really the headers?"
            )
        return found
