"""CSV downloads that a spreadsheet opens safely."""

import csv
import io

from django.http import HttpResponse

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text a pupil typed must never run as a spreadsheet formula (CSV injection): such a cell
    is prefixed with an apostrophe, which spreadsheets show as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_response(filename: str, rows) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # A BOM so Excel reads UTF-8 names (Zoë, Łukasz) correctly.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
