"""Learning plans in the API (issue 19), under the same capabilities as the pages: a pupil's
plan with its targets, evidence, reviews and conversation; writing a target, changing its state
or date, what may be linked as evidence and linking it, a review, a message; and the learning
guide's caseload. Same reads (``queries``) and changes (``services``) as the pages; refusals in
the one shape of ``lib.api_errors``. ``record_id`` is the pupil's record, as on the pages."""

from datetime import date, datetime
from typing import Literal

from django.db import transaction
from ninja import Field, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.learning_plans import queries, services
from risingtide.learning_plans.models import Target
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.people.events import note_if_carer

router = Router(tags=["Learning plans"])

EvidenceKind = Literal["item", "next_step", "participation"]


class PlanPersonOut(Schema):
    id: int
    name: str


class PlanEvidenceOut(Schema):
    id: int
    kind: EvidenceKind
    object_id: int = Field(description="The portfolio item's, next step's or participation's id")
    title: str
    detail: str


class TargetOut(Schema):
    id: int
    text: str
    state: Target.State
    review_on: date | None
    evidence: list[PlanEvidenceOut]


class PlanReviewOut(Schema):
    id: int
    reviewed_on: date
    summary: str
    reviewed_by: str
    next_review_on: date | None


class MessageOut(Schema):
    id: int
    voice: Literal["pupil", "guide", "staff", "family"]
    text: str
    author: str
    created_at: datetime


class PlanOut(Schema):
    pupil: int = Field(description="The pupil's record id")
    name: str
    guide: PlanPersonOut | None
    next_review_on: date | None
    targets: list[TargetOut]
    reviews: list[PlanReviewOut]
    messages: list[MessageOut]
    may_write: bool
    may_review: bool
    may_comment: bool


class TargetIn(Schema):
    text: str
    review_on: date | None = None


class TargetChangeIn(Schema):
    target: int
    state: Target.State | None = Field(None, description="Working, achieved or set aside")
    review_on: date | None = Field(
        None, description="When to look at it again; send null to clear, leave out to keep"
    )


class PlanEvidenceIn(Schema):
    target: int
    kind: EvidenceKind
    id: int = Field(description="The item's, next step's or participation's id")


class ChoiceOut(Schema):
    kind: EvidenceKind
    id: int
    title: str
    detail: str


class ChoiceGroupOut(Schema):
    kind: EvidenceKind
    label: str
    choices: list[ChoiceOut]


class ReviewIn(Schema):
    reviewed_on: date
    summary: str
    next_review_on: date | None = None


class MessageIn(Schema):
    text: str


class CaseloadRowOut(Schema):
    pupil: int = Field(description="The pupil's record id")
    name: str
    nc_year: str
    working_targets: int
    achieved_targets: int
    last_review_on: date | None
    next_review_on: date | None
    overdue: bool
    entitlement_met: bool | None = Field(
        description="Whether they meet the school's entitlement this term; null when not on "
        "this year's register"
    )
    entitlement_reasons: list[str] = Field(description="Why they are short, in words")


def _evidence(e: queries.EvidenceShown) -> dict:
    return {
        "id": e.id,
        "kind": e.kind,
        "object_id": e.object_id,
        "title": e.title,
        "detail": e.detail,
    }


def _target(row: queries.TargetShown) -> dict:
    t = row.target
    return {
        "id": t.pk,
        "text": t.text,
        "state": t.state,
        "review_on": t.review_on,
        "evidence": [_evidence(e) for e in row.evidence],
    }


def _plan(shown: queries.PlanPage) -> dict:
    return {
        "pupil": shown.pupil.pk,
        "name": shown.name,
        "guide": (
            {"id": shown.guide.pk, "name": shown.guide.get_full_name() or shown.guide.username}
            if shown.guide
            else None
        ),
        "next_review_on": shown.next_review_on,
        "targets": [_target(row) for row in shown.targets],
        "reviews": [
            {
                "id": r.pk,
                "reviewed_on": r.reviewed_on,
                "summary": r.summary,
                "reviewed_by": r.reviewed_by.get_full_name() if r.reviewed_by else "",
                "next_review_on": r.next_review_on,
            }
            for r in shown.reviews
        ],
        "messages": [
            {
                "id": m.pk,
                "voice": m.voice,
                "text": m.text,
                "author": m.author_name,
                "created_at": m.created_at,
            }
            for m in shown.messages
        ],
        "may_write": shown.may_write,
        "may_review": shown.may_review,
        "may_comment": shown.may_comment,
    }


def _shown_target(request, target: Target) -> dict:
    shown = queries.plan_page(request.user, request.access_target)
    return next(_target(row) for row in shown.targets if row.target.pk == target.pk)


@router.get(
    "/pupils/{record_id}/plan",
    response=PlanOut,
    summary="A pupil's learning plan: targets with their evidence, reviews and the conversation",
)
@requires("learning_plan.view", "record_id", api=True)
def learning_plan(request, record_id: int):
    note_if_carer(request.user, request.access_target.account_id, "plan", "Through the API")
    return _plan(queries.plan_page(request.user, request.access_target))


@router.post(
    "/pupils/{record_id}/plan/targets",
    response={201: TargetOut, 400: ErrorOut},
    summary="Write a target on the plan (at most 5 worked on at once)",
)
@requires("learning_plan.write_target", "record_id", api=True)
@refusals_as_400
def learning_plan_add_target(request, record_id: int, body: TargetIn):
    with transaction.atomic():
        plan = services.plan_for(request.user, request.access_target)
        made = services.add_target(request.user, plan, body.text, review_on=body.review_on)
    return Status(201, _shown_target(request, made))


@router.patch(
    "/pupils/{record_id}/plan/targets",
    response={200: TargetOut, 400: ErrorOut},
    summary="Mark a target achieved, set aside or worked on again, or change its date",
)
@requires("learning_plan.write_target", "record_id", api=True)
@refusals_as_400
def learning_plan_change_target(request, record_id: int, body: TargetChangeIn):
    target = services.target_on(request.access_target, body.target)
    with transaction.atomic():
        if body.state is not None:
            target = services.set_target_state(request.user, target, body.state)
        if "review_on" in body.model_fields_set:
            target = services.set_target_review(request.user, target, body.review_on)
    return _shown_target(request, target)


@router.get(
    "/pupils/{record_id}/plan/evidence-choices",
    response=list[ChoiceGroupOut],
    summary="What may be linked as evidence, grouped by kind",
)
@requires("learning_plan.write_target", "record_id", api=True)
def learning_plan_evidence_choices(request, record_id: int):
    return [
        {"kind": g.kind, "label": g.label, "choices": [vars(c) for c in g.choices]}
        for g in queries.choice_groups(request.user, request.access_target)
    ]


@router.post(
    "/pupils/{record_id}/plan/evidence",
    response={201: TargetOut, 400: ErrorOut},
    summary="Link one of the pupil's portfolio items, next steps or opportunities to a target",
)
@requires("learning_plan.write_target", "record_id", api=True)
@refusals_as_400
def learning_plan_link_evidence(request, record_id: int, body: PlanEvidenceIn):
    target = services.target_on(request.access_target, body.target)
    services.link_evidence(request.user, target, body.kind, body.id)
    return Status(201, _shown_target(request, target))


@router.post(
    "/pupils/{record_id}/plan/reviews",
    response={201: PlanReviewOut, 400: ErrorOut},
    summary="Record a review of the plan (the learning guide or the coordinator)",
)
@requires("learning_plan.review", "record_id", api=True)
@refusals_as_400
def learning_plan_add_review(request, record_id: int, body: ReviewIn):
    with transaction.atomic():
        plan = services.plan_for(request.user, request.access_target)
        review = services.add_review(
            request.user,
            plan,
            reviewed_on=body.reviewed_on,
            summary=body.summary,
            next_review_on=body.next_review_on,
        )
    return Status(
        201,
        {
            "id": review.pk,
            "reviewed_on": review.reviewed_on,
            "summary": review.summary,
            "reviewed_by": request.user.get_full_name(),
            "next_review_on": review.next_review_on,
        },
    )


@router.post(
    "/pupils/{record_id}/plan/messages",
    response={201: MessageOut, 400: ErrorOut},
    summary="Write in the plan's conversation (the voice follows from who writes)",
)
@requires("learning_plan.comment", "record_id", api=True)
@refusals_as_400
def learning_plan_add_message(request, record_id: int, body: MessageIn):
    with transaction.atomic():
        plan = services.plan_for(request.user, request.access_target)
        message = services.add_message(request.user, plan, body.text)
    return Status(
        201,
        {
            "id": message.pk,
            "voice": message.voice,
            "text": message.text,
            "author": message.author_name,
            "created_at": message.created_at,
        },
    )


@router.get(
    "/me/caseload",
    response=list[CaseloadRowOut],
    summary="The pupils one is the learning guide of, with their reviews",
)
@requires("learning_plan.caseload", api=True)
def learning_plan_caseload(request):
    return [
        {
            "pupil": row.pupil.pk,
            "name": row.name,
            "nc_year": row.nc_year,
            "working_targets": row.working_targets,
            "achieved_targets": row.achieved_targets,
            "last_review_on": row.last_review_on,
            "next_review_on": row.next_review_on,
            "overdue": row.overdue,
            "entitlement_met": row.entitlement.met if row.entitlement else None,
            "entitlement_reasons": list(row.entitlement.reasons) if row.entitlement else [],
        }
        for row in queries.caseload_rows(request.user)
    ]
