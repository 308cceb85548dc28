"""Pupil and register files as CSV or Excel workbooks (XLSX), read through a column mapping.

``headers`` gives a file's column headings, ``guess_mapping`` matches them to our fields as
schools' systems (SIMS, Arbor, Bromcom...) name them, and ``read_table`` streams the rows as
``rows.PupilRow`` / ``rows.RegisterRow`` and ``rows.RowError``, a row at a time, so a file of
200,000 pupils is never held whole. Nothing here writes to the database.

A whole file that cannot be read raises ``TableRefused`` with a message for the person who
chose it: what is wrong and what to do about it.
"""

import csv
import itertools
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import IO, Literal

from risingtide.register import validate
from risingtide.register.rows import PupilRow, RegisterFlags, RegisterRow, RowError

Source = str | os.PathLike[str] | IO[bytes]
Kind = Literal["pupils", "register"]

MAX_EXPANDED_BYTES = 500 * 1024 * 1024  # what a workbook's parts may add up to, unpacked
MAX_RATIO = 200  # unpacked to packed, for any part of more than RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and Office's encrypted files
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252"}


MAX_COLUMNS = 500
MAX_HEADER = 200


class TableRefused(ValueError):
    """The whole file cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool  # a file without this column is refused
    synonyms: tuple[str, ...]  # headers schools' systems use for it, matched loosely


FIELDS: tuple[Field, ...] = tuple(
    Field(key, label, required, tuple(synonyms.split("|")))
    for key, label, required, synonyms in (
        ("upn", "UPN", True, "UPN|Unique Pupil Number|Pupil UPN|UPN Number"),
        ("legal_surname", "Legal surname", True,
         "Legal Surname|Surname|Legal Last Name|Last Name|Family Name|Legal Family Name"),
        ("legal_forename", "Legal forename", True,
         "Legal Forename|Forename|Legal First Name|First Name|Given Name|Legal Given Name"),
        ("preferred_surname", "Preferred surname", False,
         "Preferred Surname|Preferred Last Name|Preferred Family Name|Known As Surname"),
        ("preferred_forename", "Preferred forename", False,
         "Preferred Forename|Preferred First Name|Preferred Name|Known As|Chosen Name"),
        ("date_of_birth", "Date of birth", True, "DOB|Date of Birth|Birth Date|Birthdate"),
        ("gender", "Gender", True, "Gender|Sex|Legal Sex"),
        ("nc_year", "NC year", False,
         "NC Year|NC Year Actual|National Curriculum Year|Curriculum Year|Year Group|Year"),
        ("ethnicity", "Ethnicity", False,
         "Ethnicity|Ethnic Code|Ethnicity Code|Ethnic Group Code|Ethnicity (Code)"),
        ("first_language", "First language", False,
         "First Language|Home Language|First Language Code|Language|Main Language"),
        ("sen", "SEN provision", False, "SEN Status|SEN Provision|SEN|SEN Stage|SEND Status"),
        ("fsm_now", "FSM eligible", False,
         "FSM|FSM Eligible|FSM Eligibility|Free School Meals|Eligible for FSM|FSM Status"),
        ("looked_after", "Looked after", False,
         "In Care|Looked After|CLA|LAC|Child Looked After|Looked After Child|Is Looked After"),
        ("school_urn", "School URN", False, "URN|School URN|Establishment URN"),
        ("gifted_talented", "G&T", False,
         "G&T|Gifted and Talented|Gifted & Talented|G and T|GT|G&T Flag|On G&T Register|"
         "G&T Register|More Able"),
        ("gifted", "Gifted", False, "Gifted|Is Gifted"),
        ("talented", "Talented", False, "Talented|Is Talented"),
        ("top_5", "Top 5%", False, "Top 5%|Top 5|Top 5 Percent|National Top 5%"),
        ("domains", "Domains", False,
         "Domains|G&T Domains|G&T Areas|G&T Subjects|Areas|Gifted and Talented Areas"),
    )
)  # fmt: skip
_REGISTER_KEYS = ("upn", "gifted_talented", "gifted", "talented", "top_5", "domains", "school_urn")
REGISTER_FIELDS: tuple[Field, ...] = tuple(
    replace(f, required=f.key in ("upn", "gifted_talented"))
    for key in _REGISTER_KEYS
    for f in FIELDS
    if f.key == key
)
_GT_DETAILS = ("gifted", "talented", "top_5", "domains")


def _fields(kind: Kind) -> tuple[Field, ...]:
    if kind == "pupils":
        return FIELDS
    if kind == "register":
        return REGISTER_FIELDS
    raise ValueError(f"{kind!r} is not a kind of file (pupils or register)")


def _loose(header: str) -> str:
    """A header for matching: lower case, letters and digits only."""
    return "".join(c for c in header.lower() if c.isalnum())


def guess_mapping(headers: Sequence[str], kind: Kind = "pupils") -> dict[str, str]:
    """Field key -> the file's header for each of our fields we recognise a column for."""
    by_loose: dict[str, str] = {}
    for header in headers:
        if header.strip():
            by_loose.setdefault(_loose(header), header)
    mapping: dict[str, str] = {}
    for each in _fields(kind):
        for synonym in each.synonyms:
            header = by_loose.get(_loose(synonym))
            if header is not None and header not in mapping.values():
                mapping[each.key] = header
                break
    return mapping


# -- Opening files ---------------------------------------------------------------------------


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


def _column(index: int) -> str:
    """A spreadsheet's letters for a column index from 0: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
    import openpyxl  # only a workbook needs it, and it takes a while to import

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
def _table(source: Source, fmt: str, encoding: str):
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
    with _table(source, fmt, encoding) as (_, found, _records):
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


# -- Reading rows ----------------------------------------------------------------------------


def _columns(
    fields: tuple[Field, ...], mapping: dict[str, str], found: list[str], kind: Kind
) -> dict[str, tuple[int, str]]:
    """Field key -> (column index, header), or TableRefused saying what does not fit."""
    known = {f.key: f for f in fields}
    listed = ", ".join(f"\u2018{h}\u2019" for h in found if h) or "none"
    positions: dict[str, list[int]] = {}
    for index, header in enumerate(found):
        positions.setdefault(header, []).append(index)
    columns: dict[str, tuple[int, str]] = {}
    for key, header in mapping.items():
        if key not in known:
            raise TableRefused(f"{key!r} is not a field of a {kind} file.")
        header = (header or "").strip()
        if not header:
            continue
        places = positions.get(header) or [
            i for i, h in enumerate(found) if _loose(h) == _loose(header)
        ]
        if not places:
            raise TableRefused(
                f"The mapping uses a column headed \u2018{header}\u2019 for "
                f"{known[key].label}, but the file has no such column. Its columns: {listed}."
            )
        if len(places) > 1:
            letters = " and ".join(_column(i) for i in places)
            raise TableRefused(
                f"The file has more than one column headed \u2018{header}\u2019 (columns "
                f"{letters}), so we cannot tell which is {known[key].label}. Rename one."
            )
        columns[key] = (places[0], found[places[0]])
    missing = [f.label for f in fields if f.required and f.key not in columns]
    if missing:
        raise TableRefused(
            f"The file has no column for {', '.join(missing)}, which a {kind} file needs. "
            f"Its columns: {listed}."
        )
    details = [known[k].label for k in _GT_DETAILS if k in columns]
    if details and "gifted_talented" not in columns:
        raise TableRefused(
            f"{', '.join(details)} can only be read with a G&T column saying whether the pupil "
            "is on the register: map one."
        )
    return columns


_PUPIL_CHECKS: dict[str, Callable[[object], object]] = {
    "legal_surname": validate.name,
    "legal_forename": validate.name,
    "preferred_surname": partial(validate.name, required=False),
    "preferred_forename": partial(validate.name, required=False),
    "gender": validate.gender,
    "nc_year": validate.nc_year,
    "ethnicity": validate.ethnicity,
    "first_language": validate.first_language,
    "sen": validate.sen,
    "fsm_now": validate.yes_no,
    "looked_after": validate.yes_no,
}


_UNCACHED = {"legal_surname", "legal_forename", "preferred_surname", "preferred_forename"}
_MISS = object()
CACHE_SIZE = 10_000  # distinct values remembered per column


def _urn(value: object) -> str | None:
    return validate.school_urn(value) if validate.text(value) else None


def read_table(
    source: Source,
    fmt: str,
    mapping: dict[str, str],
    *,
    kind: Kind = "pupils",
    encoding: str = "utf-8",
    as_of: date,
) -> Iterator[PupilRow | RegisterRow | RowError]:
    """The file's rows, streamed: a ``PupilRow`` (``RegisterRow`` for a register file) for each
    usable row, or a ``RowError`` for each problem of a row that is not.

    ``fmt`` is "csv" or "xlsx"; ``mapping`` is field key -> the file's header (as
    ``guess_mapping`` gives, or a person chose); ``encoding`` of a CSV is "utf-8" (a byte-order
    mark is allowed) or "cp1252"; a date of birth after ``as_of`` (normally today) is an error.

    Row numbers, in rows and errors, are the row as a person opening the file in a spreadsheet
    sees it: the header is row 1 (if nothing is above it) and the first pupil row 2; blank rows
    are skipped but counted. An error's field is the file's own header for that column.

    A generator: ``TableRefused`` comes from the first ``next()`` for a file, header or mapping
    that does not fit, and can come later for a fault found further on (a byte that is not
    UTF-8 on line 90,000).
    """
    fields = _fields(kind)
    with _table(source, fmt, encoding) as (_, found, records):
        columns = _columns(fields, mapping, found, kind)
        checks = [
            (key, index, header, _PUPIL_CHECKS[key])
            for key, (index, header) in columns.items()
            if kind == "pupils" and key in _PUPIL_CHECKS
        ]
        if kind == "pupils" and "date_of_birth" in columns:
            index, header = columns["date_of_birth"]
            born = partial(validate.date_of_birth, latest=as_of)
            checks.append(("date_of_birth", index, header, born))
        if "school_urn" in columns:
            checks.append(("school_urn", *columns["school_urn"], _urn))
        # Most columns hold a few distinct values (gender, year, ethnicity, yes/no...): each
        # text's checked value is remembered, so a row costs dictionary look-ups.
        cached = [
            (key, index, header, check, None if key in _UNCACHED else {})
            for key, index, header, check in sorted(checks, key=lambda c: c[1])
        ]
        register = _RegisterColumns.of(columns, required=kind == "register")
        width = max(index for index, _ in columns.values()) + 1
        upn_index, upn_header = columns["upn"]
        seen: dict[tuple[object, str], int] = {}
        for number, cells in records:
            if len(cells) < width:
                cells = [*cells, *[""] * (width - len(cells))]
            problems: list[tuple[str, str]] = []
            values: dict[str, object] = {}
            raw = cells[upn_index]
            try:
                upn, temporary = validate.upn(raw)
            except validate.Invalid as exc:
                upn, temporary = validate.text(raw), False
                problems.append((upn_header, str(exc)))
            for key, index, header, check, cache in cached:
                cell = cells[index]
                value = _MISS if cache is None else cache.get(cell, _MISS)
                if value is _MISS:
                    try:
                        value = check(cell)
                    except validate.Invalid as exc:
                        problems.append((header, str(exc)))
                        continue
                    if cache is not None and type(cell) is str and len(cache) < CACHE_SIZE:
                        cache[cell] = value
                values[key] = value
            flags = None if register is None else register.read(cells, problems)
            if problems:
                for header, reason in problems:
                    yield RowError(number, upn, header, reason)
                continue
            urn = values.get("school_urn")
            place = (urn, upn)
            if place in seen:
                yield RowError(number, upn, upn_header, f"used twice (also row {seen[place]})")
                continue
            seen[place] = number
            if kind == "register":
                yield RegisterRow(number, upn, flags, urn)
            else:
                yield PupilRow(
                    row=number, upn=upn, temporary_upn=temporary, register=flags, **values
                )


@dataclass(frozen=True)
class _RegisterColumns:
    """Where a file's G&T columns are, to read a row's register flags."""

    flag: int
    header: str
    details: tuple[tuple[str, int, str, Callable[[object], object]], ...]
    required: bool
    indices: tuple[int, ...]  # of the flag and the details, in that order
    known: dict[tuple[object, ...], RegisterFlags | None] = field(default_factory=dict)

    @classmethod
    def of(cls, columns: dict[str, tuple[int, str]], *, required: bool):
        if "gifted_talented" not in columns:
            return None
        details = tuple(
            (key, *columns[key], validate.domains if key == "domains" else validate.yes_no)
            for key in _GT_DETAILS
            if key in columns
        )
        flag, header = columns["gifted_talented"]
        indices = (flag, *(index for _, index, _, _ in details))
        return cls(flag, header, details, required, indices)

    def read(self, cells: Sequence[object], problems: list[tuple[str, str]]):
        """The flags, or None with the problems noted; a combination of cells read before
        without a problem is remembered."""
        mine = tuple(map(cells.__getitem__, self.indices))
        if mine in self.known:
            return self.known[mine]
        before = len(problems)
        flags = self._read(mine, problems)
        if len(problems) == before and len(self.known) < CACHE_SIZE:
            self.known[mine] = flags
        return flags

    def _read(self, cells: tuple[object, ...], problems: list[tuple[str, str]]):
        before = len(problems)
        try:
            flag = validate.yes_no(cells[0])
        except validate.Invalid as exc:
            problems.append((self.header, str(exc)))
            flag = None
        details = {}
        for (key, _, header, check), cell in zip(self.details, cells[1:], strict=True):
            try:
                found = check(cell)
            except validate.Invalid as exc:
                problems.append((header, str(exc)))
                continue
            if found is not None:
                details[key] = found
        if len(problems) > before:
            return None
        if flag is None:
            if self.required:
                problems.append((self.header, "missing"))
            elif any(details.values()):
                problems.append(
                    (self.header, "blank, but the row gives gifted, talented or domains")
                )
            return None
        try:
            return validate.register_flags(flag, **details)
        except validate.Invalid as exc:
            problems.append((self.header, str(exc)))
            return None
