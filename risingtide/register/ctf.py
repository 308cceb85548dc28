"""Reading the Common Transfer File (CTF): tolerant of where each version and supplier puts an
element, strict about every value we use, safe against hostile XML.

``read_ctf`` returns the header (CTF version, source school) and one ``CtfPupil`` per pupil, or
``RowError`` for each pupil that cannot be used (row, UPN, field, reason). It writes nothing:
the import's preview and confirmation use what it returns.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from lxml import etree

from risingtide.register.ethnicity import major_group
from risingtide.register.upn import parse_upn

MAX_BYTES = 200 * 1024 * 1024
SEN_PROVISION = {"K", "E", "A", "P", "S", "N"}  # today K and E; older files A, P, S; N: none


class CtfRefused(ValueError):
    """The whole file cannot be read (not XML, hostile, not a CTF)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the pupil's place in the file, from 1
    upn: str
    field: str
    reason: str

    def __str__(self) -> str:
        who = f"pupil {self.row}" + (f" ({self.upn})" if self.upn else "")
        return f"{who}, {self.field}: {self.reason}"


@dataclass(frozen=True)
class FsmPeriod:
    start: date
    end: date | None


@dataclass
class CtfPupil:
    row: int
    upn: str
    temporary_upn: bool
    legal_surname: str
    legal_forename: str
    preferred_surname: str
    preferred_forename: str
    date_of_birth: date
    gender: str
    nc_year: str = ""
    ethnicity: str = ""
    ethnic_group: str = ""
    first_language: str = ""
    fsm: list[FsmPeriod] = field(default_factory=list)
    sen: list[tuple[date | None, str]] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)


@dataclass
class CtfFile:
    version: str
    document_date: str
    source_la: str
    source_estab: str
    source_urn: str
    source_name: str
    pupils: list[CtfPupil] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element) -> dict[str, list]:
    out: dict[str, list] = {}
    for child in element:
        out.setdefault(_local(child.tag), []).append(child)
    return out


def _text(element, *names: str, within: tuple[str, ...] = ("BasicDetails",)) -> str:
    """The text of the first of ``names`` among the element's children, or among the children
    of its ``within`` sections (versions move names and details in and out of BasicDetails)."""
    if element is None:
        return ""
    kids = _children(element)
    places = [kids] + [_children(k) for w in within for k in kids.get(w, [])]
    for name in names:
        for place in places:
            for found in place.get(name, []):
                if found.text and found.text.strip():
                    return found.text.strip()
    return ""


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _parse(data: bytes):
    if len(data) > MAX_BYTES:
        raise CtfRefused("The file is larger than 200 MB.")
    prolog = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    # A CTF has no document type: refusing any DTD refuses external entities and entity
    # expansion bombs before the parser sees them.
    if b"<!DOCTYPE" in data[:65536].upper() or b"<!ENTITY" in data[:65536].upper():
        raise CtfRefused("The file declares a document type or entities; a CTF never does.")
    if not prolog.startswith(b"<"):
        raise CtfRefused("This is not an XML file.")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise CtfRefused(f"The XML is malformed: {exc}") from None


def read_ctf(data: bytes) -> CtfFile:
    root = _parse(data)
    if _local(root.tag) != "CTfile":
        raise CtfRefused(f"The root element is {_local(root.tag)!r}; a CTF's is 'CTfile'.")
    kids = _children(root)
    header = (kids.get("Header") or [None])[0]
    source = None
    if header is not None:
        source = (_children(header).get("SourceSchool") or [None])[0]
    ctf = CtfFile(
        version=_text(header, "CTFversion", "Version"),
        document_date=_text(header, "DateTime", "DocumentDate"),
        source_la=_text(source, "LEA", "LA"),
        source_estab=_text(source, "Estab"),
        source_urn=_text(source, "URN"),
        source_name=_text(source, "SchoolName"),
    )
    pupils = []
    for section in kids.get("CTFpupilData", []):
        pupils += [p for p in section if _local(p.tag) == "Pupil"]
    seen: dict[str, int] = {}
    today = timezone.localdate()
    for row, element in enumerate(pupils, 1):
        pupil = _read_pupil(row, element, today, ctf.errors)
        if pupil is None:
            continue
        if pupil.upn in seen:
            ctf.errors.append(
                RowError(row, pupil.upn, "UPN", f"used twice (also pupil {seen[pupil.upn]})")
            )
            continue
        seen[pupil.upn] = row
        ctf.pupils.append(pupil)
    return ctf


def _read_pupil(row: int, element, today: date, errors: list[RowError]) -> CtfPupil | None:
    raw_upn = _text(element, "UPN")
    problems: list[tuple[str, str]] = []
    upn, temporary = raw_upn, False
    if not raw_upn:
        problems.append(("UPN", "missing"))
    else:
        try:
            parsed = parse_upn(raw_upn)
            upn, temporary = parsed.value, parsed.temporary
        except Exception as exc:  # ValidationError: its message says why
            problems.append(("UPN", " ".join(getattr(exc, "messages", [str(exc)]))))
    surname = _text(element, "LegalSurname", "Surname")
    forename = _text(element, "LegalForename", "Forename")
    if not surname:
        problems.append(("Surname", "missing"))
    if not forename:
        problems.append(("Forename", "missing"))
    raw_dob = _text(element, "DOB", "DateOfBirth")
    dob = _date(raw_dob)
    if dob is None:
        problems.append(("DOB", f"{raw_dob!r} is not a date" if raw_dob else "missing"))
    elif dob > today:
        problems.append(("DOB", f"{dob.isoformat()} is in the future"))
    gender = _text(element, "Gender", "Sex").upper()[:1]
    if gender and gender not in ("M", "F", "U"):
        problems.append(("Gender", f"{gender!r} is not M, F or U"))
    ethnicity = _text(element, "Ethnicity", "EthnicityCode").upper()
    group = major_group(ethnicity) if ethnicity else ""
    if ethnicity and group is None:
        problems.append(("Ethnicity", f"{ethnicity!r} is not a DfE ethnicity code"))
    fsm = []
    for period in _all(element, "FSMinstance"):
        start = _date(_text(period, "FSMstartDate", "StartDate", within=()))
        end_text = _text(period, "FSMendDate", "EndDate", within=())
        if start is None:
            problems.append(("FSMstartDate", "missing or not a date"))
            continue
        end = _date(end_text) if end_text else None
        if end_text and end is None:
            problems.append(("FSMendDate", f"{end_text!r} is not a date"))
        elif end and end < start:
            problems.append(("FSMendDate", "before the start date"))
        fsm.append(FsmPeriod(start, end))
    sen = []
    for entry in _all(element, "SEN"):
        provision = _text(entry, "SENprovision", "Provision", within=()).upper()
        if provision and provision not in SEN_PROVISION:
            problems.append(("SENprovision", f"{provision!r} is not K, E (or older A, P, S)"))
        sen.append((_date(_text(entry, "StartDate", within=())), provision))
    assessments = [
        {
            "stage": _text(a, "Stage", within=()),
            "subject": _text(a, "Subject", within=()),
            "method": _text(a, "Method", within=()),
            "component": _text(a, "Component", within=()),
            "result": _text(a, "Result", within=()),
            "year": _text(a, "Year", "ResultYear", within=()),
        }
        for a in _all(element, "StageAssessment")
    ]
    if problems:
        errors.extend(RowError(row, upn, name, reason) for name, reason in problems)
        return None
    return CtfPupil(
        row=row,
        upn=upn,
        temporary_upn=temporary,
        legal_surname=surname,
        legal_forename=forename,
        preferred_surname=_text(element, "PreferredSurname") or surname,
        preferred_forename=_text(element, "PreferredForename") or forename,
        date_of_birth=dob,
        gender=gender,
        nc_year=_text(element, "NCyearActual", "NCyear"),
        ethnicity=ethnicity,
        ethnic_group=group or "",
        first_language=_text(element, "FirstLanguage", "Language").upper(),
        fsm=fsm,
        sen=sen,
        assessments=assessments,
    )


def _all(element, *names: str) -> list:
    """Every descendant element with one of these names (history sections nest differently)."""
    wanted = set(names)
    return [e for e in element.iter() if _local(e.tag) in wanted]
