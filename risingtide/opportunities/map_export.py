"""The provision map as a spreadsheet (CSV and XLSX), from the page's own lines
(``map_queries.entries``): one row per opportunity or booked service, its year groups both in
words and as two numbers, so a coordinator can sort and filter it, or paste it into the
school's own map. No pupil is named: it is the school's offer, not who took it.

Text that looks like a formula (= + - @) is made harmless: an apostrophe in the CSV
(``lib.csvexport``), and a string cell with a quote prefix in the XLSX."""

import io
import re

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from risingtide.lib.csvexport import csv_response, safe_cell
from risingtide.opportunities.map_queries import SOURCES, Entry, MapFilters
from risingtide.register.models import year_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "From",
    "Title",
    "Kind",
    "Wave",
    "Components",
    "Domain",
    "Subjects",
    "Year groups",
    "Year from",
    "Year to",
    "Term",
    "Starts",
    "Ends",
    "Staff lead",
    "Provider",
    "Places",
    "Places taken",
    "Places left",
    "Cost (£)",
    "E-credits a place",
    "Carer's consent",
    "On pupils' menu",
    "Withdrawn",
]
WIDTHS = [12, 36, 18, 22, 40, 24, 24, 20, 9, 9, 14, 12, 12, 20, 22, 8, 12, 11, 10, 14, 14, 14, 11]
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def rows(found: list[Entry]) -> list[list]:
    """Each line as plain values (text, whole numbers, dates, None) that both formats share."""
    return [
        [
            SOURCES[e.source],
            e.title,
            e.kind_label,
            e.wave_label,
            "; ".join(e.component_labels),
            e.domain_label,
            "; ".join(e.subject_labels),
            e.years,
            e.year_from,
            e.year_to,
            e.term_label,
            e.starts_on,
            e.ends_on,
            e.staff_lead,
            e.provider,
            e.capacity,
            e.places_taken,
            e.places_left,
            e.cost_pounds,
            e.credits_each,
            _yes(e.needs_consent),
            _yes(e.on_menu),
            _yes(e.withdrawn),
        ]
        for e in found
    ]


def filename(school, filters: MapFilters, extension: str) -> str:
    """ASCII (it goes in a header): ``provision-map-900001-2026-27.csv``."""
    year = year_label(filters.academic_year).replace("/", "-")
    return f"provision-map-{school.urn or school.pk}-{year}.{extension}"


def _csv_value(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_download(school, filters: MapFilters, found: list[Entry]) -> HttpResponse:
    return csv_response(
        filename(school, filters, "csv"),
        [HEADER, *([_csv_value(v) for v in row] for row in rows(found))],
    )


def xlsx_bytes(school, filters: MapFilters, found: list[Entry]) -> bytes:
    """One sheet, "Provision map 2026-27": a bold, frozen, filterable header, dates as dates,
    numbers as numbers, marketplace rows shaded so they stand apart."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"Provision map {year_label(filters.academic_year).replace('/', '-')}"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    shade = PatternFill("solid", fgColor="FFF4E0")
    for entry, row in zip(found, rows(found), strict=True):
        sheet.append([_xlsx_value(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text is never a formula
                if safe_cell(cell.value) != cell.value:
                    cell.quotePrefix = True
            elif hasattr(cell.value, "strftime"):
                cell.number_format = "DD/MM/YYYY"
            if entry.marketplace:
                cell.fill = shade
    for n, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{max(sheet.max_row, 1)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value):
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if value is not None and not isinstance(value, int | str) and hasattr(value, "as_tuple"):
        return float(value)  # pounds: a number a spreadsheet sums
    return value


def xlsx_download(school, filters: MapFilters, found: list[Entry]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(school, filters, found), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(school, filters, "xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response
