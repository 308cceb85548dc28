"""The school's provision map in the browser (issue 19): the coordinator opens the map (a
term's clubs, a competition, early entry and two marketplace services already on it), adds an
opportunity (a year range the wrong way round first, refused on its field with nothing
saved), finds it in the year group × wave grid, switches to component × term, and downloads the
map as XLSX and CSV, both read back. Axe-clean and pictured at 1280 and 390 px wide."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.opportunities.models import Opportunity
from risingtide.opportunities.tests.map_world import YEAR, add, book_service
from risingtide.provision.models import Service
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def _a_term_of_provision(world) -> None:
    """What a secondary school's map holds by the spring: its own lines and two bookings."""
    teacher = world.user("teacher@own").pk
    add(
        world,
        title="Challenge tasks in every lesson",
        kind="extension",
        wave=1,
        components=["teaching", "assessment"],
        subjects=[],
        year_from=7,
        year_to=11,
        term="year",
        capacity=None,
        on_menu=False,
    )
    add(world, title="Maths circle", staff_lead_id=teacher)
    add(
        world,
        title="UKMT Junior Maths Challenge",
        kind="competition",
        wave=2,
        components=["beyond"],
        year_from=7,
        year_to=8,
        term="spring",
        capacity=30,
        cost_pounds=Decimal("2.50"),
    )
    add(
        world,
        title="Art portfolio workshop",
        kind="enrichment_day",
        domain="talented",
        subjects=["art"],
        components=["curriculum"],
        year_from=9,
        year_to=11,
        term="autumn",
    )
    add(
        world,
        title="Early entry GCSE Statistics",
        kind="early_entry",
        wave=3,
        components=["curriculum", "assessment"],
        year_from=10,
        year_to=10,
        term="summer",
        capacity=4,
    )
    add(
        world,
        title="School council research group",
        kind="other",
        wave=2,
        components=["organisation"],
        subjects=[],
        domain="both",
        year_from=9,
        year_to=11,
        term="spring",
    )
    book_service(world, title="Physics masterclass", years=(7, 9))
    book_service(
        world, title="One-to-one writing mentor", kind=Service.Kind.MENTORING, years=(7, 11)
    )


def both_widths(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"{name}-1280")
    on_a_phone(page, name)


def test_a_coordinator_maps_the_schools_provision(page: Page, tiny_world):
    w = tiny_world
    _a_term_of_provision(w)
    school = w.schools["own"]
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)

    # The map, as the grid schools know: year groups down, waves across.
    page.goto(f"/schools/{school.pk}/provision-map/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Provision map")
    grid = page.get_by_role("table", name="year group by wave")
    expect(grid.get_by_role("columnheader", name="Wave 3: individual")).to_be_visible()
    year7 = grid.get_by_role("row", name="Year 7")
    expect(year7).to_contain_text("Maths circle")
    expect(year7).to_contain_text("Marketplace · own provider")
    both_widths(page, "provision-map-1-years")

    # Adding an opportunity: the years the wrong way round are refused, nothing saved.
    page.get_by_role("link", name="Add an opportunity").click()
    page.get_by_label("Title", exact=True).fill("Debating society")
    page.get_by_label("Kind").select_option(label="Club")
    page.get_by_label("Description (optional)").fill(
        "Argue a case, listen to the other side, and take on schools across the county."
    )
    page.get_by_label("Wave 2: small group").check()
    page.get_by_label("Gifted (academic)").check()
    page.get_by_label("From year group").select_option(label="Year 11")
    page.get_by_label("To year group").select_option(label="Year 9")
    page.get_by_label("Effective teaching and learning").check()
    page.get_by_label("Beyond the classroom").check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Spring term").check()
    page.get_by_label("Staff lead (optional)").select_option(label="Teach Own")
    page.get_by_label("Places (optional)").fill("16")
    page.get_by_role("button", name="Add it to the map").click()
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("nothing was saved")
    expect(problems).to_contain_text("comes before the first (Year 11)")
    expect(page.get_by_label("To year group")).to_have_attribute("aria-invalid", "true")
    assert not Opportunity.objects.filter(title="Debating society").exists()
    both_widths(page, "provision-map-2-refused")

    page.get_by_label("From year group").select_option(label="Year 9")
    page.get_by_label("To year group").select_option(label="Year 11")
    page.get_by_role("button", name="Add it to the map").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Added “Debating society” to the provision map: Years 9 to 11"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Debating society")
    expect(page.get_by_text("16 left of 16")).to_be_visible()
    both_widths(page, "provision-map-3-opportunity")

    # Back on the map it is in every year it is for, in the small-group column.
    page.get_by_role("link", name="Back to the provision map").click()
    grid = page.get_by_role("table", name="year group by wave")
    for year in ("Year 9", "Year 10", "Year 11"):
        cell = grid.get_by_role("row", name=year).get_by_role("cell").nth(1)
        expect(cell.get_by_role("link", name="Debating society")).to_be_visible()
    expect(grid.get_by_role("row", name="Year 8")).not_to_contain_text("Debating society")

    # The other view: components down, terms across.
    page.get_by_role("link", name="Component × term").click()
    grid = page.get_by_role("table", name="component by term")
    beyond = grid.get_by_role("row", name="Beyond the classroom")
    expect(beyond.get_by_role("cell").nth(1)).to_contain_text("Debating society")
    expect(beyond.get_by_role("cell").nth(1)).to_contain_text("Physics masterclass")
    expect(page.get_by_role("link", name="Component × term")).to_have_attribute(
        "aria-current", "page"
    )
    both_widths(page, "provision-map-4-components")

    # The files: what the page shows, with the marketplace's lines.
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Download for Excel (XLSX)").click()
    sheet = load_workbook(io.BytesIO(xlsx.value.path().read_bytes())).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Debating society" in titles and "Physics masterclass" in titles
    assert len(titles) == 9
    with page.expect_download() as csv_file:
        page.get_by_role("link", name="Download as CSV").click()
    text = csv_file.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    market = [r for r in rows if r[0] == "Marketplace"]
    assert {r[1] for r in market} == {"Physics masterclass", "One-to-one writing mentor"}
    assert f"provision-map-{school.urn}" in csv_file.value.suggested_filename
    assert f"{YEAR}-{(YEAR + 1) % 100:02d}.csv" in csv_file.value.suggested_filename
