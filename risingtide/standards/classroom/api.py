"""Classroom self-evaluation (CQS) in the API: the same domain functions and guards as the
pages. A reflection is its teacher's and the observing colleague's; the coordinator reads it
only once shared, and the school summary carries ratings from shared reflections only.
Ratings are 1 Unsure, 2 Quite well, 3 Very well; levels 1 Entry, 2 Developing, 3 Exemplary.
It sits beside the classroom pages it mirrors, in the standards app that owns CQS."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from risingtide.access.core import can, requires
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.standards.classroom import queries, services
from risingtide.standards.framework_models import Prompt
from risingtide.standards.models import ClassroomEvaluation
from risingtide.tasc.services import staff_schools

router = Router(tags=["Classroom self-evaluation"])
RATINGS = "1 Unsure, 2 Quite well, 3 Very well; null: not rated yet"


class ReflectionBriefOut(Schema):
    id: int
    school: int
    teacher: str
    colleague: str | None = Field(description="The observing colleague, if any")
    class_name: str
    subject: ClassroomEvaluation.Subject
    version: str
    created_at: datetime
    completed_at: datetime | None
    shared_at: datetime | None = Field(description="Shared with the coordinator since; null: not")


class RatingOut(Schema):
    prompt: int = Field(description="The prompt's id")
    number: str = Field(description="Feature and prompt number, as 1.2")
    text: str
    for_all: int | None = Field(description=RATINGS)
    for_gt: int | None = Field(description=RATINGS)
    evidence: str
    gt_lags: bool = Field(description="Rated lower for G&T learners than for all learners")


class FeatureOut(Schema):
    element: int = Field(description="The feature's id")
    number: int
    name: str
    level: int | None = Field(description="1 Entry, 2 Developing, 3 Exemplary; null: not placed")
    next_step: str
    prompts: list[RatingOut]


class ReflectionOut(ReflectionBriefOut):
    next_steps: str
    features: list[FeatureOut]
    lags: list[int] = Field(description="The prompts where G&T challenge lags")
    missing: list[str] = Field(description="What stops the reflection being completed")
    may_edit: bool
    may_share: bool = Field(description="Only the teacher may share or stop sharing")


def _name(user) -> str:
    return user.get_full_name() or user.username


def _brief(e: ClassroomEvaluation) -> dict:
    return {
        "id": e.pk,
        "school": e.school_id,
        "teacher": _name(e.teacher),
        "colleague": _name(e.colleague) if e.colleague else None,
        "class_name": e.class_name,
        "subject": e.subject,
        "version": e.version.label,
        "created_at": e.created_at,
        "completed_at": e.completed_at,
        "shared_at": e.shared_at,
    }


def _rating(element, prompt, rating) -> dict:
    return {
        "prompt": prompt.pk,
        "number": f"{element.number}.{prompt.number}",
        "text": prompt.text,
        "for_all": rating.for_all,
        "for_gt": rating.for_gt,
        "evidence": rating.evidence,
        "gt_lags": rating.gt_lags,
    }


def _reflection(user, evaluation: ClassroomEvaluation) -> dict:
    r = queries.reflection(evaluation)
    may_edit = can(user, "classroom_evaluation.edit", evaluation)
    return {
        **_brief(evaluation),
        "next_steps": evaluation.next_steps,
        "features": [
            {
                "element": f.element.pk,
                "number": f.element.number,
                "name": f.element.name,
                "level": f.level.level,
                "next_step": f.level.next_step,
                "prompts": [_rating(f.element, row.prompt, row.rating) for row in f.prompts],
            }
            for f in r.features
        ],
        "lags": [rating.prompt_id for rating in r.lags],
        "missing": r.missing,
        "may_edit": may_edit,
        "may_share": may_edit and evaluation.teacher_id == user.pk,
    }


@router.get(
    "/classroom",
    response=list[ReflectionBriefOut],
    summary="My classroom reflections: my own and those I observed, newest first",
)
@requires("classroom.start", api=True)
def reflection_list(request):
    return [_brief(e) for e in queries.my_evaluations(request.user)]


class StartIn(Schema):
    school_id: int | None = Field(
        None, description="Needed only when the caller teaches at more than one school"
    )
    class_name: str
    subject: str = ClassroomEvaluation.Subject.GENERIC
    colleague_id: int | None = Field(None, description="A colleague of the school observing")


@router.post(
    "/classroom",
    response={201: ReflectionOut, 400: ErrorOut},
    summary="Start a reflection on one class or subject, alone or with an observing colleague",
)
@requires("classroom.start", api=True)
@refusals_as_400(fields={"colleague": "colleague_id", "school": "school_id"})
def start_reflection(request, body: StartIn):
    schools = staff_schools(request.user)
    if body.school_id is not None:
        school = schools.filter(pk=body.school_id).first()
    else:
        mine = list(schools[:2])
        school = mine[0] if len(mine) == 1 else None
    if school is None:
        raise ValidationError({"school": "Give the id of a school where you teach."})
    evaluation = services.start(
        request.user, school, body.class_name, body.subject, body.colleague_id
    )
    return Status(201, _reflection(request.user, evaluation))


@router.get(
    "/classroom/{evaluation_id}",
    response=ReflectionOut,
    summary="One reflection: each feature's prompts and ratings, the lags, the next steps",
)
@requires("classroom_evaluation.view", "evaluation_id", api=True)
def reflection_detail(request, evaluation_id: int):
    return _reflection(request.user, request.access_target)


class RatingIn(Schema):
    for_all: int | None = Field(None, description=RATINGS)
    for_gt: int | None = Field(None, description=RATINGS)
    evidence: str = ""


@router.put(
    "/classroom/{evaluation_id}/prompts/{int:prompt_id}",
    response={200: RatingOut, 400: ErrorOut},
    summary="Rate one prompt, for all learners and for G&T learners, with evidence",
)
@requires("classroom_evaluation.edit", "evaluation_id", api=True)
@refusals_as_400
def rate_prompt(request, evaluation_id: int, prompt_id: int, body: RatingIn):
    evaluation = request.access_target
    prompt = (
        Prompt.objects.select_related("element")
        .filter(pk=prompt_id, element__version_id=evaluation.version_id)
        .first()
    )
    if prompt is None:
        raise Http404
    rating = services.rate(
        request.user, evaluation, prompt_id, body.for_all, body.for_gt, body.evidence
    )
    return _rating(prompt.element, prompt, rating)


class ShareIn(Schema):
    # Required, but refused after the access check (400) rather than by parsing (422), so an
    # outsider learns nothing from a malformed body.
    shared: bool | None = Field(
        None, description="Required. true: share with the coordinator; false: stop sharing"
    )


@router.post(
    "/classroom/{evaluation_id}/share",
    response={200: ReflectionBriefOut, 400: ErrorOut},
    summary="Share a reflection with the school's coordinator, or stop (the teacher only)",
)
@requires("classroom_evaluation.edit", "evaluation_id", api=True)
@refusals_as_400
def share_reflection(request, evaluation_id: int, body: ShareIn):
    if body.shared is None:
        raise ValidationError({"shared": "Say true to share the reflection, false to stop."})
    return _brief(services.share(request.user, request.access_target, body.shared))


class PromptSummaryOut(Schema):
    prompt: int
    number: str
    text: str
    for_all: list[int] = Field(description="Teachers at Unsure, Quite well, Very well")
    for_gt: list[int] = Field(description="Teachers at Unsure, Quite well, Very well")
    lagging: int = Field(description="Teachers who rated it lower for G&T learners")


class FeatureSummaryOut(Schema):
    element: int
    number: int
    name: str
    prompts: list[PromptSummaryOut]


class SharedReflectionOut(Schema):
    id: int
    teacher: str
    class_name: str
    subject: ClassroomEvaluation.Subject
    shared_at: datetime


class SummaryOut(Schema):
    school: int
    started: int = Field(description="Every reflection started at the school, shared or not")
    completed: int
    shared: int
    teachers_sharing: int
    features: list[FeatureSummaryOut] = Field(description="From shared reflections only")
    shared_reflections: list[SharedReflectionOut]


@router.get(
    "/schools/{school_id}/classroom-summary",
    response=SummaryOut,
    summary="The school's CQS summary: counts, and the ratings of shared reflections only",
)
@requires("classroom.summary", "school_id", api=True)
def classroom_summary(request, school_id: int):
    s = queries.school_summary(request.user, request.access_target)
    return {
        "school": s.school.pk,
        "started": s.started,
        "completed": s.completed,
        "shared": s.shared,
        "teachers_sharing": s.teachers_sharing,
        "features": [
            {
                "element": f.element.pk,
                "number": f.element.number,
                "name": f.element.name,
                "prompts": [
                    {
                        "prompt": p.prompt.pk,
                        "number": f"{f.element.number}.{p.prompt.number}",
                        "text": p.prompt.text,
                        "for_all": p.for_all,
                        "for_gt": p.for_gt,
                        "lagging": p.lagging,
                    }
                    for p in f.prompts
                ],
            }
            for f in s.features
        ],
        "shared_reflections": [
            {
                "id": e.pk,
                "teacher": _name(e.teacher),
                "class_name": e.class_name,
                "subject": e.subject,
                "shared_at": e.shared_at,
            }
            for e in s.evaluations
        ],
    }
