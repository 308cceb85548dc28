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
        "first names",
        "forename",
        "forenames",
        "forename(s)",
        "given name",
        "given names",
        "legal forename",
        "legal first name",
        "preferred forename",
        "preferred first name",
        "first",
    },
    "last_name": {
        "last name",
        "lastname",
        "surname",
        "family name",
        "legal surname",
        "legal last name",
        "preferred surname",
        "preferred last name",
        "last",
    },
    "full_name": {"name", "full name", "pupil name", "pupil", "student name", "student"},
    "username": {"username", "user name", "login", "sign-in name"},
}
NAME_PUNCTUATION = set(" '’.-")
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
    if "full_name" in found and "last_name" in found and "first_name" not in found:
        found["first_name"] = found.pop("full_name")  # "Name, Surname": name is the first name
    if "first_name" in found and "last_name" in found:
        return found
    if "full_name" in found:
        return found
    return None


def _looks_like_header(cells: list[str]) -> bool:
    return any(re.search(r"\b(name|names|surname|forenames?)\b", _normal(c)) for c in cells)


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


def _is_name(value: str) -> bool:
    """Letters of any script (with their combining marks), spaces, hyphens, apostrophes, dots."""
    if not unicodedata.category(value[0]).startswith("L"):
        return False
    return all(unicodedata.category(ch)[0] in "LM" or ch in NAME_PUNCTUATION for ch in value)


def _check_name(line: int, field: str, label: str, value: str) -> list[RowError]:
    if not value:
        return [RowError(line, field, f"{label} is missing")]
    if len(value) > NAME_MAX:
        return [RowError(line, field, f"{label} is longer than {NAME_MAX} characters")]
    if not _is_name(value):
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
    reader = csv.reader(io.StringIO(text), delimiter=_dialect(text), strict=True)
    records = []
    line = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                records.append((line, [_clean(cell) for cell in cells]))
            line = reader.line_num + 1  # a quoted cell may span lines: count real lines
    except csv.Error as exc:
        return [], [RowError(line, "", f"this line cannot be read ({exc}); check its quotes")]
    if not records:
        return [], [RowError(0, "", "the list is empty: give one pupil a line")]
    header = _header_map(records[0][1])
    if header is not None:
        records = records[1:]
    elif _looks_like_header(records[0][1]):
        return [], [
            RowError(
                records[0][0],
                "",
                "this looks like a row of column headings, but no first- and last-name columns "
                "were recognised: head them First name and Last name (or Forename and Surname)",
            )
        ]
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
