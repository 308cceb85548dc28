"""The Common Transfer File (CTF): reading one tolerantly (wherever each version and supplier
puts an element), strictly (every value we use is checked) and safely (no DTDs, no entities, a
size limit); and writing one for a pupil who leaves.

``read_ctf`` returns the header and a ``rows.PupilRow`` per usable pupil, with a
``rows.RowError`` for each problem of each pupil that cannot be used. It writes nothing: the
import's preview and confirmation use what it returns.
"""

import dataclasses
import functools
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

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


# -- Reading ---------------------------------------------------------------------------------
#
# A CTF of 2,000 pupils holds some 80,000 elements. Visiting them from Python (an lxml proxy
# object per element, then dictionaries) took fifty times as long as the parse, so one compiled
# XSLT visits them in C instead: for each pupil it writes a record of tokens, each a code saying
# which element it came from (a pupil's own, or its BasicDetails'; an SEN, FSM or assessment
# entry wherever it is nested) and that element's text. Python then splits strings and checks
# each distinct value once (a file's genders, years, ethnicities and histories repeat).
#
# The separators are Unicode non-characters (U+FDD0 to U+FDEF) that the file's text does not
# contain, found before the transform runs, so no value can be mistaken for a separator.

# (the field an error names, the elements that may hold it in order of preference)
_FIELDS = (
    ("UPN", ("UPN",)),
    ("Surname", ("LegalSurname", "Surname")),
    ("Forename", ("LegalForename", "Forename")),
    ("PreferredSurname", ("PreferredSurname",)),
    ("PreferredForename", ("PreferredForename",)),
    ("DOB", ("DOB", "DateOfBirth")),
    ("Gender", ("Gender", "Sex")),
    ("NCyearActual", ("NCyearActual", "NCyear")),
    ("Ethnicity", ("Ethnicity", "EthnicityCode")),
    ("FirstLanguage", ("FirstLanguage", "Language")),
)
# A token's code: the element's letter, in upper case when it is in the pupil's BasicDetails.
_CODES = dict(zip((n for _, names in _FIELDS for n in names), "abcdefghijklmnopq", strict=True))
_SEN, _IN_CARE, _IN_CARE_BASIC, _FSM, _ASSESSMENT, _GIFTED = "123456"
# Entries (and sections) whose children's text is written as "name, text" pairs: the mode the
# XSLT reads them in, the element, its token's code and the children we read.
_ENTRIES = (
    ("sen", "SEN", _SEN, ("SENprovision", "Provision", "StartDate")),
    ("fsm", "FSMinstance", _FSM, ("FSMstartDate", "StartDate", "FSMendDate", "EndDate")),
    (
        "assessment",
        "StageAssessment",
        _ASSESSMENT,
        ("Stage", "Subject", "Method", "Component", "Result", "Year", "ResultYear"),
    ),
)
_SEPARATOR_CHOICES = [chr(c) for c in range(0xFDD0, 0xFDF0)]
_PUPIL_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(PupilRow))


def _stylesheet(token: str, item: str, pair: str, record: str) -> bytes:
    """The XSLT writing each pupil's record: ``token`` code ``token`` text for each element
    read, an entry's text being ``item`` child-name ``pair`` child-text for each child read;
    ``record`` after each pupil."""
    text = '<xsl:copy-of select="text()"/>'
    pupil = "CTFpupilData/Pupil"
    templates = ['<xsl:template match="text()" mode="p"/>']  # what no template below reads
    for name, code in _CODES.items():
        for place, mark in ((pupil, code), (f"{pupil}/BasicDetails", code.upper())):
            templates.append(
                f'<xsl:template match="{place}/{name}" mode="p">{token}{mark}{token}{text}'
                "</xsl:template>"
            )

    def children(mode: str, names: tuple[str, ...], rest: str = "") -> str:
        return (
            "".join(
                f'<xsl:template match="{n}" mode="{mode}">{item}{n}{pair}{text}</xsl:template>'
                for n in names
            )
            + f'<xsl:template match="*" mode="{mode}">{rest}</xsl:template>'
        )

    for mode, element, code, names in _ENTRIES:
        # The stage is in each assessment, or once in the KeyStage around them.
        parent = (
            f'<xsl:for-each select="../Stage">{item}ParentStage{pair}{text}</xsl:for-each>'
            if element == "StageAssessment"
            else ""
        )
        templates.append(
            f'<xsl:template match="{element}" mode="p">{token}{code}{token}'
            f'<xsl:apply-templates select="*" mode="{mode}"/>{parent}</xsl:template>'
            + children(mode, names)
        )
    # <InCare><Status>true</Status>...</InCare> or <InCare>true</InCare>: its own text, then
    # its children.
    for place, code in ((pupil, _IN_CARE), (f"{pupil}/BasicDetails", _IN_CARE_BASIC)):
        templates.append(
            f'<xsl:template match="{place}/InCare" mode="p">{token}{code}{token}{text}'
            '<xsl:apply-templates select="*" mode="care"/></xsl:template>'
        )
    templates.append(children("care", ("Status",), f"{item}*{pair}"))
    # Our own export's G&T section: its flags, and its domains however deeply listed.
    templates.append(
        f'<xsl:template match="{pupil}/GiftedTalented" mode="p">{token}{_GIFTED}{token}'
        '<xsl:apply-templates select="*" mode="gifted"/></xsl:template>'
        + "".join(
            f'<xsl:template match="GiftedTalented/{n}" mode="gifted">{item}{n}{pair}{text}'
            "</xsl:template>"
            for n in ("Flag", "Gifted", "Talented", "Top5")
        )
        + children("gifted", ("Domain",), '<xsl:apply-templates select="*" mode="gifted"/>')
    )
    return (
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:output method="text" encoding="UTF-8"/>'
        '<xsl:template match="/"><xsl:for-each select="/*/CTFpupilData/Pupil">'
        f'<xsl:apply-templates mode="p"/>{record}</xsl:for-each></xsl:template>'
        + "".join(templates)
        + "</xsl:stylesheet>"
    ).encode()


@functools.lru_cache(maxsize=4)
def _transform(separators: tuple[str, str, str, str]) -> etree.XSLT:
    return etree.XSLT(etree.fromstring(_stylesheet(*separators)))


_WITHOUT_NAMESPACES = etree.XSLT(
    etree.fromstring(
        b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        b'<xsl:template match="*"><xsl:element name="{local-name()}">'
        b"<xsl:apply-templates/></xsl:element></xsl:template></xsl:stylesheet>"
    )
)


_NAMESPACED = etree.XPath("boolean(descendant-or-self::*[namespace-uri()])")


def _uses_namespaces(data: bytes, root) -> bool:
    """Whether any element is in a namespace. Most files never say ``xmlns`` (a search of the
    bytes); some declare one only for attributes (``xmlns:xsi``), which the tree then shows."""
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        marker = "xmlns".encode(encoding)
    except LookupError:
        marker = b""
    return (marker != b"xmlns" or marker in data) and _NAMESPACED(root)


def _first(texts: dict[str, list[str]], *names: str) -> str | None:
    """The first non-blank text among these elements' (in this order of preference), "" if
    they are all blank, or None if there is no such element: the file does not say."""
    found = None
    for name in names:
        for each in texts.get(name, ()):
            if each.strip():
                return each.strip()
            found = ""
    return found


class _Layout:
    """Where one sequence of token codes (most files have a few) puts each field's text."""

    def __init__(self, codes: str):
        places: dict[str, list[int]] = {}
        for index, code in enumerate(codes):
            places.setdefault(code, []).append(index)
        self.candidates = [
            [i for n in names for c in (_CODES[n], _CODES[n].upper()) for i in places.get(c, ())]
            for _, names in _FIELDS
        ]
        # Usually each field is in one element, or none: then one C-level pick reads them.
        self.simple = all(len(found) <= 1 for found in self.candidates)
        absent = len(codes)  # read() appends None to the texts: a field the file does not give
        care = places.get(_IN_CARE) or places.get(_IN_CARE_BASIC) or [absent]
        entries = [places.get(code, []) for code in (_SEN, _FSM, _ASSESSMENT)]
        self.pick = itemgetter(
            *(found[0] if found else absent for found in self.candidates),
            care[0],
            places.get(_GIFTED, [absent])[0],
            *(i for found in entries for i in found),
        )
        start = len(_FIELDS) + 2
        self.bounds = list(itertools.accumulate((len(e) for e in entries), initial=start))

    def read(self, texts: list[str | None]) -> tuple:
        """The pupil's raw fields in ``_PupilReader.check``'s order: the simple fields' text
        (None when absent), then the SEN entries, the in-care token, the FSM entries, the
        assessments and the G&T section."""
        texts.append(None)
        picked = self.pick(texts)
        width = len(_FIELDS)
        if self.simple:
            simple = picked[:width]
        else:
            simple = tuple(_first_of(texts, found) for found in self.candidates)
        sen, fsm, assessments, end = self.bounds
        return (
            *simple,
            picked[sen:fsm],
            picked[width],
            picked[fsm:assessments],
            picked[assessments:end],
            picked[width + 1],
        )


def _first_of(texts: list[str | None], indices: list[int]) -> str | None:
    for index in indices:
        if texts[index].strip():
            return texts[index].strip()
    return "" if indices else None


class _PupilReader:
    """Turns the transform's records into rows and errors, checking each distinct value of
    each field once."""

    def __init__(self, separators: tuple[str, str, str, str], today: date):
        self.token, self.item, self.pair, self.record = separators
        self.today = today

    def raw_fields(self, output: str) -> list[tuple]:
        layouts: dict[str, _Layout] = {}
        token = self.token
        found = []
        for record in output.split(self.record)[:-1]:
            parts = record.split(token)
            codes = "".join(parts[1::2])
            layout = layouts.get(codes) or layouts.setdefault(codes, _Layout(codes))
            found.append(layout.read(parts[2::2]))
        return found

    def texts(self, entry: str) -> dict[str, list[str]]:
        """An entry's children's texts by element name, in document order."""
        out: dict[str, list[str]] = {}
        for each in entry.split(self.item)[1:]:
            name, _, text = each.partition(self.pair)
            out.setdefault(name, []).append(text)
        return out

    def check(self, raws: list[tuple], errors: list[RowError]) -> list[PupilRow]:
        """The usable pupils; a ``RowError`` for each problem of the others, in row order."""
        if not raws:
            return []
        columns = list(zip(*raws, strict=True))
        problems: dict[int, list[tuple[str, str]]] = {}
        upns = validate.all_upns(columns[0]) or _each(
            columns[0], validate.upn, "UPN", problems, wrong_value=(None, False)
        )
        names = [
            (None not in columns[i] and validate.all_names(columns[i], required=i < 3))
            or _each(columns[i], validate.name, field, problems, required=i < 3)
            for i, field in ((1, "Surname"), (2, "Forename"), (3, "PreferredSurname"),
                             (4, "PreferredForename"))
        ]  # fmt: skip
        born = _each(columns[5], validate.date_of_birth, "DOB", problems, latest=self.today)
        gender = _each(columns[6], validate.gender, "Gender", problems)
        optional = [
            _each(columns[i], check, field, problems, absent=None)
            for i, field, check in ((7, "NCyearActual", validate.nc_year),
                                    (8, "Ethnicity", validate.ethnicity),
                                    (9, "FirstLanguage", validate.first_language))
        ]  # fmt: skip
        sen, care, fsm, assessments, register = (
            _gather(columns[i], read, problems)
            for i, read in ((10, self.sen), (11, self.in_care), (12, self.fsm),
                            (13, self.assessments), (14, self.gifted_talented))
        )  # fmt: skip
        upn_values, temporary = (list(c) for c in zip(*upns, strict=True))
        surname, forename, preferred_surname, preferred_forename = names
        by_field = {
            "row": range(1, len(raws) + 1),
            "upn": upn_values,
            "temporary_upn": temporary,
            "school_urn": itertools.repeat(None),
            "legal_surname": surname,
            "legal_forename": forename,
            # A CTF leaves out preferred names that are the legal ones.
            "preferred_surname": list(map(_or, preferred_surname, surname)),
            "preferred_forename": list(map(_or, preferred_forename, forename)),
            "date_of_birth": born,
            "gender": gender,
            "nc_year": optional[0],
            "ethnicity": optional[1],
            "first_language": optional[2],
            "sen": sen,
            "looked_after": care,
            "fsm": map(list, fsm),
            "fsm_now": itertools.repeat(None),
            "assessments": map(list, assessments),
            "register": register,
        }
        # Built column by column (a C-level loop), then the rows with problems left out.
        rows = map(PupilRow, *(by_field[name] for name in _PUPIL_ROW_FIELDS))
        pupils = []
        seen: dict[str, int] = {}
        for index, pupil in enumerate(rows):
            if index in problems:
                # A UPN we cannot use: the error shows what the file gave.
                upn = pupil.upn or "".join((columns[0][index] or "").split())
                errors.extend(RowError(pupil.row, upn, f, why) for f, why in problems[index])
            elif pupil.upn in seen:
                reason = f"used twice (also row {seen[pupil.upn]})"
                errors.append(RowError(pupil.row, pupil.upn, "UPN", reason))
            else:
                seen[pupil.upn] = pupil.row
                pupils.append(pupil)
        return pupils

    # Each reads one kind of entry from its tokens: (the value, the problems).
    def sen(self, entries: tuple[str, ...]) -> tuple[str, list]:
        """The provision of the latest SEN entry by start date, "" if there is none."""
        problems = validate.Problems()
        latest = []
        for order, entry in enumerate(entries):
            texts = self.texts(entry)
            raw = _first(texts, "SENprovision", "Provision")
            provision = problems.check("SENprovision", validate.sen, raw)
            start_raw = _first(texts, "StartDate") or ""
            start = (
                problems.check("SEN StartDate", validate.parse_date, start_raw)
                if start_raw
                else None
            )
            latest.append((start or date.min, order, provision or ""))
        return (max(latest)[2] if latest else ""), problems

    def in_care(self, entry: str | None) -> tuple[bool | None, list]:
        """``<InCare><Status>true</Status>...`` or ``<InCare>true</InCare>``; None if absent."""
        if entry is None:
            return None, []
        own, separator, children = entry.partition(self.item)
        status = _first(self.texts(separator + children), "Status") if children else own
        problems = validate.Problems()
        return problems.check("InCare", validate.yes_no, status), problems

    def fsm(self, entries: tuple[str, ...]) -> tuple[tuple[FsmPeriod, ...], list]:
        """The whole FSM history: a CTF without one says the pupil has none."""
        problems = validate.Problems()
        periods = []
        for entry in entries:
            texts = self.texts(entry)
            start_raw = _first(texts, "FSMstartDate", "StartDate")
            start = problems.check("FSMstartDate", validate.parse_date, start_raw)
            end_raw = _first(texts, "FSMendDate", "EndDate") or ""
            end = problems.check("FSMendDate", validate.parse_date, end_raw) if end_raw else None
            if start and end and end < start:
                problems.append(("FSMendDate", f"{end} is before the start date, {start}"))
            elif start:
                periods.append(FsmPeriod(start, end))
        return tuple(periods), problems

    def assessments(self, entries: tuple[str, ...]) -> tuple[tuple[Assessment, ...], list]:
        problems = validate.Problems()
        out = []
        for entry in entries:
            texts = self.texts(entry)
            values = {
                name: _first(texts, name) or ""
                for name in ("Stage", "Subject", "Method", "Component", "Result")
            }
            year_raw = _first(texts, "Year", "ResultYear") or ""
            if not year_raw and not any(values.values()):
                continue
            stage = values.pop("Stage") or _first(texts, "ParentStage") or ""
            year = problems.check("StageAssessment Year", validate.academic_year, year_raw)
            if year is not None:
                out.append(
                    Assessment(stage=stage, year=year, **{k.lower(): v for k, v in values.items()})
                )
        return tuple(out), problems

    def gifted_talented(self, entry: str | None) -> tuple[RegisterFlags | None, list]:
        """Our own CTF export's ``<GiftedTalented>`` section; None if the file has none."""
        problems = validate.Problems()
        if entry is None:
            return None, problems
        texts = self.texts(entry)
        flag_raw = _first(texts, "Flag") or ""
        if not flag_raw:
            problems.append(("GiftedTalented Flag", "missing"))
            return None, problems
        on_register = problems.check("GiftedTalented Flag", validate.yes_no, flag_raw)
        flags = {
            name: problems.check(f"GiftedTalented {tag}", validate.yes_no, _first(texts, tag) or "")
            for name, tag in (("gifted", "Gifted"), ("talented", "Talented"), ("top_5", "Top5"))
        }
        domains: list[str] = []
        for text in texts.get("Domain", ()):
            for key in problems.check("GiftedTalented Domain", validate.domains, text) or ():
                if key not in domains:
                    domains.append(key)
        if on_register is None:
            return None, problems
        return problems.check(
            "GiftedTalented Flag",
            validate.register_flags,
            on_register,
            domains=tuple(domains),
            **flags,
        ), problems


_MISSING = object()


def _or(value, otherwise):
    return value or otherwise


def _each(
    raws, check, field: str, problems: dict, *, absent=_MISSING, wrong_value=None, **options
) -> list:
    """``check(raw, **options)`` of each distinct raw value, in the rows' order; a problem
    noted for each row whose value is wrong (its value ``wrong_value``). ``absent``, if given,
    is the value of a field the file does not give (raw None) instead of checking it."""
    table: dict = {}
    wrong: dict = {}
    for raw in set(raws):
        if raw is None and absent is not _MISSING:
            table[raw] = absent
            continue
        try:
            table[raw] = check(raw, **options)
        except validate.Invalid as exc:
            table[raw], wrong[raw] = wrong_value, str(exc)
    if wrong:
        for index, raw in enumerate(raws):
            if raw in wrong:
                problems.setdefault(index, []).append((field, wrong[raw]))
    return list(map(table.__getitem__, raws))


def _gather(raws, read, problems: dict) -> list:
    """``read(raw)`` -> (value, problems) of each distinct raw value, in the rows' order."""
    table = {raw: read(raw) for raw in set(raws)}
    if any(found for _, found in table.values()):
        for index, raw in enumerate(raws):
            if table[raw][1]:
                problems.setdefault(index, []).extend(table[raw][1])
    return [table[raw][0] for raw in raws]


# Searched in place: a 64 KB copy freed just before the parse makes the allocator hand memory
# back to the system, and the parse then pays to fault it in again.
_DECLARATION = re.compile(rb"<!(?i:DOCTYPE|ENTITY)")


def _parse(data: bytes):
    if len(data) > MAX_BYTES:
        raise CtfRefused("The file is larger than 200 MB.")
    prolog = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    # A CTF has no document type: refusing any DTD refuses external entities and entity
    # expansion bombs before the parser sees them.
    if _DECLARATION.search(data, 0, 65536):
        raise CtfRefused("The file declares a document type or entities; a CTF never does.")
    if not prolog.startswith(b"<"):
        raise CtfRefused("This is not an XML file.")
    # Whitespace between elements is left out: no value is blank space, and a pretty-printed
    # file then parses faster and has half the nodes to read.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, remove_blank_text=True,
    )  # fmt: skip
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise CtfRefused(f"The XML is malformed: {exc}") from None
    # The byte check above is quick but sees only the file's start; the parsed tree tells the
    # truth (a DTD after a long comment, or in UTF-16). lxml expanded nothing either way.
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise CtfRefused("The file declares a document type or entities; a CTF never does.")
    if _uses_namespaces(data, root):
        # We read elements by their local names, whatever namespace a supplier puts them in.
        root = _WITHOUT_NAMESPACES(root).getroot()
    return root


def _child(element, name: str):
    return None if element is None else element.find(name)


def _text(element, *names: str) -> str:
    """The first non-blank text among the element's children with these names."""
    if element is None:
        return ""
    texts: dict[str, list[str]] = {}
    for child in element:
        texts.setdefault(child.tag, []).append(child.text or "")
    return _first(texts, *names) or ""


def read_ctf(data: bytes) -> CtfFile:
    """The CTF's header and pupils. A pupil with any problem is left out of ``pupils`` and has
    a ``RowError`` for each problem (row: the pupil's place in the file, from 1; field: the
    CTF element). Raises ``CtfRefused`` for a file that cannot be read at all."""
    root = _parse(data)
    if root.tag != "CTfile":
        raise CtfRefused(f"The root element is {root.tag!r}; a CTF's is 'CTfile'.")
    header = _child(root, "Header")
    source, dest = _child(header, "SourceSchool"), _child(header, "DestSchool")
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
    text = etree.tostring(root, method="text", encoding="unicode")
    separators = tuple(itertools.islice((c for c in _SEPARATOR_CHOICES if c not in text), 4))
    if len(separators) < 4:
        raise CtfRefused("The file's text uses the Unicode non-characters U+FDD0 to U+FDEF.")
    output = str(_transform(separators)(root))
    reader = _PupilReader(separators, timezone.localdate())
    ctf.pupils = reader.check(reader.raw_fields(output), ctf.errors)
    return ctf


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
