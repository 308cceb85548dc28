"""Quality standards seen from above, in the API: the LA's monitoring table of its schools and
the national indicator, through the same functions and guards as the LA's and the nation's
pages (``standards.monitoring``, ``standards.national``)."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from risingtide.access.core import requires
from risingtide.standards import monitoring, national
from risingtide.standards.api.evaluations import LEVELS
from risingtide.standards.framework_models import Level

router = Router(tags=["Quality standards"])


# --- the LA and the nation -------------------------------------------------------------------


class SchoolLineOut(Schema):
    school: int
    name: str
    urn: str
    has_leading_teacher: bool
    overall_level: int | None
    levels: dict[int, int | None] = Field(description="Element number → level in force")
    submitted_at: datetime | None
    last_review: date | None
    plan: int | None
    actions_due: int
    actions_overdue: int
    actions_done: int


class MonitoringOut(Schema):
    local_authority: int
    schools: int
    without_leading_teacher: int
    without_plan: int
    without_judgement: int
    lines: list[SchoolLineOut]


@router.get(
    "/las/{la_id}/standards",
    response=MonitoringOut,
    summary="Every school of an LA: level per element, plan progress, last review; filtered",
    description="The same table, for the same filter, as the LA's standards page.",
)
@requires("standards.monitor", "la_id", api=True)
def la_monitoring(
    request,
    la_id: int,
    element: int | None = Query(
        None,
        ge=monitoring.ELEMENT_NUMBERS[0],
        le=monitoring.ELEMENT_NUMBERS[1],
        description="An element number, with level",
    ),
    level: int | None = Query(
        None,
        ge=monitoring.LEVEL_NUMBERS[0],
        le=monitoring.LEVEL_NUMBERS[1],
        description="0: not judged; " + LEVELS,
    ),
    flag: str = Query("", description=", ".join(monitoring.FLAGS)),
):
    # An unknown flag lists every school, as on the page (and as this operation always has).
    flag = flag if flag in monitoring.FLAGS else ""
    chosen = monitoring.MonitoringFilter(element=element, level=level, flag=flag)
    m = monitoring.la_monitoring(request.user, request.access_target, chosen)
    return {
        "local_authority": m.local_authority.pk,
        "schools": m.total,
        "without_leading_teacher": m.without_leading_teacher,
        "without_plan": m.without_plan,
        "without_judgement": m.without_judgement,
        "lines": [
            {
                "school": line.school.pk,
                "name": line.school.name,
                "urn": line.school.urn,
                "has_leading_teacher": line.has_leading_teacher,
                "overall_level": line.overall,
                "levels": line.levels,
                "submitted_at": line.submitted_at,
                "last_review": line.last_review,
                "plan": line.plan_id,
                "actions_due": line.due,
                "actions_overdue": line.overdue,
                "actions_done": line.done,
            }
            for line in m.lines
        ],
    }


class CountsOut(Schema):
    label: str
    entry: int
    developing: int
    exemplary: int
    not_judged: int
    schools: int


class IndicatorOut(Schema):
    nation: int
    framework: str
    overall: CountsOut
    elements: list[CountsOut]
    by_la: list[CountsOut]
    by_phase: list[CountsOut]
    over_time: list[CountsOut] = Field(description="At the end of each academic year")
    classroom_schools: int = Field(description="Schools with a completed CQS reflection")
    classroom: list[CountsOut] = Field(
        description="Shared, completed CQS reflections at each Layer 2 level, per feature"
    )


def _counts(c: national.LevelCounts) -> dict:
    return {
        "label": c.label,
        "entry": c.counts.get(Level.ENTRY, 0),
        "developing": c.counts.get(Level.DEVELOPING, 0),
        "exemplary": c.counts.get(Level.EXEMPLARY, 0),
        "not_judged": c.counts.get(0, 0),
        "schools": c.total,
    }


@router.get(
    "/nations/{nation_id}/standards-indicator",
    response=IndicatorOut,
    summary="Schools at each IQS level (submitted judgements only): overall, per element, by "
    "LA, by phase, over time",
)
@requires("standards.indicator", "nation_id", api=True)
def indicator(request, nation_id: int):
    i = national.indicator(request.access_target)
    return {
        "nation": i.nation.pk,
        "framework": i.framework.key if i.framework else "",
        "overall": _counts(i.overall),
        "elements": [{**_counts(c), "label": f"{e.number} {e.name}"} for e, c in i.elements],
        "by_la": [_counts(c) for c in i.by_la],
        "by_phase": [_counts(c) for c in i.by_phase],
        "over_time": [_counts(c) for c in i.over_time],
        "classroom_schools": i.classroom_schools,
        "classroom": [_counts(c) for _, c in i.classroom],
    }
