"""Reading a list of pupils pasted from a spreadsheet or uploaded as CSV.

Accepts what schools actually have: a CSV or tab-separated export from the MIS with a header row
(``Forename,Surname`` / ``First name,Last name`` / ``Legal Forename``… in any order, extra
columns ignored), or no header at all: one pupil a line as ``First Last`` or ``First<TAB>Last``
or ``First,Last``. Every problem is reported with its line number and field; nothing is created
unless every row is good.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

HEADER_ALIASES = {
    "first_name": {
        "first name",
        "firstname",
        "forename",
        "forenames",
        "given name",
        "legal forename",
        "preferred forename",
        "first",
    },
    "last_name": {
        "last name",
        "lastname",
        "surname",
        "family name",
        "legal surname",
        "preferred surname",
        "last",
    },
    "full_name": {"name", "full name", "pupil name", "pupil"},
    "username": {"username", "user name", "login", "sign-in name"},
}
NAME_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
NAME_MAX = 150


@dataclass(frozen=True)
class RosterRow:
    line: int
    first_name: str
    last_name: str
    username: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "the list"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


def decode(data: bytes) -> str:
    """CSV files come from Excel on Windows as often as from anywhere: try UTF-8, then cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _normal(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip().lower())


def _header_map(cells: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        for key, aliases in HEADER_ALIASES.items():
            if _normal(cell) in aliases and key not in found:
                found[key] = index
    if "first_name" in found and "last_name" in found:
        return found
    if "full_name" in found:
        return found
    return None


def _dialect(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "\t" in first:
        return "\t"
    if ";" in first and "," not in first:
        return ";"
    return ","


def _split_full(name: str) -> tuple[str, str]:
    parts = name.rsplit(None, 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (name, "")


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _check_name(line: int, field: str, label: str, value: str) -> list[RowError]:
    if not value:
        return [RowError(line, field, f"{label} is missing")]
    if len(value) > NAME_MAX:
        return [RowError(line, field, f"{label} is longer than {NAME_MAX} characters")]
    if not NAME_RE.match(value):
        return [
            RowError(
                line,
                field,
                f"{label} {value!r} may hold only letters, spaces, hyphens and apostrophes",
            )
        ]
    return []


def parse(text: str, max_rows: int) -> tuple[list[RosterRow], list[RowError]]:
    """Rows and errors from pasted text or a decoded CSV file."""
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        return [], [RowError(0, "", "this is not a text or CSV file")]
    delimiter = _dialect(text)
    records = [
        (number, [_clean(cell) for cell in cells])
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
    ]
    records = [(n, cells) for n, cells in records if any(cells)]
    if not records:
        return [], [RowError(0, "", "the list is empty: give one pupil a line")]
    header = _header_map(records[0][1])
    if header is not None:
        records = records[1:]
    if len(records) > max_rows:
        return [], [
            RowError(
                0, "", f"{len(records)} pupils is more than {max_rows} at once; split the list"
            )
        ]
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    for line, cells in records:
        username = ""
        if header is not None:

            def cell(key: str, cells=cells) -> str:
                index = header.get(key)
                return cells[index] if index is not None and index < len(cells) else ""

            if "first_name" in header:
                first, last = cell("first_name"), cell("last_name")
            else:
                first, last = _split_full(cell("full_name"))
            username = cell("username").lower()
        elif len(cells) == 1:
            first, last = _split_full(cells[0])
        else:
            first, last = cells[0], cells[1]
            username = cells[2].lower() if len(cells) > 2 else ""
        row_errors = _check_name(line, "first name", "First name", first)
        row_errors += _check_name(line, "last name", "Last name", last)
        if username and not USERNAME_RE.match(username):
            row_errors.append(
                RowError(
                    line,
                    "username",
                    f"{username!r} must be 3–40 lower-case letters, digits, dots, hyphens "
                    "or underscores, starting with a letter or digit",
                )
            )
        errors += row_errors
        if not row_errors:
            rows.append(RosterRow(line, first, last, username))
    return rows, errors
