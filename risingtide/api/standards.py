"""Quality standards in the API: frameworks, a school's self-evaluations (judgements), its
improvement plan, the LA's monitoring table and the national indicator. The same domain
functions and the same guards as the pages; levels are 1 Entry, 2 Developing, 3 Exemplary."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from risingtide.access.core import requires, visible
from risingtide.api.errors import ErrorOut, refusals_as_400
from risingtide.standards import frameworks, monitoring, national, plans, queries, services
from risingtide.standards.framework_files import MAX_BYTES
from risingtide.standards.framework_models import Framework, FrameworkVersion, Level
from risingtide.standards.models import PlanAction

router = Router(tags=["Quality standards"])
LEVELS = "1 Entry, 2 Developing, 3 Exemplary (cumulative); null: not judged"


# --- frameworks ----------------------------------------------------------------------------


class VersionBriefOut(Schema):
    id: int
    label: str
    active: bool


class FrameworkOut(Schema):
    key: str
    name: str
    kind: str
    versions: list[VersionBriefOut]

    @staticmethod
    def resolve_versions(framework: Framework) -> list:
        return list(framework.versions.all())


class PromptOut(Schema):
    id: int
    number: int
    text: str


class ElementOut(Schema):
    id: int
    number: int
    name: str
    summary: str
    entry: str
    developing: str
    exemplary: str
    theme: str = Field(description="The theme's code")
    prompts: list[PromptOut]

    @staticmethod
    def resolve_theme(element) -> str:
        return element.theme.code

    @staticmethod
    def resolve_prompts(element) -> list:
        return list(element.prompts.all())


class VersionOut(VersionBriefOut):
    framework: str
    source_note: str
    elements: list[ElementOut]


@router.get("/frameworks", response=list[FrameworkOut], summary="The frameworks and versions")
@requires("framework.browse", api=True)
def framework_list(request):
    return list(Framework.objects.prefetch_related("versions"))


@router.get(
    "/frameworks/versions/{int:version_id}",
    response=VersionOut,
    summary="One framework version: its elements, level descriptors and prompts",
)
@requires("framework.browse", api=True)
def framework_version(request, version_id: int):
    version = FrameworkVersion.objects.select_related("framework").filter(pk=version_id).first()
    if version is None:
        raise Http404
    return {
        "id": version.pk,
        "label": version.label,
        "active": version.active,
        "framework": version.framework.key,
        "source_note": version.source_note,
        "elements": list(
            version.elements.select_related("theme").prefetch_related("prompts").order_by("number")
        ),
    }


@router.get(
    "/frameworks/versions/{int:version_id}/file",
    summary="One framework version as a framework file (YAML, or JSON with ?format=json)",
)
@requires("framework.browse", api=True)
def framework_file(request, version_id: int, format: str = "yaml"):
    version = FrameworkVersion.objects.select_related("framework").filter(pk=version_id).first()
    if version is None:
        raise Http404
    fmt = "json" if format == "json" else "yaml"
    return HttpResponse(
        frameworks.export(version, fmt),
        content_type="application/json" if fmt == "json" else "application/yaml; charset=utf-8",
    )


class ProblemOut(Schema):
    line: int | None
    message: str


class ImportRefusedOut(Schema):
    detail: str
    problems: list[ProblemOut] = Field(description="Every problem found, with its line")


@router.post(
    "/frameworks",
    response={201: VersionBriefOut, 400: ImportRefusedOut},
    summary="Load a framework file (YAML or JSON): checked as a whole, loaded or not at all",
)
@requires("framework.manage", api=True)
def import_framework(request, file: File[UploadedFile]):
    try:
        # One byte past the limit is enough for parse to refuse it as too large.
        version = frameworks.load(frameworks.parse(file.read(MAX_BYTES + 1), file.name or ""))
    except frameworks.FrameworkFileError as exc:
        return Status(
            400,
            {
                "detail": "Nothing was loaded.",
                "problems": [{"line": p.line, "message": p.message} for p in exc.problems],
            },
        )
    return Status(201, version)


# --- judgements ----------------------------------------------------------------------------


class EvidenceLinkOut(Schema):
    id: int
    kind: str
    title: str
    url: str = Field(description="A web page's address; empty for other kinds")
    project: int | None


class JudgementOut(Schema):
    element: int = Field(description="The element's id")
    number: int
    name: str
    level: int | None = Field(description=LEVELS)
    previous_level: int | None = Field(description="In the judgement before this one")
    evidence: str
    next_steps: str
    revision: int = Field(description="Send it back when saving: a stale one is refused")
    links: list[EvidenceLinkOut]


class EvaluationBriefOut(Schema):
    id: int
    school: int
    framework: str
    version: str
    status: str
    submitted_at: datetime | None
    overall_level: int | None = Field(description="The level every element has reached")
    in_force: bool


class EvaluationOut(EvaluationBriefOut):
    judgements: list[JudgementOut]
    missing: list[str] = Field(description="What stops a draft being submitted")


def _brief(e) -> dict:
    return {
        "id": e.pk,
        "school": e.school_id,
        "framework": e.framework.key,
        "version": e.version.label,
        "status": e.status,
        "submitted_at": e.submitted_at,
        "overall_level": e.overall_level,
        "in_force": e.status == "submitted" and e.superseded_at is None,
    }


def _evaluation(evaluation) -> dict:
    profile = queries.profile(evaluation)
    return {
        **_brief(evaluation),
        "judgements": [
            {
                "element": row.element.pk,
                "number": row.element.number,
                "name": row.element.name,
                "level": row.level,
                "previous_level": row.before,
                "evidence": row.judgement.evidence,
                "next_steps": row.judgement.next_steps,
                "revision": row.judgement.revision,
                "links": [
                    {
                        "id": link.pk,
                        "kind": link.kind,
                        "title": link.title,
                        "url": link.url,
                        "project": link.project_id,
                    }
                    for link in row.links
                ],
            }
            for row in profile.rows
        ],
        "missing": services.missing(evaluation) if evaluation.is_draft else [],
    }


@router.get(
    "/schools/{school_id}/self-evaluations",
    response=list[EvaluationBriefOut],
    summary="A school's self-evaluations, newest first: the draft and every judgement",
)
@requires("standards.view", "school_id", api=True)
def school_evaluations(request, school_id: int):
    evaluations = visible(request.user, "self_evaluation").filter(school=request.access_target)
    return [
        _brief(e)
        for e in evaluations.select_related("framework", "version").order_by("-created_at")
    ]


@router.post(
    "/schools/{school_id}/self-evaluations",
    response={201: EvaluationOut, 400: ErrorOut},
    summary="Start the school's draft self-evaluation (or return the one under way)",
)
@requires("standards.evaluate", "school_id", api=True)
@refusals_as_400
def start_evaluation(request, school_id: int):
    draft = services.start(request.user, request.access_target)
    return Status(201, _evaluation(draft))


@router.get(
    "/self-evaluations/{evaluation_id}",
    response=EvaluationOut,
    summary="One self-evaluation: each element's level, evidence, next steps and change",
)
@requires("self_evaluation.view", "evaluation_id", api=True)
def evaluation_detail(request, evaluation_id: int):
    return _evaluation(request.access_target)


class JudgementIn(Schema):
    level: int | None = Field(None, description=LEVELS)
    evidence: str = ""
    next_steps: str = ""
    revision: int = Field(description="The revision read with the element")


@router.put(
    "/self-evaluations/{evaluation_id}/elements/{int:element_id}",
    response={200: JudgementOut, 400: ErrorOut},
    summary="Record one element of a draft: level, evidence, next steps",
)
@requires("self_evaluation.edit", "evaluation_id", api=True)
@refusals_as_400
def record_judgement(request, evaluation_id: int, element_id: int, body: JudgementIn):
    evaluation = request.access_target
    if not evaluation.judgements.filter(element_id=element_id).exists():
        raise Http404
    services.record_judgement(
        request.user,
        evaluation,
        element_id,
        level=body.level,
        evidence=body.evidence,
        next_steps=body.next_steps,
        revision=body.revision,
    )
    row = next(r for r in _evaluation(evaluation)["judgements"] if r["element"] == element_id)
    return row


@router.post(
    "/self-evaluations/{evaluation_id}/submit",
    response={200: EvaluationOut, 400: ErrorOut},
    summary="Submit the draft: dated, read-only, and the school's judgement in force",
)
@requires("self_evaluation.edit", "evaluation_id", api=True)
@refusals_as_400
def submit_evaluation(request, evaluation_id: int):
    return _evaluation(services.submit(request.user, request.access_target))


# --- plans ---------------------------------------------------------------------------------


class ActionOut(Schema):
    id: int
    position: int
    element: int | None = Field(description="The element number it serves")
    what: str
    who: str
    due_on: date | None
    success_criteria: str
    cost: Decimal | None
    credits: int
    status: PlanAction.Status
    rag: str = Field(description="red (overdue), amber (due soon, not started), green")
    impact: str
    done_on: date | None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    done_on: date | None


class PlanOut(Schema):
    id: int
    school: int
    evaluation: int | None
    title: str
    starts_on: date
    ends_on: date
    rag: str
    actions: list[ActionOut]
    milestones: list[MilestoneOut]


def _plan(plan) -> dict:
    today = timezone.localdate()
    actions = list(plan.actions.select_related("element"))
    milestones = list(plan.milestones.all())
    return {
        "id": plan.pk,
        "school": plan.school_id,
        "evaluation": plan.evaluation_id,
        "title": plan.title,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "rag": plans.plan_rag(actions, milestones, today),
        "actions": [
            {
                "id": a.pk,
                "position": a.position,
                "element": a.element.number if a.element else None,
                "what": a.what,
                "who": a.who,
                "due_on": a.due_on,
                "success_criteria": a.success_criteria,
                "cost": a.cost,
                "credits": a.credits,
                "status": a.status,
                "rag": plans.action_rag(a, today),
                "impact": a.impact,
                "done_on": a.done_on,
            }
            for a in actions
        ],
        "milestones": milestones,
    }


@router.post(
    "/self-evaluations/{evaluation_id}/plans",
    response={201: PlanOut, 400: ErrorOut},
    summary="Make an improvement plan from a submitted judgement's next steps",
)
@requires("self_evaluation.plan", "evaluation_id", api=True)
@refusals_as_400
def make_plan(request, evaluation_id: int):
    return Status(201, _plan(plans.create_from(request.user, request.access_target)))


@router.get("/plans/{plan_id}", response=PlanOut, summary="An improvement plan")
@requires("plan.view", "plan_id", api=True)
def plan_detail(request, plan_id: int):
    return _plan(request.access_target)


class ActionIn(Schema):
    what: str
    element_id: int | None = Field(None, description="The element's id (not its number)")
    who: str = ""
    due_on: date | None = None
    success_criteria: str = ""
    cost: Decimal | None = None
    credits: int = Field(0, ge=0, le=1_000_000)
    status: str = PlanAction.Status.NOT_STARTED
    impact: str = ""


def _input(body: ActionIn) -> plans.ActionInput:
    return plans.ActionInput(**body.dict())


@router.post(
    "/plans/{plan_id}/actions",
    response={201: PlanOut, 400: ErrorOut},
    summary="Add an action to the plan",
)
@requires("plan.edit", "plan_id", api=True)
@refusals_as_400
def add_action(request, plan_id: int, body: ActionIn):
    plans.add_action(request.user, request.access_target, _input(body))
    return Status(201, _plan(request.access_target))


@router.put(
    "/plans/{plan_id}/actions/{int:action_id}",
    response={200: PlanOut, 400: ErrorOut},
    summary="Change an action (the plan's history keeps what it was)",
)
@requires("plan.edit", "plan_id", api=True)
@refusals_as_400
def update_action(request, plan_id: int, action_id: int, body: ActionIn):
    if not request.access_target.actions.filter(pk=action_id).exists():
        raise Http404
    plans.update_action(request.user, request.access_target, action_id, _input(body))
    return _plan(request.access_target)


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
)
@requires("standards.monitor", "la_id", api=True)
def la_monitoring(
    request,
    la_id: int,
    element: int | None = Query(None, description="An element number, with level"),
    level: int | None = Query(None, ge=0, le=3, description="0: not judged; " + LEVELS),
    flag: str = Query("", description=", ".join(monitoring.FLAGS)),
):
    m = monitoring.la_monitoring(
        request.access_target,
        element=element,
        level=level,
        flag=flag if flag in monitoring.FLAGS else "",
    )
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
