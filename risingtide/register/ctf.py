"""The Common Transfer File (CTF): reading one tolerantly (wherever each version and supplier
puts an element), strictly (every value we use is checked) and safely (no DTDs, no entities, a
size limit); and writing one for a pupil who leaves.

``read_ctf`` returns the header and a ``rows.PupilRow`` per usable pupil, with a
``rows.RowError`` for each problem of each pupil that cannot be used. It writes nothing: the
import's preview and confirmation use what it returns.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from lxml import etree

from risingtide.register import validate
from risingtide.register.rows import (
    Assessment,
    FsmPeriod,
    PupilRow,
    RegisterFlags,
    RowError,
)

MAX_BYTES = 200 * 1024 * 1024
# DfE's file names put these where the destination's LA and establishment number go when the
# destination is not known (the file goes to the Lost Pupils Database) or is outside the
# maintained sector (XXX / XXXX, passed explicitly).
UNKNOWN_LA, UNKNOWN_ESTAB = "MMM", "MMMM"


class CtfRefused(ValueError):
    """The whole file cannot be read (not XML, hostile, not a CTF)."""


@dataclass
class CtfFile:
    version: str
    document_date: str
    source_la: str
    source_estab: str
    source_urn: str
    source_name: str
    dest_la: str = ""
    dest_estab: str = ""
    pupils: list[PupilRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element) -> dict[str, list]:
    out: dict[str, list] = {}
    for child in element:
        out.setdefault(_local(child.tag), []).append(child)
    return out


def _elements(element, names: tuple[str, ...], within: tuple[str, ...]) -> list:
    """The element's children with one of ``names`` (in that order of preference), then the
    same among the children of its ``within`` sections (versions move names and details in and
    out of BasicDetails)."""
    if element is None:
        return []
    kids = _children(element)
    places = [kids] + [_children(k) for w in within for k in kids.get(w, [])]
    return [found for name in names for place in places for found in place.get(name, [])]


def _find(element, *names: str, within: tuple[str, ...] = ("BasicDetails",)) -> str | None:
    """The first non-blank text among those elements, "" if they are all blank, or None if
    there is no such element: the file does not say."""
    found = _elements(element, names, within)
    for each in found:
        if each.text and each.text.strip():
            return each.text.strip()
    return "" if found else None


def _text(element, *names: str, within: tuple[str, ...] = ("BasicDetails",)) -> str:
    return _find(element, *names, within=within) or ""


def _all(element, *names: str) -> list:
    """Every descendant element with one of these names (history sections nest differently)."""
    wanted = set(names)
    return [e for e in element.iter() if _local(e.tag) in wanted]


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
    """The CTF's header and pupils. A pupil with any problem is left out of ``pupils`` and has
    a ``RowError`` for each problem (row: the pupil's place in the file, from 1; field: the
    CTF element). Raises ``CtfRefused`` for a file that cannot be read at all."""
    root = _parse(data)
    if _local(root.tag) != "CTfile":
        raise CtfRefused(f"The root element is {_local(root.tag)!r}; a CTF's is 'CTfile'.")
    kids = _children(root)
    header = (kids.get("Header") or [None])[0]
    source = dest = None
    if header is not None:
        source = (_children(header).get("SourceSchool") or [None])[0]
        dest = (_children(header).get("DestSchool") or [None])[0]
    ctf = CtfFile(
        version=_text(header, "CTFversion", "Version"),
        document_date=_text(header, "DateTime", "DocumentDate"),
        source_la=_text(source, "LEA", "LA"),
        source_estab=_text(source, "Estab"),
        source_urn=_text(source, "URN"),
        source_name=_text(source, "SchoolName"),
        dest_la=_text(dest, "LEA", "LA"),
        dest_estab=_text(dest, "Estab"),
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
                RowError(row, pupil.upn, "UPN", f"used twice (also row {seen[pupil.upn]})")
            )
            continue
        seen[pupil.upn] = row
        ctf.pupils.append(pupil)
    return ctf


def _read_pupil(row: int, element, today: date, errors: list[RowError]) -> PupilRow | None:
    problems = validate.Problems()
    check = problems.check

    def optional(name: str, checker, *names: str):
        raw = _find(element, *names)
        return None if raw is None else check(name, checker, raw)

    raw_upn = _text(element, "UPN")
    upn, temporary = check("UPN", validate.upn, raw_upn) or ("".join(raw_upn.split()), False)
    surname = check("Surname", validate.name, _find(element, "LegalSurname", "Surname"))
    forename = check("Forename", validate.name, _find(element, "LegalForename", "Forename"))
    preferred_surname = check(
        "PreferredSurname", validate.name, _find(element, "PreferredSurname"), required=False
    )
    preferred_forename = check(
        "PreferredForename", validate.name, _find(element, "PreferredForename"), required=False
    )
    dob_raw = _find(element, "DOB", "DateOfBirth")
    dob = check("DOB", validate.date_of_birth, dob_raw, latest=today)
    gender = check("Gender", validate.gender, _find(element, "Gender", "Sex"))
    pupil = PupilRow(
        row=row,
        upn=upn,
        temporary_upn=temporary,
        legal_surname=surname,
        legal_forename=forename,
        # A CTF leaves out preferred names that are the legal ones.
        preferred_surname=preferred_surname or surname,
        preferred_forename=preferred_forename or forename,
        date_of_birth=dob,
        gender=gender,
        nc_year=optional("NCyearActual", validate.nc_year, "NCyearActual", "NCyear"),
        ethnicity=optional("Ethnicity", validate.ethnicity, "Ethnicity", "EthnicityCode"),
        first_language=optional(
            "FirstLanguage", validate.first_language, "FirstLanguage", "Language"
        ),
        sen=_sen(element, problems),
        looked_after=_in_care(element, problems),
        fsm=_fsm(element, problems),
        assessments=_assessments(element, problems),
        register=_gifted_talented(element, problems),
    )
    if problems:
        errors.extend(RowError(row, upn, name, reason) for name, reason in problems)
        return None
    return pupil


def _fsm(element, problems: validate.Problems) -> list[FsmPeriod]:
    """The whole FSM history: a CTF without one says the pupil has none."""
    periods = []
    for period in _all(element, "FSMinstance"):
        start_raw = _find(period, "FSMstartDate", "StartDate", within=())
        start = problems.check("FSMstartDate", validate.parse_date, start_raw)
        end_raw = _text(period, "FSMendDate", "EndDate", within=())
        end = problems.check("FSMendDate", validate.parse_date, end_raw) if end_raw else None
        if start and end and end < start:
            problems.append(("FSMendDate", f"{end} is before the start date, {start}"))
        elif start:
            periods.append(FsmPeriod(start, end))
    return periods


def _sen(element, problems: validate.Problems) -> str:
    """The provision of the latest SEN entry by start date, "" if there is none."""
    entries = []
    for order, entry in enumerate(_all(element, "SEN")):
        raw = _find(entry, "SENprovision", "Provision", within=())
        provision = problems.check("SENprovision", validate.sen, raw)
        start_raw = _text(entry, "StartDate", within=())
        start = (
            problems.check("SEN StartDate", validate.parse_date, start_raw) if start_raw else None
        )
        entries.append((start or date.min, order, provision or ""))
    return max(entries)[2] if entries else ""


def _in_care(element, problems: validate.Problems) -> bool | None:
    """``<InCare><Status>true</Status>...`` or ``<InCare>true</InCare>``; None if absent."""
    found = _elements(element, ("InCare",), ("BasicDetails",))
    if not found:
        return None
    status = _find(found[0], "Status", within=()) if len(found[0]) else found[0].text
    return problems.check("InCare", validate.yes_no, status)


def _assessments(element, problems: validate.Problems) -> list[Assessment]:
    out = []
    for each in _all(element, "StageAssessment"):
        values = {
            name: _text(each, name, within=())
            for name in ("Stage", "Subject", "Method", "Component", "Result")
        }
        year_raw = _text(each, "Year", "ResultYear", within=())
        if not year_raw and not any(values.values()):
            continue
        # The stage sits in each assessment, or once in the KeyStage around them.
        stage = values.pop("Stage") or _text(each.getparent(), "Stage", within=())
        year = problems.check("StageAssessment Year", validate.academic_year, year_raw)
        if year is not None:
            out.append(
                Assessment(stage=stage, year=year, **{k.lower(): v for k, v in values.items()})
            )
    return out


def _gifted_talented(element, problems: validate.Problems) -> RegisterFlags | None:
    """Our own CTF export's ``<GiftedTalented>`` section; None if the file has none."""
    found = _elements(element, ("GiftedTalented",), ())
    if not found:
        return None
    section = found[0]
    flag_raw = _text(section, "Flag", within=())
    if not flag_raw:
        problems.append(("GiftedTalented Flag", "missing"))
        return None
    on_register = problems.check("GiftedTalented Flag", validate.yes_no, flag_raw)
    flags = {
        name: problems.check(
            f"GiftedTalented {tag}", validate.yes_no, _text(section, tag, within=())
        )
        for name, tag in (("gifted", "Gifted"), ("talented", "Talented"), ("top_5", "Top5"))
    }
    domains: list[str] = []
    for each in _all(section, "Domain"):
        for key in problems.check("GiftedTalented Domain", validate.domains, each.text) or ():
            if key not in domains:
                domains.append(key)
    if on_register is None:
        return None
    return problems.check(
        "GiftedTalented Flag", validate.register_flags, on_register, domains=tuple(domains), **flags
    )


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def _add(parent, tag: str, text: str | None = None):
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _academic_year(when: datetime) -> int:
    return when.year if when.month >= 9 else when.year - 1


def write_ctf(
    *,
    source_la: str,
    source_estab: str,
    source_urn: str,
    source_name: str,
    dest_la: str,
    dest_estab: str,
    pupils: list[PupilRow],
    when: datetime,
    version: str = "21.0",
) -> bytes:
    """A CTF (a partial one: the data we hold) for these pupils, as UTF-8 XML bytes.

    Values left None are left out; ``read_ctf`` of the result gives the same rows. An unknown
    destination is written as DfE's ``MMM`` / ``MMMM``.
    """
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    root = etree.Element("CTfile")
    header = _add(root, "Header")
    _add(header, "DocumentName", "Common Transfer File")
    _add(header, "CTFversion", version)
    _add(header, "DateTime", when.strftime("%Y-%m-%dT%H:%M:%S"))
    _add(header, "DocumentQualifier", "partial")
    source = _add(header, "SourceSchool")
    for tag, value in (
        ("LEA", source_la),
        ("Estab", source_estab),
        ("URN", source_urn),
        ("SchoolName", source_name),
        ("AcademicYear", str(_academic_year(when))),
    ):
        _add(source, tag, value)
    dest = _add(header, "DestSchool")
    _add(dest, "LEA", dest_la or UNKNOWN_LA)
    _add(dest, "Estab", dest_estab or UNKNOWN_ESTAB)
    data = _add(root, "CTFpupilData")
    for pupil in pupils:
        _write_pupil(_add(data, "Pupil"), pupil)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _write_pupil(element, pupil: PupilRow) -> None:
    for tag, value in (
        ("UPN", pupil.upn),
        ("Surname", pupil.legal_surname),
        ("Forename", pupil.legal_forename),
        ("PreferredSurname", pupil.preferred_surname),
        ("PreferredForename", pupil.preferred_forename),
        ("DOB", pupil.date_of_birth.isoformat() if pupil.date_of_birth else None),
        ("Gender", pupil.gender),
    ):
        if value is not None:
            _add(element, tag, value)
    basic = _add(element, "BasicDetails")
    for tag, value in (
        ("NCyearActual", pupil.nc_year),
        ("Ethnicity", pupil.ethnicity),
        ("FirstLanguage", pupil.first_language),
    ):
        if value is not None:
            _add(basic, tag, value)
    if pupil.looked_after is not None:
        _add(_add(basic, "InCare"), "Status", _yes_no(pupil.looked_after))
    if pupil.fsm:
        history = _add(element, "FSMhistory")
        for period in pupil.fsm:
            instance = _add(history, "FSMinstance")
            _add(instance, "FSMstartDate", period.start.isoformat())
            if period.end is not None:
                _add(instance, "FSMendDate", period.end.isoformat())
    if pupil.sen:
        _add(_add(_add(element, "SENhistory"), "SEN"), "SENprovision", pupil.sen)
    if pupil.assessments:
        stages = _add(element, "StageAssessments")
        for stage, group in itertools.groupby(pupil.assessments, key=lambda a: a.stage):
            key_stage = _add(stages, "KeyStage")
            _add(key_stage, "Stage", stage)
            for each in group:
                assessment = _add(key_stage, "StageAssessment")
                _add(assessment, "Year", str(each.year))
                for tag, value in (
                    ("Subject", each.subject),
                    ("Method", each.method),
                    ("Component", each.component),
                    ("Result", each.result),
                ):
                    _add(assessment, tag, value)
    if pupil.register is not None:
        flags = pupil.register
        section = _add(element, "GiftedTalented")
        _add(section, "Flag", _yes_no(flags.gifted_talented))
        _add(section, "Gifted", _yes_no(flags.gifted))
        _add(section, "Talented", _yes_no(flags.talented))
        _add(section, "Top5", _yes_no(flags.top_5))
        domains = _add(section, "Domains")
        for key in flags.domains:
            _add(domains, "Domain", key)


def _code(value: str | int | None, width: int, unknown: str) -> str:
    text = str(value if value is not None else "").strip() or unknown
    if text.isdigit():
        text = text.zfill(width)
    if len(text) != width or not (text.isdigit() or text in {unknown, "X" * width, "L" * width}):
        raise ValueError(f"{value!r} is not a {width}-digit code")
    return text


def ctf_filename(
    source_la: str | int,
    source_estab: str | int,
    dest_la: str | int | None,
    dest_estab: str | int | None,
    sequence: int = 1,
) -> str:
    """DfE's name for a CTF: ``LLLSSSS_CTF_LLLDDDD_NNN.xml`` (from LA and establishment, to LA
    and establishment, a sequence number). An unknown destination is ``MMM`` / ``MMMM``."""
    if not 1 <= sequence <= 999:
        raise ValueError("A CTF's sequence number is 1 to 999.")
    source = _code(source_la, 3, "") + _code(source_estab, 4, "")
    dest = _code(dest_la, 3, UNKNOWN_LA) + _code(dest_estab, 4, UNKNOWN_ESTAB)
    return f"{source}_CTF_{dest}_{sequence:03d}.xml"
