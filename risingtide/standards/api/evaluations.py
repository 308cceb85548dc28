"""A school's self-evaluations (judgements, evidence, submission) and its improvement plan in the
API: the same domain functions and guards as the school's quality-standards pages; levels are
1 Entry, 2 Developing, 3 Exemplary."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.standards import plans, queries, services
from risingtide.standards.framework_models import Framework
from risingtide.standards.models import PlanAction

router = Router(tags=["Quality standards"])
LEVELS = "1 Entry, 2 Developing, 3 Exemplary (cumulative); null: not judged"


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
    response={200: list[EvaluationBriefOut], 400: ErrorOut},
    summary="A school's self-evaluations on one framework: the draft (to those who may open "
    "it), then every judgement, newest submitted first",
    description="As the school's standards page lists them.",
)
@requires("standards.view", "school_id", api=True)
@refusals_as_400
def school_evaluations(
    request,
    school_id: int,
    framework: str = Query("iqs", description="The key of a whole-school framework"),
):
    if not Framework.objects.filter(key=framework, kind=Framework.Kind.SCHOOL).exists():
        raise ValidationError({"framework": "Unknown whole-school framework."})
    evaluations = queries.school_evaluations(request.user, request.access_target, framework)
    return [_brief(e) for e in evaluations]


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


class ImprovementPlanOut(Schema):
    id: int
    school: int
    evaluation: int | None
    title: str
    starts_on: date
    ends_on: date
    rag: str
    actions: list[ActionOut]
    milestones: list[MilestoneOut]


def _action(row: queries.ActionRow) -> dict:
    a = row.action
    return {
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
        "rag": row.rag,
        "impact": a.impact,
        "done_on": a.done_on,
    }


def _plan(plan) -> dict:
    detail = queries.plan_detail(plan)
    return {
        "id": plan.pk,
        "school": plan.school_id,
        "evaluation": plan.evaluation_id,
        "title": plan.title,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "rag": detail.rag,
        "actions": [_action(row) for row in detail.actions],
        "milestones": detail.milestones,
    }


@router.post(
    "/self-evaluations/{evaluation_id}/plans",
    response={201: ImprovementPlanOut, 400: ErrorOut},
    summary="Make an improvement plan from a submitted judgement's next steps",
)
@requires("self_evaluation.plan", "evaluation_id", api=True)
@refusals_as_400
def make_plan(request, evaluation_id: int):
    return Status(201, _plan(plans.create_from(request.user, request.access_target)))


@router.get("/plans/{plan_id}", response=ImprovementPlanOut, summary="An improvement plan")
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
    response={201: ImprovementPlanOut, 400: ErrorOut},
    summary="Add an action to the plan",
)
@requires("plan.edit", "plan_id", api=True)
@refusals_as_400
def add_action(request, plan_id: int, body: ActionIn):
    plans.add_action(request.user, request.access_target, _input(body))
    return Status(201, _plan(request.access_target))


@router.put(
    "/plans/{plan_id}/actions/{int:action_id}",
    response={200: ImprovementPlanOut, 400: ErrorOut},
    summary="Change an action (the plan's history keeps what it was)",
)
@requires("plan.edit", "plan_id", api=True)
@refusals_as_400
def update_action(request, plan_id: int, action_id: int, body: ActionIn):
    if not request.access_target.actions.filter(pk=action_id).exists():
        raise Http404
    plans.update_action(request.user, request.access_target, action_id, _input(body))
    return _plan(request.access_target)
