"""The register's exports: the census-style G&T return, the register itself (CSV, XLSX, PDF)
and a CTF for a pupil who leaves.

Plain functions for the views and the API. They check no permission and write no audit event:
the caller does both (``services.log_access``) before it sends pupil-level data anywhere.
Rows are lists of plain values (text, whole numbers, dates, None) that every format shares.
"""

import io
import re
from collections.abc import Iterable, Iterator
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, FilteredRelation, Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from risingtide.lib.csvexport import csv_response, safe_cell
from risingtide.lib.pdf import to_pdf
from risingtide.register import rows
from risingtide.register.ctf.writing import ctf_filename, write_ctf
from risingtide.register.models import (
    CharacteristicChange,
    Evidence,
    Pupil,
    RegisterEntry,
    academic_year,
    ever_6,
    fsm_on,
    year_label,
)
from risingtide.schools.models import School

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000

CENSUS_HEADER = [
    "UPN",
    "Surname",
    "Forename",
    "Date of birth",
    "NC year",
    "G&T",
    "Top 5%",
    "Gifted",
    "Talented",
    "Domains",
]

REGISTER_HEADER = [
    "UPN",
    "Surname",
    "Forename",
    "NC year",
    "Gender",
    "Status",
    "Gifted",
    "Talented",
    "Domains",
    "Top 5%",
    "Decided by",
    "Decided on",
    "Next review",
    "Reason",
    "Quantitative evidence",
    "Qualitative evidence",
    "Progress evidence",
    "FSM now",
    "Ever-6",
    "EAL",
    "SEN",
]

_QUANTITATIVE = sorted(Evidence.QUANTITATIVE)
_PROGRESS = sorted(Evidence.PROGRESS_KINDS)
_QUALITATIVE = sorted(set(Evidence.Kind.values) - set(_QUANTITATIVE) - set(_PROGRESS))


def _yn(value) -> str:
    return "Y" if value else "N"


def _labels(domains) -> str:
    return "; ".join(rows.DOMAINS.get(d, d) for d in domains or ())


def export_filename(school: School, what: str, year: int, extension: str) -> str:
    """A download's name, e.g. ``register-900001-2025-26.xlsx`` (ASCII: it goes in a header)."""
    what = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-") or "export"
    return f"{what}-{school.urn}-{year_label(year).replace('/', '-')}.{extension}"


# --- the census return ---------------------------------------------------------------------


def census_rows(school: School, year: int | None = None) -> Iterator[list]:
    """The school's census-style G&T return (columns ``CENSUS_HEADER``): one row per pupil on
    roll, by legal name. G&T is Y when the pupil's current entry this year is *identified*;
    top 5%, gifted, talented and the domains are given only then. One query."""
    year = academic_year() if year is None else year
    pupils = (
        Pupil.objects.filter(school=school, on_roll=True)
        .annotate(
            entry=FilteredRelation(
                "register_entries",
                condition=Q(
                    register_entries__school=school,
                    register_entries__academic_year=year,
                    register_entries__current=True,
                ),
            )
        )
        .order_by("legal_surname", "legal_forename", "upn")
        .values_list(
            "upn",
            "legal_surname",
            "legal_forename",
            "date_of_birth",
            "nc_year",
            "entry__status",
            "entry__top_5",
            "entry__gifted",
            "entry__talented",
            "entry__domains",
        )
    )
    return _census(pupils)


def _census(pupils) -> Iterator[list]:
    for (
        upn,
        surname,
        forename,
        born,
        nc_year,
        status,
        top_5,
        gifted,
        talented,
        domains,
    ) in pupils.iterator(chunk_size=CHUNK):
        on = status == RegisterEntry.Status.IDENTIFIED
        yield [
            upn,
            surname,
            forename,
            born,
            nc_year,
            _yn(on),
            _yn(on and top_5),
            _yn(on and gifted),
            _yn(on and talented),
            _labels(domains) if on else "",
        ]


# --- the register --------------------------------------------------------------------------


def register_rows(
    school: School, year: int | None = None, status: str | None = None
) -> tuple[list[str], Iterator[list]]:
    """The register (columns ``REGISTER_HEADER``): every pupil on roll with a current entry
    this year, or only those with ``status``, by name. Evidence is counted for the year; FSM
    and Ever-6 are as of today. One query, whatever the size."""
    year = academic_year() if year is None else year
    entries = RegisterEntry.objects.current().filter(
        school=school, academic_year=year, pupil__school=school, pupil__on_roll=True
    )
    if status:
        if status not in RegisterEntry.Status.values:
            raise ValidationError({"status": "Choose a register status."})
        entries = entries.filter(status=status)
    today = timezone.localdate()
    this_year = Q(pupil__evidence__academic_year=year)
    entries = (
        entries.select_related("pupil")
        .annotate(
            quantitative=Count(
                "pupil__evidence", filter=this_year & Q(pupil__evidence__kind__in=_QUANTITATIVE)
            ),
            qualitative=Count(
                "pupil__evidence", filter=this_year & Q(pupil__evidence__kind__in=_QUALITATIVE)
            ),
            progress=Count(
                "pupil__evidence", filter=this_year & Q(pupil__evidence__kind__in=_PROGRESS)
            ),
            fsm_now=fsm_on(today, "pupil_id"),
            ever_6=ever_6(today, "pupil_id"),
        )
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pupil__upn")
    )
    return list(REGISTER_HEADER), _register(entries)


def _register(entries) -> Iterator[list]:
    for e in entries.iterator(chunk_size=CHUNK):
        p = e.pupil
        yield [
            p.upn,
            p.surname,
            p.forename,
            p.nc_year,
            p.gender,
            e.get_status_display(),
            _yn(e.gifted),
            _yn(e.talented),
            _labels(e.domains),
            _yn(e.top_5),
            e.recorded_by_name,
            timezone.localtime(e.recorded_at).date(),
            e.next_review,
            e.reason,
            e.quantitative,
            e.qualitative,
            e.progress,
            _yn(e.fsm_now),
            _yn(e.ever_6),
            _yn(p.eal),
            p.sen,
        ]


# --- responses -----------------------------------------------------------------------------


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_export(header: list[str], data: Iterable[list], filename: str) -> HttpResponse:
    """A CSV download whose cells a spreadsheet never runs as formulas (lib.csvexport)."""

    def lines():
        yield header
        yield from data

    return csv_response(filename, lines())


# Characters XML 1.0 cannot hold: openpyxl refuses a cell with one.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def _xlsx_cell(sheet, value, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = _NOT_XML.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Text is always a string cell: openpyxl would store "=..." as a formula. A cell that
        # looks like one is also quote-prefixed, so re-entering it in Excel keeps it text.
        cell.data_type = "s"
        if safe_cell(value) != value:
            cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_workbook(header: list[str], data: Iterable[list], sheet_title: str) -> bytes:
    """One sheet, header first (bold, frozen), written row by row (openpyxl write-only)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(_SHEET_TITLE.sub(" ", sheet_title).strip() or "Sheet")[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, h, bold=True) for h in header])
    for row in data:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_export(
    header: list[str], data: Iterable[list], filename: str, sheet_title: str
) -> HttpResponse:
    """An Excel (XLSX) download of the rows; text never becomes a formula."""
    return _attachment(
        HttpResponse(xlsx_workbook(header, data, sheet_title), content_type=XLSX_TYPE), filename
    )


def _pdf_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def register_html(school: School, year: int, rows_context: tuple[list[str], Iterable[list]]) -> str:
    """The page the register PDF is made from (autoescaped: names are text, never markup)."""
    header, data = rows_context
    table = [[_pdf_text(v) for v in row] for row in data]
    return render_to_string(
        "register/register_pdf.html",
        {
            "school": school,
            "year": year_label(year),
            "printed": timezone.localdate(),
            "header": header,
            "rows": table,
        },
    )


def register_pdf(
    school: School, year: int, rows_context: tuple[list[str], Iterable[list]]
) -> bytes:
    """The register as an A4 landscape PDF. ``rows_context`` is ``register_rows(...)``'s
    ``(header, rows)``. The PDF reads no file and no URL."""
    return to_pdf(html=register_html(school, year, rows_context))


# --- a CTF for a leaver --------------------------------------------------------------------


def _code(value: str, width: int) -> str:
    value = (value or "").strip()
    return value.zfill(width) if value.isdigit() else value


def _flags(entry: RegisterEntry | None) -> rows.RegisterFlags | None:
    if entry is None:
        return None
    if entry.status != RegisterEntry.Status.IDENTIFIED:
        # Nominated, not identified or removed: not on the register, and nothing else said.
        return rows.RegisterFlags(gifted_talented=False)
    return rows.RegisterFlags(
        gifted_talented=True,
        gifted=entry.gifted,
        talented=entry.talented,
        top_5=entry.top_5,
        domains=tuple(entry.domains),
    )


def _with_sen_start(data: bytes, start: date) -> bytes:
    """``rows.PupilRow`` has no SEN start date, so add it to the SEN entry write_ctf made
    (CTF order: StartDate before SENprovision)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    root = etree.fromstring(data, parser=parser)
    for sen in root.iterfind("CTFpupilData/Pupil/SENhistory/SEN"):
        element = etree.Element("StartDate")
        element.text = start.isoformat()
        sen.insert(0, element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def leaver_row(pupil: Pupil, year: int | None = None) -> tuple[rows.PupilRow, date | None]:
    """What we hold about the pupil, as a CTF row, and the date their SEN provision began
    (the last SEN change; None if we do not know)."""
    year = academic_year() if year is None else year
    entry = RegisterEntry.objects.current().filter(pupil=pupil, academic_year=year).first()
    sen_since = None
    if pupil.sen:
        sen_since = (
            CharacteristicChange.objects.filter(pupil=pupil, kind=CharacteristicChange.Kind.SEN)
            .order_by("-changed_on", "-pk")
            .values_list("changed_on", flat=True)
            .first()
        )
    row = rows.PupilRow(
        row=1,
        upn=pupil.upn,
        temporary_upn=pupil.temporary_upn,
        legal_surname=pupil.legal_surname,
        legal_forename=pupil.legal_forename,
        # A CTF leaves out preferred names that are the legal ones.
        preferred_surname=pupil.preferred_surname or None,
        preferred_forename=pupil.preferred_forename or None,
        date_of_birth=pupil.date_of_birth,
        gender=pupil.gender,
        nc_year=pupil.nc_year,
        ethnicity=pupil.ethnicity,
        first_language=pupil.first_language,
        sen=pupil.sen,
        looked_after=pupil.looked_after,
        fsm=[rows.FsmPeriod(p.start, p.end) for p in pupil.fsm_periods.order_by("start")],
        assessments=[
            rows.Assessment(
                stage=a.stage,
                subject=a.subject,
                method=a.method,
                component=a.component,
                result=a.result,
                year=a.year,
            )
            # Ordered by stage: write_ctf groups a stage's results under one KeyStage.
            for a in pupil.attainment.order_by("stage", "year", "subject", "component", "pk")
        ],
        register=_flags(entry),
    )
    return row, sen_since


def leaver_ctf(
    pupil: Pupil, *, dest_la: str = "", dest_estab: str = "", year: int | None = None
) -> tuple[str, bytes]:
    """A CTF for one pupil who leaves, from their record and this year's register entry, with
    DfE's file name. An unknown destination is DfE's ``MMM`` / ``MMMM``. Raises
    ValidationError for a destination that is not an LA code and establishment number."""
    school = School.objects.select_related("local_authority").get(pk=pupil.school_id)
    dest_la, dest_estab = _code(dest_la, 3), _code(dest_estab, 4)
    try:
        filename = ctf_filename(
            school.local_authority.code, school.establishment_number, dest_la, dest_estab
        )
    except ValueError:
        raise ValidationError(
            {"dest_la": "Give the destination's 3-digit LA code and 4-digit establishment number."}
        ) from None
    row, sen_since = leaver_row(pupil, year)
    data = write_ctf(
        source_la=school.local_authority.code,
        source_estab=school.establishment_number,
        source_urn=school.urn,
        source_name=school.name,
        dest_la=dest_la,
        dest_estab=dest_estab,
        pupils=[row],
        when=timezone.now(),
    )
    if sen_since is not None:
        data = _with_sen_start(data, sen_since)
    return filename, data
