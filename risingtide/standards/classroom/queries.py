"""Reading classroom reflections: who may observe a teacher, a person's own reflections, one
reflection as its page shows it (with its lags and what is left to rate), and the
coordinator's summary of what the school's teachers shared. Each reads a fixed number of
queries.

Apart from the changes (services.py), which read through it: completing a reflection asks
what is still missing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet

from risingtide.access.core import can, visible
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import School
from risingtide.standards.framework_models import Element, Prompt, Rating
from risingtide.standards.models import ClassroomEvaluation, FeatureLevel, PromptRating
from risingtide.tasc.services import staff_schools

STAFF_ROLES = (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD)
RATINGS = list(Rating)


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
