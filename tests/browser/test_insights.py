"""Register insights in the browser: an LA lead reads the LA report, drills into a school
(small numbers suppressed), makes every school's PDF report with a progress bar and downloads
the ZIP, whose PDFs hold the schools' figures; a teacher sees their own school's report, exact,
and not another school's."""

import io
import zipfile

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from risingtide.demo.testing import TinyWorld
from risingtide.insights import rollup
from risingtide.insights.models import ReportRun
from risingtide.insights.tasks import make_school_reports
from risingtide.insights.tests.factories import census
from risingtide.register.models import academic_year
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser
YEAR = academic_year()


def test_insights_journey(page: Page, tiny_world):
    w = tiny_world
    own, peer, other = (w.schools[k] for k in ("own", "peer", "other"))
    for year in range(YEAR - 2, YEAR + 1):
        census(own, year, 120, fsm=30, fsm_register=3, register=20)
        census(peer, year, 80, fsm=10, fsm_register=0, register=8, start=1000)
        census(other, year, 150, fsm=40, fsm_register=10, register=10, start=2000)
    rollup.rebuild_all()

    # The LA lead opens the LA report: schools compared, a chart with its table beside it.
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.get_by_role("link", name="LA insights").click()
    expect(page.get_by_role("heading", name="Register insights Own LA")).to_be_visible()
    schools = page.get_by_role("table", name="Each school’s register by free school meals")
    expect(schools.get_by_role("row", name="Own School")).to_contain_text("120")
    expect(page.locator("canvas[role=img]").first).to_be_visible()  # drawn from its table
    # Every chart's value axis reaches zero: a trend cut short exaggerates a change.
    ranges = page.evaluate(
        """() => [...document.querySelectorAll("canvas")].map((c) => Chart.getChart(c))
            .filter(Boolean).map((chart) => {
              const axis = chart.scales[chart.options.indexAxis === "y" ? "x" : "y"];
              return [axis.min, axis.max];
            })"""
    )
    assert ranges and all(low <= 0 <= high for low, high in ranges), ranges
    screenshot(page, "insights-la-report")
    assert_accessible(page)
    on_a_phone(page, "insights-la-report")

    # Drill into a school: its 3 FSM pupils on the register show as "c" outside the school.
    schools.get_by_role("link", name="Own School").click()
    expect(page.get_by_role("heading", name="Register insights Own School")).to_be_visible()
    fsm = page.get_by_role("table", name="Free school meals: identification at Own School")
    expect(fsm.get_by_role("row", name="FSM", exact=False).first).to_contain_text("c")
    expect(page.get_by_text("Disclosure control:")).to_be_visible()
    expect(page.get_by_text("Why so many “c”s?")).to_be_visible()  # said in plain words
    screenshot(page, "insights-school-report-la-view")
    assert_accessible(page)
    on_a_phone(page, "insights-school-report-la-view")

    # Back at the LA: make every school's report; the page shows a progress bar.
    page.go_back()
    page.get_by_role("button", name="Make every school’s report").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_text("0 of 2 schools", exact=True)).to_be_visible()
    assert_accessible(page)
    run = ReportRun.objects.get(local_authority=w.las["own"])
    assert make_school_reports.call(run.pk) == "done"  # the worker's part
    link = page.get_by_role("link", name="Download all 2 reports (ZIP)")
    expect(link).to_be_visible()  # the page polled until the run finished
    with page.expect_download() as download:
        link.click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    names = sorted(archive.namelist())
    assert len(names) == 2 and names[0].startswith(own.urn)
    text = " ".join(
        page_.extract_text() for page_ in PdfReader(io.BytesIO(archive.read(names[0]))).pages
    )
    assert "Own School" in text and "120" in text and "23" in text  # pupils, on the register
    sign_out(page)

    # A teacher at the school: the report from their home page, exact, and the LA's PDF.
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    expect(page.get_by_role("link", name="the LA’s PDF report", exact=False)).to_be_visible()
    page.get_by_role("link", name="Own School: figures and report").click()
    fsm = page.get_by_role("table", name="Free school meals: identification at Own School")
    expect(fsm.get_by_role("row").nth(1)).to_contain_text("30")
    expect(fsm.get_by_role("row").nth(1).locator("td").nth(1)).to_have_text("3")
    expect(page.get_by_text("These are your school’s own figures, exact.")).to_be_visible()
    screenshot(page, "insights-school-report-own")
    assert_accessible(page)
    on_a_phone(page, "insights-school-report-own")
    # Another school's report is not theirs to see.
    response = page.goto(f"/insights/schools/{other.pk}/")
    assert response.status == 404
