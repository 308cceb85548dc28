"""Schools' register insights as PDF reports, and an LA lead's run that makes one for every
school of the LA in the background, then a ZIP of them all.

A report made by a run leaves the school (the LA sends it), so it is always built with no
viewer: every figure, the school's own included, passes disclosure control. A school's own
staff downloading their report from the insights page get their own figures exact, and the
report says which it is.
"""

import logging
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.insights.disclosure import Figure
from risingtide.insights.measures import EQUITY_FRACTION
from risingtide.insights.models import ReportRun, SchoolReportFile, Summary
from risingtide.insights.pdfchart import chart_rows, rate_chart
from risingtide.insights.queries import Control, SchoolReport, school_report
from risingtide.lib.faults import pause_point
from risingtide.lib.pdf import to_pdf
from risingtide.register.models import year_label
from risingtide.schools.models import LocalAuthority, School

logger = logging.getLogger(__name__)

# --- the report's tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One printed table row: a label and the figures as text."""

    label: str
    cells: list[str]
    flagged: bool = False


@dataclass(frozen=True)
class Section:
    """One dimension's rows of a table (a heading row, then its groups)."""

    label: str
    lines: list[Line]


def _subgroup_tables(report: SchoolReport) -> list[Section]:
    """Identification by subgroup, every dimension: the school's figures with its LA's and the
    nation's representation ratios beside them."""
    out = []
    for c in report.comparisons:
        lines = []
        for ours, la, nation in zip(c.school.rows, c.la.rows, c.nation.rows, strict=True):
            figures = (
                ours.cohort,
                ours.register,
                ours.rate,
                ours.share_of_cohort,
                ours.share_of_register,
                ours.ratio,
                la.ratio,
                nation.ratio,
            )
            lines.append(Line(ours.label, [f.shown for f in figures], ours.flagged))
        out.append(Section(c.dimension.label, lines))
    return out


def _progress_tables(report: SchoolReport) -> list[Section]:
    """The school's G&T pupils by subgroup: attainment, progress, the same group's progress
    nationally and the gaps to ASP's three national comparators (same, other, all), withheld
    as ``Comparison.lines`` withholds them."""
    out = []
    for c in report.comparisons:
        lines = []
        for line in c.lines:
            progress = (line.school.gt_progress, line.nation.gt_progress, *line.gaps)
            cells = [line.school.gt_attainment.shown, *(_signed(f) for f in progress)]
            lines.append(Line(line.school.label, cells))
        out.append(Section(c.dimension.label, lines))
    return out


def _signed(f: Figure) -> str:
    """Points of progress or a gap, signed so that below expectation reads as such."""
    if f.suppressed or not isinstance(f.value, float | int):
        return f.shown
    return f"{f.value:+.{f.digits}f}".replace("-", "−")


def _trend_lines(report: SchoolReport) -> list[Line]:
    """Per year: identification rate, the focus group's ratio and G&T progress, each at
    school, LA and nation."""
    return [
        Line(
            t.label,
            [f.shown for f in (*t.rates, *t.ratios)] + [_signed(f) for f in t.progress],
        )
        for t in report.trend
    ]


# --- the PDF ----------------------------------------------------------------------------------


def report_html(report: SchoolReport, *, year: int | None = None) -> str:
    """The page a school's PDF report is made from (autoescaped; the chart through
    format_html). ``year`` labels a report with no figures (a run's year)."""
    label = report.year_label or (year_label(year) if year else "")
    context = {
        "report": report,
        "school": report.school,
        "la": report.local_authority,
        "year_label": label,
        "control": report.control,
        "threshold": Control.suppressed().threshold,
        "fraction": EQUITY_FRACTION,
        "printed": timezone.localdate(),
    }
    if report.has_figures:
        places = [b.name for b in report.headline]
        context.update(
            places=places,
            headline=[
                Line(b.name, [f.shown for f in (b.cohort, b.register, b.rate, *counts)])
                for b, counts in zip(report.headline, report.counts, strict=True)
            ],
            chart=rate_chart(report, places),
            chart_table=[
                Section(dim, [Line(g, [f.shown for f in figures]) for g, figures in groups])
                for dim, groups in chart_rows(report)
            ],
            subgroups=_subgroup_tables(report),
            progress=_progress_tables(report),
            trend=_trend_lines(report),
            focus_label=report.focus_label,
        )
    return render_to_string("insights/report_pdf.html", context)


def report_pdf(report: SchoolReport, *, year: int | None = None) -> bytes:
    """The school's report as an A4 portrait PDF (reads no file and no URL)."""
    return to_pdf(html=report_html(report, year=year))


# --- the LA lead's run ------------------------------------------------------------------------


def start_run(actor, la: LocalAuthority, year: int | None = None) -> ReportRun:
    """Begin making every school's report for ``year`` (default: the LA's latest year with
    figures) in the background. One run at a time per LA."""
    from risingtide.insights.tasks import make_school_reports  # tasks imports this module

    if not can(actor, "insights.generate", la):
        raise PermissionDenied
    years = Summary.objects.filter(level=Summary.Level.LA, local_authority=la)
    if year is None:
        year = years.aggregate(m=Max("year"))["m"]
        if year is None:
            raise ValidationError("No figures yet: there is nothing to report.")
    elif not years.filter(year=year).exists():
        raise ValidationError(f"No figures for {year_label(year)}.")
    with transaction.atomic():
        # The LA's row is the lock two leads starting runs at once queue on.
        LocalAuthority.objects.select_for_update().get(pk=la.pk)
        busy = [ReportRun.State.QUEUED, ReportRun.State.RUNNING]
        for stopped in ReportRun.objects.filter(local_authority=la, state__in=busy):
            if stopped.stalled:  # its worker was killed: clear it away, then start afresh
                _fail(stopped, "The reports stopped part-way: the server making them stopped.")
        if ReportRun.objects.filter(local_authority=la, state__in=busy).exists():
            raise ValidationError("Reports are already being made for this LA: wait for them.")
        run = ReportRun.objects.create(
            local_authority=la,
            year=year,
            requested_by=actor,
            total=School.objects.filter(local_authority=la).count(),
        )
        record(actor, "insights.reports_started", run, year=year, schools=run.total)
        transaction.on_commit(lambda: make_school_reports.enqueue(run.pk))
    return run


def report_name(school: School, year: int) -> str:
    """A report's file name, e.g. ``900001-own-school-2025-26.pdf`` (ASCII)."""
    name = slugify(school.name)[:60] or "school"
    return f"{school.urn}-{name}-{year_label(year).replace('/', '-')}.pdf"


def make_reports(run_id: int) -> str:
    """The run's work (the task calls it): claim the queued run, make each school's PDF in
    name order with progress written after each, then the ZIP. A run already claimed, done or
    failed is left alone, so the task is safe to run twice."""
    claimed = ReportRun.objects.filter(pk=run_id, state=ReportRun.State.QUEUED).update(
        state=ReportRun.State.RUNNING, done=0
    )
    if not claimed:
        return "nothing to do"
    run = ReportRun.objects.select_related("local_authority").get(pk=run_id)
    school = None
    try:
        schools = list(School.objects.filter(local_authority=run.local_authority).order_by("name"))
        ReportRun.objects.filter(pk=run.pk).update(total=len(schools))
        with_figures = set(
            Summary.objects.filter(
                level=Summary.Level.SCHOOL,
                local_authority=run.local_authority,
                year=run.year,
                dimension="all",
            ).values_list("school_id", flat=True)
        )
        with tempfile.TemporaryFile() as out:
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for done, school in enumerate(schools, start=1):
                    if school.pk in with_figures:
                        report = school_report(None, school, run.year)
                    else:  # not an error: the PDF says the school has no figures that year
                        report = SchoolReport(
                            school, run.local_authority, None, [], Control.suppressed()
                        )
                    pdf = report_pdf(report, year=run.year)
                    name = report_name(school, run.year)
                    SchoolReportFile.objects.create(
                        school=school, run=run, year=run.year, pdf=ContentFile(pdf, name=name)
                    )
                    archive.writestr(name, pdf)
                    ReportRun.objects.filter(pk=run.pk).update(done=done)
                    pause_point("reports.one_made")
            school = None
            out.seek(0)
            code = slugify(run.local_authority.code) or "la"
            run.archive.save(
                f"{code}-gt-reports-{year_label(run.year).replace('/', '-')}.zip",
                File(out),
                save=False,
            )
        ReportRun.objects.filter(pk=run.pk).update(
            state=ReportRun.State.DONE,
            archive=run.archive.name,
            done=len(schools),
            total=len(schools),
            finished_at=timezone.now(),
        )
    except Exception:  # a run must never stay running for ever
        logger.exception("report run %s failed (school %s)", run_id, school and school.pk)
        where = f" while making the report for {school.name}" if school else ""
        _fail(run, f"The reports could not be made{where}. Please try again.")
        return "failed"
    return "done"


def _fail(run: ReportRun, message: str) -> None:
    """Mark the run failed and remove what it made: a school sees only a finished run's."""
    for made in SchoolReportFile.objects.filter(run=run):
        made.pdf.delete(save=False)
        made.delete()
    if run.archive:
        run.archive.delete(save=False)
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.FAILED, message=message, archive="", finished_at=timezone.now()
    )


def latest_report_file(school: School) -> SchoolReportFile | None:
    """The school's newest report from a finished run (or one whose run has been deleted)."""
    return (
        SchoolReportFile.objects.filter(school=school)
        .filter(Q(run__isnull=True) | Q(run__state=ReportRun.State.DONE))
        .order_by("-created_at", "-pk")
        .first()
    )
