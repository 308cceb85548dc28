"""Register insights in the API: a school's report, an LA's schools compared, the nation's LAs
compared, and the LA lead's run of PDF reports. The figures come from the very query functions
the pages use (``insights.queries``), so they are suppressed exactly as the pages suppress them;
this module only writes them out. No pupil-level data: the underachievement list stays on the
school's own page.

Every published figure is a ``Figure``: ``{"value": 12, "shown": "12"}``, ``{"value": 18,
"shown": "18%"}``, or, when suppressed, ``{"value": null, "shown": "c"}``. Only ``value`` and
``shown`` ever leave a figure: the exact count behind a rounded or suppressed one does not.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.api.errors import ErrorOut, refusals_as_400
from risingtide.insights import comparing, exports, queries, reports
from risingtide.insights.comparing import Comparing, EntityRow
from risingtide.insights.disclosure import Figure
from risingtide.insights.groups import BY_KEY, DIMENSIONS, Dimension
from risingtide.insights.models import ReportRun
from risingtide.insights.queries import (
    Breakdown,
    Control,
    GroupRow,
    Line,
    SchoolReport,
    TrendRow,
)
from risingtide.lib.uploads import serve
from risingtide.register.models import year_label

router = Router(tags=["Insights"])

FIGURES = (
    'Every figure is {"value": number | null, "shown": text}: "shown" is the figure as the '
    'pages print it ("12", "18%", "0.75"); a figure withheld by disclosure control is '
    '{"value": null, "shown": "c"}, and its value appears nowhere else in the answer.'
)
YEAR = "An academic year by its first calendar year (2025 is 2025/26); default, or a year "
YEAR += "without figures: the latest with figures (the answer's `year` says which)"
DIMENSION = "The dimension whose focus group the trend follows (and, for an LA or the nation, "
DIMENSION += "the one compared): one of " + ", ".join(d.key for d in DIMENSIONS if d.column)


# --- answers ---------------------------------------------------------------------------------


class FigureOut(Schema):
    value: int | float | None = Field(description="The figure, or null when suppressed")
    shown: str = Field(description='As printed: "12", "18%", "0.75", or "c" when suppressed')


class YearOut(Schema):
    year: int
    label: str


class PlaceOut(Schema):
    id: int
    name: str
    code: str = Field(description="A school's URN, an LA's code; empty for a nation")


class DimensionOut(Schema):
    key: str
    label: str
    focus: str | None = Field(description="The subgroup the reports watch, e.g. FSM pupils")
    focus_label: str


class HeadlineOut(Schema):
    name: str
    pupils: FigureOut
    on_register: FigureOut
    rate: FigureOut
    gifted: FigureOut
    talented: FigureOut
    top_5: FigureOut
    gt_progress: FigureOut = Field(description="G&T pupils' mean progress, in points")


class HeadlinesOut(Schema):
    school: HeadlineOut
    la: HeadlineOut
    nation: HeadlineOut


class GroupOut(Schema):
    subgroup: str
    label: str
    cohort: FigureOut = Field(description="The group's pupils")
    on_register: FigureOut = Field(description="The group's pupils on the register")
    rate: FigureOut = Field(description="Share of the group's pupils on the register")
    share_of_cohort: FigureOut
    share_of_register: FigureOut
    ratio: FigureOut = Field(description="Representation: share of register ÷ share of cohort")
    flagged: bool = Field(description="Under-represented (a ratio below 0.8), when shown")
    gt_progress: FigureOut


class SchoolGroupOut(GroupOut):
    gt_attainment: FigureOut


class GapsOut(Schema):
    same: FigureOut = Field(description="To the same group's G&T pupils nationally")
    other: FigureOut = Field(description="To the other groups' G&T pupils nationally")
    all: FigureOut = Field(description="To all G&T pupils nationally")


class SubgroupOut(Schema):
    subgroup: str
    label: str
    school: SchoolGroupOut
    la: SchoolGroupOut
    nation: SchoolGroupOut
    gaps: GapsOut = Field(description="The school's G&T progress minus the national comparator")


class ComparisonOut(Schema):
    dimension: DimensionOut
    subgroups: list[SubgroupOut]


class PlacesFiguresOut(Schema):
    school: FigureOut
    la: FigureOut
    nation: FigureOut


class SchoolTrendOut(Schema):
    year: int
    label: str
    rate: PlacesFiguresOut
    ratio: PlacesFiguresOut = Field(description="Of the trend dimension's focus group")
    gt_progress: PlacesFiguresOut


class SchoolReportOut(Schema):
    school: PlaceOut
    local_authority: PlaceOut
    nation: PlaceOut
    year: int | None = Field(description="The year shown; null when there are no figures yet")
    year_label: str
    years: list[YearOut] = Field(description="Every year with figures, newest first")
    exact: bool = Field(
        description="The school's own figures exact (its own staff), not suppressed"
    )
    threshold: int = Field(description="Counts below this are suppressed where not exact")
    rounding: int | None = Field(description="Shown counts rounded to this, where not exact")
    headline: HeadlinesOut | None
    dimensions: list[ComparisonOut]
    trend_dimension: DimensionOut
    trend: list[SchoolTrendOut]
    prompts: list[str]


class EntityOut(Schema):
    id: int | None = Field(description="The school's or LA's id; null for the area's total")
    name: str
    code: str
    pupils: FigureOut
    on_register: FigureOut
    rate: FigureOut
    groups: list[GroupOut]
    gt_progress: FigureOut
    stands_out: list[str] = Field(description="Why it stands out from the area, in words")


class AreaTrendOut(Schema):
    year: int
    label: str
    rate: FigureOut
    ratio: FigureOut = Field(description="Of the dimension's focus group")
    gt_progress: FigureOut


class SubgroupKeyOut(Schema):
    subgroup: str
    label: str


class AreaReportOut(Schema):
    year: int | None = Field(description="The year shown; null when there are no figures yet")
    year_label: str
    years: list[YearOut] = Field(description="Every year with figures, newest first")
    threshold: int = Field(description="Counts below this are suppressed")
    rounding: int | None = Field(description="Shown counts rounded to this, if set")
    dimension: DimensionOut
    subgroups: list[SubgroupKeyOut] = Field(description="The columns of each row's `groups`")
    total: EntityOut | None = Field(description="The whole area, as its own figures")
    trend: list[AreaTrendOut] = Field(description="The area over the years up to `year`")


class LaReportOut(AreaReportOut):
    local_authority: PlaceOut
    schools: list[EntityOut]


class NationReportOut(AreaReportOut):
    nation: PlaceOut
    local_authorities: list[EntityOut]


class RunOut(Schema):
    id: int
    year: int
    year_label: str
    state: str = Field(description="queued, running, done or failed")
    state_label: str
    done: int = Field(description="Schools' reports made so far")
    total: int
    percent: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    download: str | None = Field(description="The ZIP, once done (GET it with the same token)")


# --- writing figures out ---------------------------------------------------------------------


def _figure(f: Figure) -> dict:
    # Only these two: a Figure's ``raw`` is the exact count behind it.
    return {"value": f.value, "shown": f.shown}


def _years(available: list) -> list[dict]:
    return [{"year": y, "label": label} for y, label in available]


def _dimension(dim: Dimension) -> dict:
    focus = dim.focus or next(iter(dim.groups))
    return {
        "key": dim.key,
        "label": dim.label,
        "focus": dim.focus,
        "focus_label": dim.label_of(focus),
    }


def _disclosure() -> dict:
    outside = Control.suppressed()
    return {"threshold": outside.threshold, "rounding": outside.rounding}


def _group(row: GroupRow) -> dict:
    return {
        "subgroup": row.subgroup,
        "label": row.label,
        "flagged": row.flagged,
        "on_register": _figure(row.register),
        **{
            name: _figure(getattr(row, name))
            for name in (
                "cohort",
                "rate",
                "share_of_cohort",
                "share_of_register",
                "ratio",
                "gt_progress",
            )
        },
    }


def _school_group(row: GroupRow) -> dict:
    # Not the number of G&T pupils with both scores (``gt_scored``) behind the means: it is
    # not part of the suppressed table, so beside a shown total it would give a hidden cell
    # away (15 on the register, 12 not-FSM G&T with scores: 3 FSM).
    return {**_group(row), "gt_attainment": _figure(row.gt_attainment)}


def _headline(b: Breakdown, counts: list[Figure]) -> dict:
    gifted, talented, top_5 = counts
    return {
        "name": b.name,
        "pupils": _figure(b.cohort),
        "on_register": _figure(b.register),
        "rate": _figure(b.rate),
        "gifted": _figure(gifted),
        "talented": _figure(talented),
        "top_5": _figure(top_5),
        "gt_progress": _figure(b.rows[0].gt_progress if b.rows else queries.DASH),
    }


def _gaps(line: Line) -> dict:
    return dict(zip(("same", "other", "all"), map(_figure, line.gaps), strict=True))


def _school_trend(row: TrendRow) -> dict:
    places = ("school", "la", "nation")
    return {
        "year": row.year,
        "label": row.label,
        "rate": dict(zip(places, map(_figure, row.rates), strict=True)),
        "ratio": dict(zip(places, map(_figure, row.ratios), strict=True)),
        "gt_progress": dict(zip(places, map(_figure, row.progress), strict=True)),
    }


def _school_report(report: SchoolReport, trend: str) -> dict:
    la, school = report.local_authority, report.school
    answer = {
        "school": {"id": school.pk, "name": school.name, "code": school.urn},
        "local_authority": {"id": la.pk, "name": la.name, "code": la.code},
        "nation": {"id": la.nation_id, "name": la.nation.name, "code": ""},
        "year": report.year,
        "year_label": report.year_label,
        "years": _years(report.available),
        "exact": report.control.exact,
        **_disclosure(),
        "headline": None,
        "dimensions": [],
        "trend_dimension": _dimension(report.trend_dimension or BY_KEY[trend]),
        "trend": [_school_trend(t) for t in report.trend],
        "prompts": report.prompts,
    }
    if not report.has_figures:
        return answer
    answer["headline"] = dict(
        zip(("school", "la", "nation"), map(_headline, report.headline, report.counts), strict=True)
    )
    answer["dimensions"] = [
        {
            "dimension": _dimension(c.dimension),
            "subgroups": [
                {
                    "subgroup": line.school.subgroup,
                    "label": line.school.label,
                    "school": _school_group(line.school),
                    "la": _school_group(line.la),
                    "nation": _school_group(line.nation),
                    "gaps": _gaps(line),
                }
                for line in c.lines
            ],
        }
        for c in report.comparisons
    ]
    return answer


def _entity(row: EntityRow, total: bool = False) -> dict:
    return {
        "id": None if total else row.pk,
        "name": row.name,
        "code": row.code,
        "pupils": _figure(row.cohort),
        "on_register": _figure(row.register),
        "rate": _figure(row.rate),
        "groups": [_group(g) for g in row.groups],
        "gt_progress": _figure(row.gt_progress),
        "stands_out": row.outlier,
    }


def _area_report(report: Comparing) -> dict:
    return {
        "year": report.year,
        "year_label": report.year_label,
        "years": _years(report.available),
        **_disclosure(),
        "dimension": _dimension(report.dimension),
        "subgroups": [
            {"subgroup": s, "label": report.dimension.label_of(s)} for s in report.subgroups
        ],
        "rows": [_entity(r) for r in report.rows],
        "total": _entity(report.total, total=True) if report.total else None,
        "trend": [
            {
                "year": t.year,
                "label": t.label,
                "rate": _figure(t.rates[0]),
                "ratio": _figure(t.ratios[0]),
                "gt_progress": _figure(t.progress[0]),
            }
            for t in report.trend
        ],
    }


def _dimension_key(key: str | None) -> str | None:
    """The dimension asked for, refused when unknown (the pages fall back; the API says so)."""
    if key is None or key == "":
        return None
    if key not in {d.key for d in DIMENSIONS if d.column}:
        raise ValidationError({"dimension": f"Unknown dimension {key[:30]!r}."})
    return key


# --- reads -----------------------------------------------------------------------------------


@router.get(
    "/insights/schools/{school_id}",
    response={200: SchoolReportOut, 400: ErrorOut},
    summary="A school's register insights: the school against its LA and the nation",
    description="The school's own staff get its figures exact (`exact`: true); anyone else, "
    "and every LA and national figure, under disclosure control. Every dimension's subgroups "
    "are given; `dimension` chooses the group the trend follows. " + FIGURES,
)
@requires("insights.view", "school_id", api=True)
@refusals_as_400
def school_insights(
    request,
    school_id: int,
    year: int | None = Query(None, description=YEAR),
    dimension: str | None = Query(None, description=DIMENSION),
):
    trend = _dimension_key(dimension) or queries.DEFAULT_DIMENSION
    return _school_report(
        queries.school_report(request.user, request.access_target, year, trend), trend
    )


@router.get(
    "/insights/las/{la_id}",
    response={200: LaReportOut, 400: ErrorOut},
    summary="An LA's schools compared for one dimension, with the LA's total and trend",
    description="Always under disclosure control. " + FIGURES,
)
@requires("insights.la", "la_id", api=True)
@refusals_as_400
def la_insights(
    request,
    la_id: int,
    year: int | None = Query(None, description=YEAR),
    dimension: str | None = Query(None, description=DIMENSION),
):
    la = request.access_target
    answer = _area_report(comparing.la_report(la, year, _dimension_key(dimension)))
    answer["schools"] = answer.pop("rows")
    answer["local_authority"] = {"id": la.pk, "name": la.name, "code": la.code}
    return answer


@router.get(
    "/insights/nations/{nation_id}",
    response={200: NationReportOut, 400: ErrorOut},
    summary="A nation's LAs compared for one dimension, with the national total and trend",
    description="Always under disclosure control. " + FIGURES,
)
@requires("insights.nation", "nation_id", api=True)
@refusals_as_400
def nation_insights(
    request,
    nation_id: int,
    year: int | None = Query(None, description=YEAR),
    dimension: str | None = Query(None, description=DIMENSION),
):
    nation = request.access_target
    answer = _area_report(comparing.nation_report(nation, year, _dimension_key(dimension)))
    answer["local_authorities"] = answer.pop("rows")
    answer["nation"] = {"id": nation.pk, "name": nation.name, "code": ""}
    return answer


# --- the LA lead's run of PDF reports --------------------------------------------------------


def _run(request, run: ReportRun) -> dict:
    done = run.state == ReportRun.State.DONE and bool(run.archive)
    download = (
        request.build_absolute_uri(
            reverse("api-1:insights_run_zip", args=[run.local_authority_id, run.pk])
        )
        if done
        else None
    )
    return {
        "id": run.pk,
        "year": run.year,
        "year_label": year_label(run.year),
        "state": run.state,
        "state_label": run.get_state_display(),
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "message": run.message,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "download": download,
    }


@router.post(
    "/insights/las/{la_id}/reports",
    response={202: RunOut, 400: ErrorOut},
    summary="Start making every school's PDF report for the LA, in the background",
    description="Optional query `?year=2025` (default: the LA's latest year with figures). "
    "Refused (400) while a run is going, or when there are no figures for the year. Poll the "
    "run's state at /insights/las/{la_id}/reports/{run_id}.",
)
@requires("insights.generate", "la_id", api=True)
@refusals_as_400
def start_reports(request, la_id: int, year: int | None = Query(None, description=YEAR)):
    # The year is a query parameter and there is no body: a form POST (which Django's CSRF
    # check reads first) is then answered like any other, not with a server error.
    run = reports.start_run(request.user, request.access_target, year)
    return Status(202, _run(request, run))


@router.get(
    "/insights/las/{la_id}/reports/{int:run_id}",
    response=RunOut,
    summary="A run of PDF reports: its state and progress, and its ZIP once done",
)
@requires("insights.generate", "la_id", api=True)
def report_run(request, la_id: int, run_id: int):
    # Looked up within the LA the guard let through: another LA's run is not found.
    return _run(
        request, get_object_or_404(ReportRun, local_authority=request.access_target, pk=run_id)
    )


@router.get(
    "/insights/las/{la_id}/reports/{int:run_id}/zip",
    url_name="insights_run_zip",
    response={200: None},
    summary="A finished run's ZIP of every school's PDF report (application/zip)",
)
@requires("insights.generate", "la_id", api=True)
def report_run_zip(request, la_id: int, run_id: int):
    run = get_object_or_404(
        ReportRun, local_authority=request.access_target, pk=run_id, state=ReportRun.State.DONE
    )
    if not run.archive:
        raise Http404("The reports are not ready yet.")
    return serve(run.archive.open("rb"), "application/zip", run.archive.name.rsplit("/", 1)[-1])


@router.get(
    "/insights/schools/{school_id}/pdf",
    response={200: None, 400: ErrorOut},
    summary="A school's report as PDF (application/pdf), figures as in the JSON answer",
)
@requires("insights.view", "school_id", api=True)
@refusals_as_400
def school_report_pdf(request, school_id: int, year: int | None = Query(None, description=YEAR)):
    school = request.access_target
    report = queries.school_report(request.user, school, year)
    response = HttpResponse(reports.report_pdf(report), content_type="application/pdf")
    name = exports.filename(school.urn, report, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
