"""Pupil and register files as CSV or Excel workbooks (XLSX), read through a column mapping.

``read_table`` streams the rows as ``rows.PupilRow`` / ``rows.RegisterRow`` and
``rows.RowError``, a row at a time, so a file of 200,000 pupils is never held whole, checking
each cell as ``validate`` says. Nothing here writes to the database. ``table_files`` opens the
file (refusing one that cannot be read with ``TableRefused``) and ``column_mapping`` says which
column holds each field.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from risingtide.register import validate
from risingtide.register.column_mapping import GT_DETAILS, Kind, fields_for, mapped_columns
from risingtide.register.rows import PupilRow, RegisterFlags, RegisterRow, RowError
from risingtide.register.table_files import Source, open_table

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
    fields = fields_for(kind)
    with open_table(source, fmt, encoding) as (_, found, records):
        columns = mapped_columns(fields, mapping, found, kind)
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
            for key in GT_DETAILS
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
