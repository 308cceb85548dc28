"""Flattening a CTF's pupils into records of tokens, in C: the XSLT that writes them and the
layouts that find each field's text among them.

Its own module because it is the one fast, intricate part of reading a CTF: ``reading`` parses
the file and runs the transform, ``pupils`` checks the texts found here.

A CTF of 2,000 pupils holds some 80,000 elements. Visiting them from Python (an lxml proxy
object per element, then dictionaries) took fifty times as long as the parse, so one compiled
XSLT visits them in C instead: for each pupil it writes a record of tokens, each a code saying
which element it came from (a pupil's own, or its BasicDetails'; an SEN, FSM or assessment
entry wherever it is nested) and that element's text. Python then splits strings and checks
each distinct value once (a file's genders, years, ethnicities and histories repeat).

The separators are Unicode non-characters (U+FDD0 to U+FDEF) that the file's text does not
contain, found before the transform runs, so no value can be mistaken for a separator.
"""

import functools
import itertools
from operator import itemgetter

from lxml import etree

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
SEPARATOR_CHOICES = [chr(c) for c in range(0xFDD0, 0xFDF0)]


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
def transform(separators: tuple[str, str, str, str]) -> etree.XSLT:
    return etree.XSLT(etree.fromstring(_stylesheet(*separators)))


def first_text(texts: dict[str, list[str]], *names: str) -> str | None:
    """The first non-blank text among these elements' (in this order of preference), "" if
    they are all blank, or None if there is no such element: the file does not say."""
    found = None
    for name in names:
        for each in texts.get(name, ()):
            if each.strip():
                return each.strip()
            found = ""
    return found


class Layout:
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
        """The pupil's raw fields in ``pupils.PupilReader.check``'s order: the simple fields'
        text (None when absent), then the SEN entries, the in-care token, the FSM entries, the
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
