"""Changes to learner profiles, observations, learning guides and a school's personalisation.

Each function takes the acting person first, checks their capability (through access.core),
refuses bad input with a ``ValidationError`` naming the field before anything is written, then
changes and writes the audit event, all in one transaction. Nothing a pupil wrote is ever
overwritten without a trace: each changed answer leaves a ``ProfileChange`` with what it was.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.learners.models import (
    ANSWER_LIMIT,
    PROFILE_FIELDS,
    LearnerProfile,
    LearningGuide,
    Observation,
    Personalisation,
    ProfileChange,
)
from risingtide.learners.prompts import band_for
from risingtide.learners.queries import guide_candidates, personalisation_of
from risingtide.people.models import User
from risingtide.register.models import Pupil
from risingtide.schools.models import School

PROFILES_OFF = (
    "Learner profiles are not turned on at this school yet, so nothing can be written here. "
    "The school's gifted and talented coordinator can turn them on."
)


def _name(user: User) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _require(actor: User, action: str, obj=None) -> None:
    if not (can(actor, action, obj) if obj is not None else can(actor, action)):
        raise PermissionDenied


def _too_long(question: str, text: str) -> str:
    over = len(text) - ANSWER_LIMIT
    return (
        f"“{question}” is too long: {len(text):,} characters, and the most is "
        f"{ANSWER_LIMIT:,}. Make it {over:,} shorter. Nothing was saved, and your words are "
        "still here."
    )


def _clean(text: str) -> str:
    """As typed, with the browser's line endings made one kind and the ends trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def save_profile(actor: User, pupil: Pupil, answers: dict[str, str]) -> list[ProfileChange]:
    """Save the answers given (a field left out stays as it is); one ``ProfileChange`` per
    answer that changed. Every answer over ``ANSWER_LIMIT`` is refused on its field, and then
    nothing at all is saved."""
    _require(actor, "learner.profile_edit", pupil)
    unknown = sorted(set(answers) - set(PROFILE_FIELDS))
    if unknown:
        raise ValidationError(f"There is no question called {', '.join(unknown)}.")
    if not personalisation_of(pupil.school).profiles_on:
        raise ValidationError(PROFILES_OFF)
    cleaned = {field: _clean(text or "") for field, text in answers.items()}
    # Named as the pupil's page asks it, for their age: the words they see above the box.
    questions = {p.field: p.question for p in band_for(pupil.nc_year).prompts}
    errors = {
        field: _too_long(questions[field], text)
        for field, text in cleaned.items()
        if len(text) > ANSWER_LIMIT
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, _ = LearnerProfile.objects.select_for_update().get_or_create(pupil=pupil)
        made = [
            ProfileChange(
                profile=profile,
                field=field,
                before=getattr(profile, field),
                after=text,
                changed_by=actor,
                changed_by_name=_name(actor),
            )
            for field, text in cleaned.items()
            if getattr(profile, field) != text
        ]
        if not made:
            return []
        for change in made:
            setattr(profile, change.field, change.after)
        profile.updated_by = actor
        profile.save()
        ProfileChange.objects.bulk_create(made)
        record(
            actor,
            "learners.profile_saved",
            profile,
            school=pupil.school,
            fields=[c.field for c in made],
        )
    return made


def add_observation(actor: User, pupil: Pupil, text: str) -> Observation:
    """What a member of staff noticed, for the pupil to read. Never edited afterwards."""
    _require(actor, "learner.observe", pupil)
    if not personalisation_of(pupil.school).profiles_on:
        raise ValidationError(PROFILES_OFF)
    text = _clean(text or "")
    if not text:
        raise ValidationError({"text": "Write what you noticed."})
    if len(text) > ANSWER_LIMIT:
        raise ValidationError(
            {
                "text": f"The observation is too long: {len(text):,} characters, and the most "
                f"is {ANSWER_LIMIT:,}. Make it {len(text) - ANSWER_LIMIT:,} shorter."
            }
        )
    with transaction.atomic():
        made = Observation.objects.create(
            pupil=pupil, text=text, author=actor, author_name=_name(actor)
        )
        record(actor, "learners.observation_added", made, school=pupil.school)
    return made


def withdraw_observation(actor: User, observation: Observation) -> Observation:
    """The pupil no longer sees it; it stays in the history, marked withdrawn (by whom)."""
    _require(actor, "observation.withdraw", observation)
    with transaction.atomic():
        done = Observation.objects.filter(pk=observation.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=actor
        )
        if not done:
            raise ValidationError("That observation was already withdrawn.")
        observation.refresh_from_db()
        record(
            actor,
            "learners.observation_withdrawn",
            observation,
            school=observation.pupil.school,
        )
    return observation


def assign_guide(actor: User, pupil: Pupil, guide: User | None) -> LearningGuide | None:
    """Name ``guide`` (a member of staff of the pupil's school) as the pupil's learning guide,
    or, with None, leave the pupil without one."""
    _require(actor, "learner.assign_guide", pupil)
    if guide is not None and not guide_candidates(pupil.school).filter(pk=guide.pk).exists():
        raise ValidationError(
            {"guide": f"{_name(guide)} is not a member of staff at {pupil.school}."}
        )
    with transaction.atomic():
        before = LearningGuide.objects.select_for_update().filter(pupil=pupil).first()
        if guide is None:
            if before is not None:
                before.delete()
            link = None
        elif before is not None and before.guide_id == guide.pk:
            return before  # already so: nothing changes
        else:
            link, _ = LearningGuide.objects.update_or_create(
                pupil=pupil, defaults={"guide": guide, "assigned_by": actor}
            )
        record(
            actor,
            "learners.guide_assigned",
            pupil,
            school=pupil.school,
            guide=guide.pk if guide else None,
            before=before.guide_id if before else None,
        )
    return link


def set_personalisation(
    actor: User, school: School, *, profiles_on: bool, suggestions_on: bool
) -> Personalisation:
    """Turn the school's profiles and suggestions on or off."""
    _require(actor, "personalisation.manage", school)
    with transaction.atomic():
        settings, _ = Personalisation.objects.select_for_update().get_or_create(school=school)
        before = (settings.profiles_on, settings.suggestions_on)
        settings.profiles_on, settings.suggestions_on = profiles_on, suggestions_on
        settings.changed_by = actor
        settings.save()
        record(
            actor,
            "learners.personalisation_set",
            settings,
            school=school,
            profiles_on=profiles_on,
            suggestions_on=suggestions_on,
            before=list(before),
        )
    return settings
