"""A teacher's classroom self-evaluation against the CQS: rate each prompt for all learners and
for G&T learners, alone or with a colleague who observed; see where challenge for G&T learners
lags; place each feature at a level; write next steps; share it with the coordinator.

A reflection is private to its teacher and the observing colleague. The school's coordinator
sees how many reflections were started, completed and shared (a count reveals no ratings), and
the ratings of shared ones only. Changes take the acting person first, check, act, audit.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import School
from risingtide.standards.framework_models import Element, Framework, Level, Prompt, Rating
from risingtide.standards.models import ClassroomEvaluation, FeatureLevel, PromptRating
from risingtide.standards.services import current_version
from risingtide.tasc.services import staff_schools

FRAMEWORK_KEY = "cqs"
STAFF_ROLES = (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD)
RATINGS = list(Rating)
COMPLETE_IS_FINAL = (
    "This reflection is complete: its ratings and levels stay as they were. "
    "Start a new one to reflect again."
)


def school_staff(school_ids) -> QuerySet:
    """The active teachers, leading teachers and heads of these schools."""
    return (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(school__in=school_ids, role__in=STAFF_ROLES).values(
                "user_id"
            ),
        )
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )


def colleagues(actor: User) -> QuerySet:
    """Who may observe the actor: the staff of the actor's schools, the actor left out."""
    return school_staff(staff_schools(actor).values("pk")).exclude(pk=actor.pk)


# --- changes --------------------------------------------------------------------------------


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


def missing(evaluation: ClassroomEvaluation) -> list[str]:
    """What stops the reflection being completed: each prompt not yet rated both ways."""
    return reflection(evaluation).missing


def _unrated(element: Element, prompt: Prompt, rating: PromptRating) -> str | None:
    needs = [
        who
        for who, value in (
            ("for all learners", rating.for_all),
            ("for G&T learners", rating.for_gt),
        )
        if value is None
    ]
    if not needs:
        return None
    return (
        f"Feature {element.number} {element.name}, prompt {element.number}.{prompt.number}: "
        f"rate it {' and '.join(needs)}."
    )


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


# --- reads ----------------------------------------------------------------------------------


def my_evaluations(user: User) -> QuerySet:
    """The person's own reflections and those they observed, newest first, with progress.
    (A coordinator's view of what others shared is the school summary, not this list.)"""
    return (
        visible(user, "classroom_evaluation")
        .filter(Q(teacher=user) | Q(colleague=user))
        .select_related("school", "teacher", "colleague", "version")
        .annotate(
            prompt_count=Count("ratings"),
            rated_count=Count(
                "ratings",
                filter=Q(ratings__for_all__isnull=False, ratings__for_gt__isnull=False),
            ),
            lag_count=Count("ratings", filter=Q(ratings__for_gt__lt=F("ratings__for_all"))),
        )
        .order_by("-created_at", "-pk")
    )


def lags(evaluation: ClassroomEvaluation) -> list[PromptRating]:
    """The prompts where challenge for G&T learners lags challenge for all (G&T rated lower)."""
    return list(
        PromptRating.objects.filter(evaluation=evaluation, for_gt__lt=F("for_all"))
        .select_related("prompt__element")
        .order_by("prompt__element__number", "prompt__number")
    )


@dataclass
class PromptRow:
    prompt: Prompt
    rating: PromptRating


@dataclass
class FeatureRow:
    element: Element
    prompts: list[PromptRow]
    level: FeatureLevel


@dataclass
class Reflection:
    evaluation: ClassroomEvaluation
    features: list[FeatureRow]
    lags: list[PromptRating]
    missing: list[str]

    @property
    def total(self) -> int:
        return sum(len(f.prompts) for f in self.features)

    @property
    def rated(self) -> int:
        return self.total - len(self.missing)


def reflection(evaluation: ClassroomEvaluation) -> Reflection:
    """One reflection as a page shows it: each feature with its prompts and ratings, the
    lags, and what is left to rate (four queries, whatever the number of features)."""
    elements = list(
        Element.objects.filter(version_id=evaluation.version_id)
        .prefetch_related("prompts")
        .order_by("number")
    )
    ratings = {r.prompt_id: r for r in PromptRating.objects.filter(evaluation=evaluation)}
    levels = {f.element_id: f for f in FeatureLevel.objects.filter(evaluation=evaluation)}
    features, lagging, unrated = [], [], []
    for element in elements:
        rows = []
        for prompt in element.prompts.all():
            # A row the reflection lacks reads as not yet rated.
            rating = ratings.get(prompt.pk) or PromptRating(evaluation=evaluation, prompt=prompt)
            rating.prompt = prompt
            rows.append(PromptRow(prompt, rating))
            if rating.gt_lags:
                lagging.append(rating)
            problem = _unrated(element, prompt, rating)
            if problem:
                unrated.append(problem)
        level = levels.get(element.pk) or FeatureLevel(evaluation=evaluation, element=element)
        features.append(FeatureRow(element, rows, level))
    return Reflection(evaluation, features, lagging, unrated)


@dataclass
class PromptSummary:
    prompt: Prompt
    # Teachers at Unsure, Quite well, Very well.
    for_all: list[int]
    for_gt: list[int]
    lagging: int


@dataclass
class FeatureSummary:
    element: Element
    prompts: list[PromptSummary] = field(default_factory=list)


@dataclass
class SchoolSummary:
    school: School
    started: int
    completed: int
    shared: int
    teachers_sharing: int
    features: list[FeatureSummary]
    evaluations: list[ClassroomEvaluation]


def school_summary(user: User, school: School) -> SchoolSummary:
    """The coordinator's view of the school's CQS reflections: how many were started, completed
    and shared (counts reveal no ratings) and, from shared ones only, per prompt how many
    teachers gave each rating for all and for G&T learners and how many show G&T lagging. A
    teacher who shared two reflections counts once for each rating they gave. Four queries."""
    if not can(user, "classroom.summary", school):
        raise PermissionDenied
    counts = ClassroomEvaluation.objects.filter(school=school).aggregate(
        started=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        shared=Count("pk", filter=Q(shared_at__isnull=False)),
        teachers_sharing=Count("teacher", filter=Q(shared_at__isnull=False), distinct=True),
    )
    # Through access, then shared only: a coordinator who is also a teacher sees their own
    # unshared reflection in ``visible``, and it must not reach the summary either.
    shared = visible(user, "classroom_evaluation").filter(school=school, shared_at__isnull=False)
    evaluations = list(
        shared.select_related("teacher", "colleague").order_by(
            "teacher__last_name", "teacher__first_name", "class_name", "pk"
        )
    )
    teachers = "evaluation__teacher"
    tallies = {
        f"all_{r.value}": Count(teachers, filter=Q(for_all=r.value), distinct=True) for r in RATINGS
    } | {f"gt_{r.value}": Count(teachers, filter=Q(for_gt=r.value), distinct=True) for r in RATINGS}
    rows = {
        row["prompt_id"]: row
        for row in PromptRating.objects.filter(evaluation__in=shared.values("pk"))
        .values("prompt_id")
        .annotate(
            **tallies,
            lagging=Count(teachers, filter=Q(for_gt__lt=F("for_all")), distinct=True),
        )
        .order_by()
    }
    features: dict[int, FeatureSummary] = {}
    prompts = (
        Prompt.objects.filter(pk__in=rows)
        .select_related("element")
        .order_by("element__version_id", "element__number", "number")
        if rows
        else []
    )
    for prompt in prompts:
        row = rows[prompt.pk]
        feature = features.setdefault(prompt.element_id, FeatureSummary(prompt.element))
        feature.prompts.append(
            PromptSummary(
                prompt,
                [row[f"all_{r.value}"] for r in RATINGS],
                [row[f"gt_{r.value}"] for r in RATINGS],
                row["lagging"],
            )
        )
    return SchoolSummary(
        school=school, **counts, features=list(features.values()), evaluations=evaluations
    )
