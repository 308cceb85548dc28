"""Register insights in the API: a school's report, an LA's schools compared and the nation's
LAs compared. The figures come from the very query functions the pages use
(``insights.queries``), so they are suppressed exactly as the pages suppress them; this module
only writes them out (the schemas are in ``answers``). No pupil-level data: the
underachievement list stays on the school's own page."""

from django.core.exceptions import ValidationError
from ninja import Query, Router

from risingtide.access.core import requires
from risingtide.insights import comparing, queries
from risingtide.insights.api.answers import (
    DIMENSION,
    FIGURES,
    YEAR,
    LaReportOut,
    NationReportOut,
    SchoolReportOut,
)
from risingtide.insights.comparing import Comparing, EntityRow
from risingtide.insights.disclosure import Figure
from risingtide.insights.groups import BY_KEY, DIMENSIONS, Dimension
from risingtide.insights.queries import (
    Breakdown,
    Control,
    GroupRow,
    Line,
    SchoolReport,
    TrendRow,
)
from risingtide.lib.api_errors import ErrorOut, refusals_as_400

router = Router(tags=["Insights"])


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
