"""Schools' PDF reports and the LA lead's run that makes them all: what the PDF says (and
withholds), one PDF per school and a ZIP of them, progress, idempotence, who may start a run."""

import io
import logging
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from lxml import etree

from risingtide.audit.models import AuditEvent
from risingtide.insights import pdfchart, reports, rollup
from risingtide.insights.models import CensusRecord, ReportRun, SchoolReportFile, Summary
from risingtide.insights.queries import school_report
from risingtide.insights.tasks import make_school_reports

pytestmark = pytest.mark.django_db

YEAR = 2025  # 2025/26


def _pupils(school, year: int, n: int, *, fsm: bool, register: int, first: int) -> list:
    """``n`` pupils of ``school``, the first ``register`` of them on the register (gifted,
    then talented), alternately girls and boys, with both scores."""
    out = []
    for i in range(n):
        on = i < register
        prior = 900 + (i * 37) % 500
        attainment = prior + (60 if on else 0) - (40 if fsm else 0)
        out.append(
            CensusRecord(
                school=school,
                year=year,
                upn=f"A{first + i:012d}",
                nc_year="7",
                gender="FM"[i % 2],
                fsm=fsm,
                ever_6=fsm,
                eal=False,
                sen="N",
                ethnic_group="White",
                looked_after=False,
                on_register=on,
                gifted=on and i % 2 == 0,
                talented=on and i % 2 == 1,
                top_5=on and i < 2,
                prior_x10=prior,
                attainment_x10=attainment,
                band=sum(prior >= edge * 10 for edge in (75, 85, 95, 105, 115, 125, 135)),
            )
        )
    return out


@pytest.fixture
def figures(world):
    """ "Own School": 60 pupils, 14 on the register (23%); only 4 FSM pupils, 3 of them on the
    register, too few to publish (their ratio, 3.21, and rate, 75%, must never appear).
    "Other School" (the other LA): 50 pupils, 20 FSM. "Peer School" has no figures."""
    CensusRecord.objects.all().delete()
    own, other = world.schools["own"], world.schools["other"]
    records = []
    for year in (YEAR - 1, YEAR):
        base = (year - YEAR + 1) * 1000
        records += _pupils(own, year, 4, fsm=True, register=3, first=base)
        records += _pupils(own, year, 56, fsm=False, register=11, first=base + 100)
        records += _pupils(other, year, 20, fsm=True, register=6, first=base + 200)
        records += _pupils(other, year, 30, fsm=False, register=8, first=base + 300)
    CensusRecord.objects.bulk_create(records)
    rollup.rebuild_all()
    return world


def _text(pdf: bytes) -> str:
    """The PDF's text, from the real bytes, with runs of white space made one space."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text (test extras)")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _row(html: str, table: str, label: str) -> list[str]:
    """The cells of the row headed ``label`` in the table captioned ``table``."""
    caption = html.index(f"<caption>{table}</caption>")
    end = html.index("</table>", caption)
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html[caption:end])
    assert row, f"no row {label!r} in {table!r}"
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


# --- the PDF ----------------------------------------------------------------------------------


def test_the_pdf_names_the_school_gives_its_figures_and_prompts_action(figures):
    report = school_report(None, figures.schools["own"], YEAR)
    pdf = reports.report_pdf(report)

    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "G&T register report: Own School 2025/26" in text
    assert "Own School 60 14 23% 8 6 c" in text  # pupils, register, rate, gifted, talented, top 5%
    assert "23% of pupils are on the register, well above the 5–10%" in text
    assert "figures about fewer than 6 pupils show as c" in text
    assert "Own LA" in text and "Testland" in text
    for heading in (
        "Prompts for action",
        "Identification rate by group",
        "Who is on the register, by group",
        "G&T pupils’ attainment and progress",
        "Over the years",
        "How these figures are made",
    ):
        assert heading in text
    assert "2024/25" in text  # the trend's earlier year
    assert "Underachievement" in text and "not in this report" in text


def test_a_small_figure_shows_as_c_and_its_value_appears_nowhere(figures):
    report = school_report(None, figures.schools["own"], YEAR)
    html = reports.report_html(report)

    for table in ("Free school meals", "Ever-6 FSM"):
        label = "FSM" if table == "Free school meals" else "Ever-6 FSM"
        assert _row(html, table, label) == ["c"] * 6 + ["c", "1.47"]  # LA: c; nation shown
    text = _text(reports.report_pdf(report))
    assert " c " in text
    assert "3.21" not in text and "75%" not in text  # FSM pupils' ratio and rate


def test_the_schools_own_staff_get_exact_figures_and_the_report_says_so(figures):
    report = school_report(figures.users["teacher@own"], figures.schools["own"], YEAR)
    html = reports.report_html(report)

    assert "Exact figures: for the school’s own staff" in html
    assert _row(html, "Free school meals", "FSM")[:6] == ["4", "3", "75%", "7%", "21%", "3.21"]
    assert "Figures under disclosure control" in reports.report_html(
        school_report(None, figures.schools["own"], YEAR)
    )


def test_the_chart_draws_a_withheld_rate_as_a_gap_labelled_c(figures):
    report = school_report(None, figures.schools["own"], YEAR)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    chart = pdfchart.rate_chart(report, ["Own School", "Own LA", "Testland"])
    svg = etree.fromstring(str(chart).encode(), parser=parser)
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = svg.findall("s:rect", ns)  # the legend's keys are inside a <g>
    labels = [t.text for t in svg.iterfind("s:text", ns)]
    shown = [
        f
        for c in report.comparisons
        if c.dimension.key in pdfchart.CHART_DIMENSIONS
        for rows in zip(c.school.rows, c.la.rows, c.nation.rows, strict=True)
        for f in (r.rate for r in rows)
    ]
    assert len(bars) == sum(not f.suppressed for f in shown)
    assert labels.count("c") == sum(f.suppressed for f in shown) > 0
    assert svg.get("role") == "img" and svg.find("s:title", ns).text.startswith("Identification")


def test_every_text_in_the_report_is_escaped(figures):
    school = figures.schools["own"]
    school.name = '<script>alert("x")</script>'
    school.save()
    report = school_report(None, school, YEAR)
    html = reports.report_html(report)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # the SVG's title too
    assert html.count("&lt;script&gt;") >= 4


def test_making_the_page_reads_nothing_more(figures, django_assert_num_queries):
    report = school_report(None, figures.schools["own"], YEAR)
    with django_assert_num_queries(0):
        reports.report_html(report)


# --- the run ----------------------------------------------------------------------------------


def _zip(run: ReportRun) -> zipfile.ZipFile:
    with run.archive.open("rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def _tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="make_school_reports").count()


def test_a_run_makes_one_pdf_per_school_and_a_zip_of_exactly_those(
    figures, monkeypatch, django_capture_on_commit_callbacks
):
    lead, la = figures.users["la_lead@own"], figures.las["own"]
    with django_capture_on_commit_callbacks(execute=True):
        run = reports.start_run(lead, la)
    assert (run.state, run.year, run.total, run.done) == ("queued", YEAR, 2, 0)
    assert _tasks() == 1  # enqueued once, on commit
    assert AuditEvent.objects.filter(action="insights.reports_started").count() == 1

    progress = []
    real = reports.report_pdf

    def watched(report, **kwargs):
        progress.append(ReportRun.objects.get(pk=run.pk).done)
        return real(report, **kwargs)

    monkeypatch.setattr(reports, "report_pdf", watched)
    assert make_school_reports.call(run.pk) == "done"

    run.refresh_from_db()
    assert (run.state, run.done, run.total, run.percent) == ("done", 2, 2, 100)
    assert progress == [0, 1]  # written after each school
    assert run.finished_at is not None
    assert run.archive.name.endswith("101-gt-reports-2025-26.zip")
    files = list(SchoolReportFile.objects.filter(run=run).order_by("school__name"))
    assert [(f.school.name, f.year) for f in files] == [("Own School", YEAR), ("Peer School", YEAR)]
    names = ["900001-own-school-2025-26.pdf", "900002-peer-school-2025-26.pdf"]
    archive = _zip(run)
    assert archive.namelist() == names
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
    for made, name in zip(files, names, strict=True):
        assert made.pdf.name.rsplit("/", 1)[-1].startswith(name[:-4])
        with made.pdf.open("rb") as stored:
            assert archive.read(name) == stored.read()
    own, peer = (_text(archive.read(n)) for n in names)
    assert "Own School 60 14 23%" in own and "3.21" not in own  # suppressed: it leaves
    assert "No figures for 2025/26" in peer  # not an error
    assert reports.latest_report_file(figures.schools["own"]) == files[0]
    assert reports.latest_report_file(figures.schools["other"]) is None


def test_a_run_done_or_claimed_is_not_made_again(figures):
    run = reports.start_run(figures.users["la_lead@own"], figures.las["own"])
    assert reports.make_reports(run.pk) == "done"
    archive = ReportRun.objects.get(pk=run.pk).archive.name
    assert reports.make_reports(run.pk) == "nothing to do"
    assert make_school_reports.call(run.pk) == "nothing to do"
    assert SchoolReportFile.objects.filter(run=run).count() == 2
    assert ReportRun.objects.get(pk=run.pk).archive.name == archive


def test_only_the_las_own_lead_may_start_a_run(figures):
    la = figures.las["own"]
    for who in ("teacher@own", "head@own", "la_lead@other", "national_officer@nation"):
        with pytest.raises(PermissionDenied):
            reports.start_run(figures.users[who], la)
    assert not ReportRun.objects.exists()


def test_a_second_run_is_refused_while_one_is_under_way(figures):
    lead, la = figures.users["la_lead@own"], figures.las["own"]
    first = reports.start_run(lead, la)
    with pytest.raises(ValidationError, match="already being made"):
        reports.start_run(lead, la)
    ReportRun.objects.filter(pk=first.pk).update(state="running")
    with pytest.raises(ValidationError, match="already being made"):
        reports.start_run(lead, la)
    assert ReportRun.objects.count() == 1
    # Another LA's run is its own; and once the first is over, another may start.
    assert reports.start_run(figures.users["la_lead@other"], figures.las["other"])
    ReportRun.objects.filter(pk=first.pk).update(state="done")
    assert reports.start_run(lead, la, YEAR - 1).year == YEAR - 1


def test_a_run_needs_figures(figures):
    lead, la = figures.users["la_lead@own"], figures.las["own"]
    with pytest.raises(ValidationError, match="No figures for 2019/20"):
        reports.start_run(lead, la, 2019)
    Summary.objects.all().delete()
    with pytest.raises(ValidationError, match="No figures yet"):
        reports.start_run(lead, la)
    assert not ReportRun.objects.exists()


def test_a_failure_marks_the_run_failed_and_keeps_nothing_half_made(figures, monkeypatch, caplog):
    run = reports.start_run(figures.users["la_lead@own"], figures.las["own"])
    real = reports.report_pdf

    def breaks_on_peer(report, **kwargs):
        if report.school.name == "Peer School":
            raise RuntimeError("pango fell over")
        return real(report, **kwargs)

    monkeypatch.setattr(reports, "report_pdf", breaks_on_peer)
    with caplog.at_level(logging.ERROR, logger="risingtide.insights.reports"):
        assert make_school_reports.call(run.pk) == "failed"

    run.refresh_from_db()
    assert run.state == "failed" and run.finished_at is not None
    assert "Peer School" in run.message and "pango" not in run.message
    assert not run.archive
    assert not SchoolReportFile.objects.filter(run=run).exists()
    assert "pango fell over" in caplog.text
    assert reports.latest_report_file(figures.schools["own"]) is None
    assert reports.make_reports(run.pk) == "nothing to do"  # failed stays failed


# --- the progress fragment --------------------------------------------------------------------


def test_the_progress_fragment_polls_while_running_then_offers_the_zip(figures):
    la = figures.las["own"]
    run = ReportRun.objects.create(local_authority=la, year=YEAR, state="running", done=1, total=2)
    poll = reverse("insights:insights_run", kwargs={"pk": la.pk, "run_id": run.pk})

    html = render_to_string("insights/_run_progress.html", {"la": la, "run": run})
    assert f'hx-get="{poll}"' in html and 'hx-trigger="every 1s"' in html
    assert "1 of 2 schools" in html and 'aria-live="polite"' in html
    assert '<progress id="run-bar-' in html and 'value="50"' in html

    run.state = "done"
    html = render_to_string("insights/_run_progress.html", {"la": la, "run": run})
    assert "hx-get" not in html
    assert reverse("insights:insights_run_zip", kwargs={"pk": la.pk, "run_id": run.pk}) in html
    assert "Download all 2 reports (ZIP)" in html

    run.state, run.message = "failed", "The reports could not be made <b>here</b>."
    html = render_to_string("insights/_run_progress.html", {"la": la, "run": run})
    assert "hx-get" not in html and 'role="alert"' in html
    assert "could not be made &lt;b&gt;here&lt;/b&gt;." in html
