"""Reading a OneRoster 1.2 CSV bundle (a zip): its manifest, and each file's rows one at a time.

The CSV binding fixes the file names, the header names (``sourcedId``, ``orgSourcedIds``…),
RFC 4180 quoting, and that a manifest says the versions and, per file, ``bulk``, ``delta`` or
``absent``. We read exactly that: a file the manifest lists as absent is not read, an optional
file missing is fine, a UTF-8 byte-order mark is tolerated, extension columns (``metadata.*``)
are allowed, and a column we do not know is refused (a misspelt header would otherwise lose its
data without a word). Rows are streamed from the zip: memory does not grow with the file.

Whole-bundle refusals raise ``BundleRefused``; a row's problems are ``Problem``s naming the
file, line, field and reason, gathered by the caller (``applying``).
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

# The files we read, in the order their references need (orgs before the classes in them…),
# with the headers the 1.2 CSV binding defines for each; the first ones are required columns.
HEADERS: dict[str, tuple[str, ...]] = {
    "orgs": (
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ),
    "academicSessions": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ),
    "courses": (
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    "classes": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ),
    "users": (
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    "enrollments": (
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ),
    "demographics": (
        "sourcedId",
        "status",
        "dateLastModified",
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
}
# The columns a file must have (the rest of the binding's columns may be left out).
REQUIRED = {
    "orgs": ("sourcedId", "name", "type"),
    "academicSessions": ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    "courses": ("sourcedId", "title", "orgSourcedId"),
    "classes": ("sourcedId", "title", "courseSourcedId", "schoolSourcedId", "termSourcedIds"),
    "users": ("sourcedId", "enabledUser", "orgSourcedIds", "role", "givenName", "familyName"),
    "enrollments": ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
    "demographics": ("sourcedId",),
}
# Files of the 1.2 binding we do not read (gradebook and resources): listed, never refused.
IGNORED = (
    "categories",
    "classResources",
    "courseResources",
    "lineItems",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "resources",
    "results",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "scoreScales",
    "roles",
    "userProfiles",
    "userResources",
)
MODES = ("bulk", "delta", "absent")
MAX_MEMBER_BYTES = 2 * 1024**3  # a zip bomb is refused before it is read
SOURCED_ID_MAX = 255
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BundleRefused(ValueError):
    """The bundle as a whole cannot be read; the message says why (and where)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a row (or a file's header, line 1)."""

    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, {self.field or 'row'}: {self.reason}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class Manifest:
    modes: dict[str, str]  # file → bulk / delta / absent, for the files we read
    source: str

    def mode(self, name: str) -> str:
        return self.modes.get(name, "absent")


def open_bundle(path_or_file) -> zipfile.ZipFile:
    try:
        bundle = zipfile.ZipFile(path_or_file)
    except (zipfile.BadZipFile, OSError):
        raise BundleRefused(
            "This is not a zip file: a OneRoster bundle is a zip of CSV files."
        ) from None
    # The sizes the zip declares bound what reading yields (zipfile stops at file_size), so a
    # zip bomb is refused here, before a byte is unpacked.
    limit = settings.ROSTER_MAX_UNPACKED_BYTES
    total = 0
    for info in bundle.infolist():
        if info.file_size > MAX_MEMBER_BYTES:
            raise BundleRefused(f"{info.filename} is larger than 2 GB unpacked.")
        total += info.file_size
    if total > limit:
        raise BundleRefused(
            f"The bundle's files come to {total // 2**20} MB unpacked; the most this site "
            f"takes is {limit // 2**20} MB (RISINGTIDE_ROSTER_MAX_UNPACKED_MB). Split it, "
            "for example a bundle per school, or send delta files."
        )
    return bundle


def _member(bundle: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The bundle's ``name`` file, at the top or in one folder (zips made by dragging a folder)."""
    for info in bundle.infolist():
        if info.filename.rsplit("/", 1)[-1] == name and info.filename.count("/") <= 1:
            return info
    return None


def _lines(bundle: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record; a quoted cell may span lines, so the number is the
    line its record starts on. ``utf-8-sig`` drops a byte-order mark."""
    with bundle.open(info) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        line = 1
        try:
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            raise BundleRefused(
                f"{info.filename}, line {line}: this line cannot be read ({exc}); "
                "check its quotes (RFC 4180: a quote inside a quoted cell is doubled)"
            ) from None
        except UnicodeDecodeError:
            raise BundleRefused(
                f"{info.filename}, line {line}: the file is not UTF-8, as OneRoster requires"
            ) from None


def read_manifest(bundle: zipfile.ZipFile) -> Manifest:
    info = _member(bundle, "manifest.csv")
    if info is None:
        raise BundleRefused("The bundle has no manifest.csv: OneRoster requires one.")
    rows = list(_lines(bundle, info))
    if not rows or [c.strip() for c in rows[0][1][:2]] != ["propertyName", "value"]:
        raise BundleRefused("manifest.csv, line 1: the header must be propertyName,value.")
    props = {cells[0].strip(): cells[1].strip() for _, cells in rows[1:] if len(cells) >= 2}
    if props.get("manifest.version") != "1.0":
        raise BundleRefused(
            f"manifest.csv, manifest.version: {props.get('manifest.version', 'missing')!r} "
            "is not 1.0, the manifest version OneRoster 1.2 uses."
        )
    if props.get("oneroster.version") != "1.2":
        raise BundleRefused(
            f"manifest.csv, oneroster.version: {props.get('oneroster.version', 'missing')!r} "
            "is not 1.2; this importer reads OneRoster 1.2 bundles."
        )
    modes = {}
    for name in HEADERS:
        mode = props.get(f"file.{name}", "absent")
        if mode not in MODES:
            raise BundleRefused(
                f"manifest.csv, file.{name}: {mode!r} is not bulk, delta or absent."
            )
        if mode != "absent" and _member(bundle, f"{name}.csv") is None:
            raise BundleRefused(
                f"manifest.csv lists {name}.csv as {mode}, but it is not in the zip."
            )
        modes[name] = mode
    source = props.get("source.systemName", "")[:100]
    return Manifest(modes=modes, source=source)


def rows(
    bundle: zipfile.ZipFile, manifest: Manifest, name: str, problems: list[Problem]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {header: value}) for each data row of ``name``.csv; nothing when absent. A header
    that breaks the binding is a problem at line 1 and the file's rows are not read."""
    mode = manifest.mode(name)
    if mode == "absent":
        return
    file = f"{name}.csv"
    records = _lines(bundle, _member(bundle, file))
    first = next(records, None)
    if first is None:
        problems.append(Problem(file, 1, "", "the file is empty: it needs its header row"))
        return
    header = [h.strip() for h in first[1]]
    known = set(HEADERS[name])
    bad = [h for h in header if h not in known and not h.startswith("metadata.")]
    missing = [h for h in REQUIRED[name] if h not in header]
    if mode == "delta":
        missing += [h for h in ("status", "dateLastModified") if h not in header]
    for h in bad:
        problems.append(Problem(file, 1, h, "this column is not in the OneRoster 1.2 binding"))
    for h in missing:
        problems.append(Problem(file, 1, h, "this required column is missing"))
    if len(set(header)) != len(header):
        problems.append(Problem(file, 1, "", "a column appears twice"))
    if bad or missing or len(set(header)) != len(header):
        return
    width = len(header)
    most = settings.ROSTER_MAX_ROWS
    count = 0
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > most:
            raise BundleRefused(
                f"{file} has more than {most:,} rows, the most this site takes in one file "
                "(RISINGTIDE_ROSTER_MAX_ROWS). Split the bundle, for example a bundle per school."
            )
        if len(cells) != width:
            problems.append(
                Problem(file, line, "", f"{len(cells)} cells where the header has {width}")
            )
            continue
        yield line, {h: c.strip() for h, c in zip(header, cells, strict=True)}


def check_common(
    file: str, line: int, row: dict[str, str], mode: str, problems: list[Problem]
) -> bool:
    """The checks every row of every file takes: its sourcedId, status and dateLastModified as
    the binding sets them for bulk and delta files. True when the row can be used."""
    ok = True
    sid = row["sourcedId"]
    if not sid:
        problems.append(Problem(file, line, "sourcedId", "missing"))
        ok = False
    elif len(sid) > SOURCED_ID_MAX:
        problems.append(Problem(file, line, "sourcedId", "longer than 255 characters"))
        ok = False
    status = row.get("status", "")
    modified = row.get("dateLastModified", "")
    if mode == "delta":
        if status not in ("active", "tobedeleted"):
            problems.append(
                Problem(file, line, "status", f"{status!r} must be active or tobedeleted")
            )
            ok = False
        if parse_datetime(modified) is None:
            problems.append(
                Problem(
                    file,
                    line,
                    "dateLastModified",
                    f"{modified!r} is not an ISO 8601 date and time (2026-09-01T08:00:00Z)",
                )
            )
            ok = False
    elif status or modified:
        # In a bulk file both are blank, or (as many systems send them) active and a date.
        if status not in ("", "active"):
            problems.append(
                Problem(file, line, "status", f"{status!r} in a bulk file: leave it blank")
            )
            ok = False
        if modified and parse_datetime(modified) is None:
            problems.append(
                Problem(file, line, "dateLastModified", f"{modified!r} is not ISO 8601")
            )
            ok = False
    return ok


def parse_datetime(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_date(value: str) -> date | None:
    if not DATE_RE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def id_list(value: str) -> list[str]:
    """A list field: comma-separated inside one quoted cell (``"a,b"``)."""
    return [part.strip() for part in value.split(",") if part.strip()]
