"""Writing a CTF for a pupil who leaves, and naming it as DfE does.

Its own module because writing shares nothing with reading but the format: ``read_ctf`` of
what ``write_ctf`` makes gives the same rows (the tests hold the two together).
"""

import itertools
from datetime import datetime

from django.utils import timezone
from lxml import etree

from risingtide.register.rows import PupilRow

# DfE's file names put these where the destination's LA and establishment number go when the
# destination is not known (the file goes to the Lost Pupils Database) or is outside the
# maintained sector (XXX / XXXX, passed explicitly).
UNKNOWN_LA, UNKNOWN_ESTAB = "MMM", "MMMM"


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
