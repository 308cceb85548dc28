"""Changes to a classroom reflection: start one, rate its prompts, place its features, write
next steps, complete it, share it. Each takes the acting person first, checks, acts, audits.

Apart from the reads (queries.py) so that what may change a reflection, and how it is locked
and audited, is in one place.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.people.models import User
from risingtide.schools.models import School
from risingtide.standards.classroom.queries import missing, school_staff
from risingtide.standards.framework_models import Element, Framework, Level, Prompt, Rating
from risingtide.standards.models import ClassroomEvaluation, FeatureLevel, PromptRating
from risingtide.standards.services import current_version
from risingtide.tasc.services import staff_schools

FRAMEWORK_KEY = "cqs"
COMPLETE_IS_FINAL = (
    "This reflection is complete: its ratings and levels stay as they were. "
    "Start a new one to reflect again."
)


def start(
    actor: User,
    school: School,
    class_name: str,
    subject: str = ClassroomEvaluation.Subject.GENERIC,
    colleague_id: int | None = None,
) -> ClassroomEvaluation:
    """Start a reflection on one class or subject at a school where the actor teaches, on the
    current CQS version, optionally with a colleague of the same school who observes."""
    if not can(actor, "classroom.start") or not staff_schools(actor).filter(pk=school.pk).exists():
        raise PermissionDenied
    class_name = (class_name or "").strip()
    problems = {}
    if not class_name:
        problems["class_name"] = "Name the class or group, for example 8B or Year 10 set 1."
    elif len(class_name) > 100:
        problems["class_name"] = "Keep the class name under 100 characters."
    if subject not in ClassroomEvaluation.Subject.values:
        problems["subject"] = "Choose a subject from the list."
    colleague = None
    if colleague_id is not None:
        if colleague_id == actor.pk:
            problems["colleague"] = "The observer is a colleague: choose someone other than you."
        else:
            colleague = school_staff([school.pk]).filter(pk=colleague_id).first()
            if colleague is None:
                problems["colleague"] = f"Choose a member of staff at {school.name}."
    if problems:
        raise ValidationError(problems)
    version = current_version(FRAMEWORK_KEY)
    if version.framework.kind != Framework.Kind.CLASSROOM:
        raise ValidationError("The CQS framework loaded is not a classroom framework.")
    with transaction.atomic():
        evaluation = ClassroomEvaluation.objects.create(
            school=school,
            teacher=actor,
            colleague=colleague,
            version=version,
            class_name=class_name,
            subject=subject,
        )
        PromptRating.objects.bulk_create(
            PromptRating(evaluation=evaluation, prompt=prompt)
            for prompt in Prompt.objects.filter(element__version=version)
        )
        FeatureLevel.objects.bulk_create(
            FeatureLevel(evaluation=evaluation, element=element)
            for element in version.elements.all()
        )
        record(
            actor,
            "classroom.started",
            evaluation,
            school=school,
            version=version.label,
            observed=colleague is not None,
        )
    return evaluation


def _editable(actor: User, evaluation: ClassroomEvaluation) -> None:
    if not can(actor, "classroom_evaluation.edit", evaluation):
        raise PermissionDenied


def _owner(actor: User, evaluation: ClassroomEvaluation, what: str) -> None:
    if evaluation.teacher_id != actor.pk:
        raise PermissionDenied(f"Only the teacher whose reflection this is may {what}.")


def _lock(evaluation: ClassroomEvaluation, *, open_only: bool = True) -> ClassroomEvaluation:
    """Lock the reflection's row (always before its ratings: one lock order) and, for a change
    to ratings or levels, make sure no one completed it meanwhile."""
    locked = ClassroomEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if open_only and locked.completed_at is not None:
        raise ValidationError(COMPLETE_IS_FINAL)
    return locked


def _rating_value(value, name: str, problems: dict, label: str) -> None:
    if value is not None and value not in Rating.values:
        problems[name] = f"Choose Unsure, Quite well or Very well {label}."


def rate(
    actor: User,
    evaluation: ClassroomEvaluation,
    prompt_id: int,
    for_all: int | None,
    for_gt: int | None,
    evidence: str = "",
) -> PromptRating:
    """Rate one prompt for all learners and for G&T learners (either may wait), with evidence.
    The teacher and the observing colleague both rate; the last save is kept."""
    _editable(actor, evaluation)
    problems: dict[str, str] = {}
    _rating_value(for_all, "for_all", problems, "for all learners")
    _rating_value(for_gt, "for_gt", problems, "for G&T learners")
    evidence = (evidence or "").strip()
    if len(evidence) > 5000:
        problems["evidence"] = "Keep the evidence under 5,000 characters."
    if problems:
        raise ValidationError(problems)
    if not Prompt.objects.filter(pk=prompt_id, element__version_id=evaluation.version_id).exists():
        raise ValidationError({"prompt": "That prompt is not part of this reflection."})
    with transaction.atomic():
        _lock(evaluation)
        rating, _ = PromptRating.objects.update_or_create(
            evaluation=evaluation,
            prompt_id=prompt_id,
            defaults={"for_all": for_all, "for_gt": for_gt, "evidence": evidence},
        )
        ClassroomEvaluation.objects.filter(pk=evaluation.pk).update(updated_at=timezone.now())
        record(actor, "classroom.rated", evaluation, school=evaluation.school, prompt=prompt_id)
    return rating


def set_feature(
    actor: User,
    evaluation: ClassroomEvaluation,
    element_id: int,
    level: int | None,
    next_step: str = "",
) -> FeatureLevel:
    """Layer 2: the level the teacher reaches on one feature, and their next step for it."""
    _editable(actor, evaluation)
    problems: dict[str, str] = {}
    if level is not None and level not in Level.values:
        problems["level"] = "Choose Entry, Developing or Exemplary."
    next_step = (next_step or "").strip()
    if len(next_step) > 5000:
        problems["next_step"] = "Keep the next step under 5,000 characters."
    if problems:
        raise ValidationError(problems)
    if not Element.objects.filter(pk=element_id, version_id=evaluation.version_id).exists():
        raise ValidationError({"element": "That feature is not part of this reflection."})
    with transaction.atomic():
        _lock(evaluation)
        feature, _ = FeatureLevel.objects.update_or_create(
            evaluation=evaluation,
            element_id=element_id,
            defaults={"level": level, "next_step": next_step},
        )
        ClassroomEvaluation.objects.filter(pk=evaluation.pk).update(updated_at=timezone.now())
        record(
            actor, "classroom.feature_set", evaluation, school=evaluation.school, element=element_id
        )
    return feature


def write_next_steps(
    actor: User, evaluation: ClassroomEvaluation, text: str
) -> ClassroomEvaluation:
    """The teacher's own next steps. They stay open after completion: turning what the ratings
    showed into next steps often comes afterwards. They are the teacher's own: the observing
    colleague rates with them but does not write these."""
    _editable(actor, evaluation)
    _owner(actor, evaluation, "write the teacher's own next steps")
    text = (text or "").strip()
    if len(text) > 10000:
        raise ValidationError({"next_steps": "Keep your next steps under 10,000 characters."})
    with transaction.atomic():
        locked = _lock(evaluation, open_only=False)
        locked.next_steps = text
        locked.save(update_fields=["next_steps", "updated_at"])
        record(actor, "classroom.next_steps", locked, school=locked.school)
    evaluation.next_steps = text
    return locked


def complete(actor: User, evaluation: ClassroomEvaluation) -> ClassroomEvaluation:
    """Mark the reflection complete once every prompt is rated both ways; its ratings and
    levels are then kept as they are. The teacher decides when it is complete."""
    _editable(actor, evaluation)
    _owner(actor, evaluation, "complete it")
    with transaction.atomic():
        locked = _lock(evaluation, open_only=False)
        if locked.completed_at is not None:
            return locked
        problems = missing(locked)
        if problems:
            raise ValidationError(problems)
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at", "updated_at"])
        record(actor, "classroom.completed", locked, school=locked.school)
    return locked


def share(actor: User, evaluation: ClassroomEvaluation, shared: bool) -> ClassroomEvaluation:
    """Share the reflection with the school's coordinator, or take it back. Only the teacher
    whose reflection it is decides: the observing colleague may not."""
    _editable(actor, evaluation)
    _owner(actor, evaluation, "share it")
    with transaction.atomic():
        locked = _lock(evaluation, open_only=False)
        if shared == (locked.shared_at is not None):
            return locked
        locked.shared_at = timezone.now() if shared else None
        locked.save(update_fields=["shared_at", "updated_at"])
        record(
            actor,
            "classroom.shared" if shared else "classroom.unshared",
            locked,
            school=locked.school,
        )
    return locked
