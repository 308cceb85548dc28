"""The map's CSV and XLSX, read back: the header, one row per line (the school's own and the
marketplace's, with its provider), the page's filters, numbers and dates as such in the XLSX,
and text that looks like a formula made harmless in both."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from risingtide.opportunities.map_export import HEADER
from risingtide.opportunities.tests.map_world import YEAR, add, book_service
from risingtide.register.models import year_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(world):
    add(
        world,
        staff_lead_id=world.user("teacher@own").pk,
        cost_pounds=Decimal("7.50"),
        starts_on=date(YEAR, 10, 1),
        ends_on=date(YEAR, 12, 10),
    )
    add(
        world,
        title='=HYPERLINK("http://evil.example")',
        wave=1,
        components=["teaching"],
        subjects=[],
        year_from=9,
        year_to=9,
    )
    add(
        world,
        title="@SUM(A1)",
        wave=3,
        term="summer",
        components=["organisation"],
        subjects=[],
        year_from=10,
        year_to=11,
    )
    book_service(world, title="-Physics masterclass", years=(7, 9))
    return world


def _url(world, name, **query):
    url = reverse(f"opportunities:{name}", args=[world.schools["own"].pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_csv_reads_back(mapped, client_for):
    response = client_for(mapped.user("teacher@own")).get(_url(mapped, "map_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    name = f"provision-map-{mapped.schools['own'].urn}-{year_label(YEAR).replace('/', '-')}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    text = response.content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    by_title = {r[1]: dict(zip(HEADER, r, strict=True)) for r in rows[1:]}
    assert len(by_title) == 4
    maths = by_title["Maths circle"]
    assert maths["From"] == "The school's own"
    assert maths["Wave"] == "Wave 2: small group"
    assert maths["Components"] == "Curriculum entitlement and choice; Beyond the classroom"
    assert maths["Year groups"] == "Years 7 to 8"
    assert (maths["Year from"], maths["Year to"]) == ("7", "8")
    assert maths["Starts"] == f"01/10/{YEAR}"
    assert maths["Staff lead"] == "Teach Own"
    assert maths["Cost (£)"] == "7.50"
    assert maths["Places"] == "12" and maths["Places left"] == "12"
    # Formula-looking text is neutralised with an apostrophe.
    assert '\'=HYPERLINK("http://evil.example")' in by_title
    assert "'@SUM(A1)" in by_title
    market = by_title["'-Physics masterclass"]
    assert market["From"] == "Marketplace"
    assert market["Provider"] == "own provider"
    assert market["Term"] == "Spring term"
    assert market["E-credits a place"] == "20"
    assert market["Places taken"] == "1"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_the_xlsx_reads_back(mapped, client_for):
    response = client_for(mapped.user("leading_teacher@own")).get(_url(mapped, "map_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == f"Provision map {year_label(YEAR).replace('/', '-')}"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    by_title = {r[1]: dict(zip(HEADER, r, strict=True)) for r in rows[1:]}
    maths = by_title["Maths circle"]
    assert maths["Year from"] == 7 and maths["Places"] == 12
    assert maths["Cost (£)"] == 7.5
    assert maths["Starts"].date() == date(YEAR, 10, 1)
    assert by_title["-Physics masterclass"]["Provider"] == "own provider"
    # Text stays text: no formula survives, and formula-looking cells are quote-prefixed.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value[:1] in "=@-+":
                assert cell.quotePrefix
    assert sheet.freeze_panes == "C2"


def test_the_files_follow_the_page_filters(mapped, client_for):
    client = client_for(mapped.user("teacher@own"))
    text = client.get(_url(mapped, "map_csv", source="marketplace")).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r[1] for r in rows[1:]] == ["'-Physics masterclass"]
    book = load_workbook(io.BytesIO(client.get(_url(mapped, "map_xlsx", wave="3")).content))
    assert [r[1] for r in book.active.iter_rows(min_row=2, values_only=True)] == ["@SUM(A1)"]
