"""Learner profiles in the API (issue 19), under the same capabilities as the pages and read by
the same functions (``queries``), changed by the same ones (``services``): a pupil's profile
(written only by the pupil), its history, observations, the pupil's learning guide and the
school's personalisation switches."""

from datetime import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.learners import queries, services
from risingtide.learners.models import ANSWER_LIMIT
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.people.events import note_if_carer
from risingtide.people.models import User

router = Router(tags=["Learner profiles"])


class AnswerOut(Schema):
    field: str
    heading: str = Field(description="The question in the pupil's voice")
    question: str = Field(description="The question as the pupil's page asks it, for their age")
    text: str


class ProfileOut(Schema):
    pupil: int = Field(description="The pupil record")
    profiles_on: bool = Field(description="Whether the school has learner profiles turned on")
    age_band: str = Field(description="early, primary, secondary or sixth_form")
    answers: list[AnswerOut]
    updated_at: datetime | None
    updated_by: str = Field(description="Who last changed it, by name")


class ProfileIn(Schema):
    """Each answer in the pupil's own words, at most ``ANSWER_LIMIT`` characters; one left out
    (or null) stays as it is."""

    interests: str | None = None
    strengths: str | None = None
    to_improve: str | None = None
    aspirations: str | None = None
    helps_me_learn: str | None = None


class LearnerChangeOut(Schema):
    field: str
    before: str
    after: str
    changed_by: str
    changed_at: datetime


class ObservationOut(Schema):
    id: int
    text: str
    author: str
    created_at: datetime
    withdrawn_at: datetime | None = Field(description="Only staff who observe see withdrawn ones")


class ObservationIn(Schema):
    text: str = Field(description=f"What was noticed, at most {ANSWER_LIMIT} characters")


class PersonOut(Schema):
    id: int
    name: str


class GuideOut(Schema):
    pupil: int
    guide: PersonOut | None


class GuideIn(Schema):
    guide: int | None = Field(description="A member of staff of the pupil's school, or null")


class PersonalisationOut(Schema):
    school: int
    profiles_on: bool
    suggestions_on: bool


class PersonalisationIn(Schema):
    profiles_on: bool
    suggestions_on: bool


def _person(user: User | None) -> dict | None:
    return {"id": user.pk, "name": user.get_full_name() or user.username} if user else None


def _profile(page: queries.ProfilePage) -> dict:
    return {
        "pupil": page.pupil.pk,
        "profiles_on": page.settings.profiles_on,
        "age_band": page.band.key,
        "answers": [
            {"field": a.field, "heading": a.heading, "question": a.prompt.question, "text": a.text}
            for a in page.answers
        ],
        "updated_at": page.profile.updated_at,
        "updated_by": (_person(page.profile.updated_by) or {}).get("name", ""),
    }


def _observation(o) -> dict:
    return {
        "id": o.pk,
        "text": o.text,
        "author": o.author_name,
        "created_at": o.created_at,
        "withdrawn_at": o.withdrawn_at,
    }


@router.get(
    "/pupils/{record_id}/profile",
    response=ProfileOut,
    summary="A pupil's profile in their own words (the pupil record's id)",
)
@requires("learner.view", "record_id", api=True)
def learner_profile(request, record_id: int):
    note_if_carer(request.user, request.access_target.account_id, "profile", "Through the API")
    return _profile(queries.profile_page(request.user, request.access_target))


@router.put(
    "/pupils/{record_id}/profile",
    response={200: ProfileOut, 400: ErrorOut},
    summary="Write one's own profile (the pupil only); nothing is saved if any answer is refused",
)
@requires("learner.profile_edit", "record_id", api=True)
@refusals_as_400
def write_learner_profile(request, record_id: int, body: ProfileIn):
    answers = {k: v for k, v in body.dict().items() if v is not None}
    services.save_profile(request.user, request.access_target, answers)
    return _profile(queries.profile_page(request.user, request.access_target))


@router.get(
    "/pupils/{record_id}/profile/changes",
    response=list[LearnerChangeOut],
    summary="Every change to a pupil's answers, newest first, with who made it",
)
@requires("learner.history", "record_id", api=True)
def learner_profile_changes(request, record_id: int):
    return [
        {
            "field": c.field,
            "before": c.before,
            "after": c.after,
            "changed_by": c.changed_by_name,
            "changed_at": c.changed_at,
        }
        for c in queries.changes(request.access_target)
    ]


@router.get(
    "/pupils/{record_id}/observations",
    response=list[ObservationOut],
    summary="What staff noticed about a pupil, newest first (withdrawn ones for staff only)",
)
@requires("learner.view", "record_id", api=True)
def learner_observations(request, record_id: int):
    note_if_carer(request.user, request.access_target.account_id, "profile", "Through the API")
    page = queries.profile_page(request.user, request.access_target)
    return [_observation(o) for o in page.observations]


@router.post(
    "/pupils/{record_id}/observations",
    response={201: ObservationOut, 400: ErrorOut},
    summary="Add an observation the pupil will read (never edited; withdrawn if wrong)",
)
@requires("learner.observe", "record_id", api=True)
@refusals_as_400
def add_learner_observation(request, record_id: int, body: ObservationIn):
    made = services.add_observation(request.user, request.access_target, body.text)
    return Status(201, _observation(made))


@router.post(
    "/observations/{observation_id}/withdraw",
    response={200: ObservationOut, 400: ErrorOut},
    summary="Withdraw an observation: the pupil no longer sees it; it stays in the history",
)
@requires("observation.withdraw", "observation_id", api=True)
@refusals_as_400
def withdraw_learner_observation(request, observation_id: int):
    return _observation(services.withdraw_observation(request.user, request.access_target))


@router.get(
    "/pupils/{record_id}/guide",
    response=GuideOut,
    summary="A pupil's learning guide (null when none is named)",
)
@requires("learner.view", "record_id", api=True)
def learner_guide(request, record_id: int):
    note_if_carer(request.user, request.access_target.account_id, "profile", "Through the API")
    pupil = request.access_target
    return {"pupil": pupil.pk, "guide": _person(queries.guide_of(pupil))}


@router.put(
    "/pupils/{record_id}/guide",
    response={200: GuideOut, 400: ErrorOut},
    summary="Name a member of staff of the school as the pupil's learning guide, or none",
)
@requires("learner.assign_guide", "record_id", api=True)
@refusals_as_400
def assign_learner_guide(request, record_id: int, body: GuideIn):
    pupil = request.access_target
    guide = None
    if body.guide is not None:
        guide = queries.guide_candidates(pupil.school).filter(pk=body.guide).first()
        if guide is None:
            raise ValidationError({"guide": "Choose a member of staff at this school."})
    services.assign_guide(request.user, pupil, guide)
    return {"pupil": pupil.pk, "guide": _person(queries.guide_of(pupil))}


def _switches(school) -> dict:
    settings = queries.personalisation_of(school)
    return {
        "school": school.pk,
        "profiles_on": settings.profiles_on,
        "suggestions_on": settings.suggestions_on,
    }


@router.get(
    "/schools/{school_id}/personalisation",
    response=PersonalisationOut,
    summary="Whether the school has learner profiles and suggestions on (both off by default)",
)
@requires("personalisation.read", "school_id", api=True)
def school_personalisation(request, school_id: int):
    return _switches(request.access_target)


@router.put(
    "/schools/{school_id}/personalisation",
    response={200: PersonalisationOut, 400: ErrorOut},
    summary="Turn the school's learner profiles and suggestions on or off (the coordinator)",
)
@requires("personalisation.manage", "school_id", api=True)
@refusals_as_400
def set_school_personalisation(request, school_id: int, body: PersonalisationIn):
    services.set_personalisation(
        request.user,
        request.access_target,
        profiles_on=body.profiles_on,
        suggestions_on=body.suggestions_on,
    )
    return _switches(request.access_target)
