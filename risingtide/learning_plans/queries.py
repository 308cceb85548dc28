"""What the plan pages and the API read, as data: a plan as the viewer may see it, what may be
linked as evidence, and a learning guide's caseload. Each reads a fixed number of queries
whatever the plan or caseload holds, and every filter on pupils' things goes through
``access.core.visible``, so the page and the API show exactly the same."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.feedback.models import Comment
from risingtide.learning_plans.access import SUBJECT
from risingtide.learning_plans.models import Evidence, LearningPlan, Message, Review, Target
from risingtide.opportunities import entitlement
from risingtide.opportunities.models import Participation
from risingtide.people.models import User
from risingtide.register.models import Pupil

# An evidence kind (the ``Evidence`` field) → the ``EvidenceChoices`` list it is chosen from.
EVIDENCE_KINDS = {"item": "items", "next_step": "next_steps", "participation": "participations"}
EVIDENCE_LABELS = {
    "item": "Portfolio item",
    "next_step": "Next step",
    "participation": "Opportunity",
}
WORKING_LIMIT = 5  # targets worked on at once: a few, in the pupil's words
# An opportunity counts as evidence once the pupil holds a place on it or has taken part.
EVIDENCE_PARTICIPATION = (Participation.State.PLACE, Participation.State.TOOK_PART)


def pupil_name(pupil: Pupil) -> str:
    """The name the school uses for the pupil day to day."""
    forename = pupil.preferred_forename or pupil.legal_forename
    surname = pupil.preferred_surname or pupil.legal_surname
    return f"{forename} {surname}"


# --- Evidence a target may have -----------------------------------------------------------


@dataclass
class EvidenceChoices:
    """What ``actor`` may link as evidence on ``pupil``'s plan, as scoped querysets: the
    pupil's portfolio items and the next steps on their portfolios (as far as the actor sees
    them), and the opportunities they hold a place on or took part in."""

    items: QuerySet
    next_steps: QuerySet
    participations: QuerySet


def evidence_choices(actor: User, pupil: Pupil) -> EvidenceChoices:
    account = pupil.account_id or 0  # a record without an account has no portfolios
    mine = Q(portfolio__memberships__pupil_id=account)
    return EvidenceChoices(
        items=visible(actor, "item")
        .filter(mine)
        .select_related("portfolio__project")
        .order_by("-updated_at", "-pk"),
        next_steps=visible(actor, "comment")
        .filter(mine, kind=Comment.Kind.NEXT_STEP)
        .select_related("portfolio__project", "item")
        .order_by("-created_at", "-pk"),
        participations=visible(actor, "participation")
        .filter(pupil=pupil, state__in=EVIDENCE_PARTICIPATION)
        .select_related("opportunity")
        .order_by("-updated_at", "-pk"),
    )


@dataclass
class Choice:
    kind: str
    id: int
    title: str
    detail: str

    @property
    def value(self) -> str:
        """As the picker sends it: ``kind:id``."""
        return f"{self.kind}:{self.id}"


@dataclass
class ChoiceGroup:
    kind: str
    label: str
    choices: list[Choice]


def _item_choice(item) -> Choice:
    return Choice(
        "item", item.pk, item.title, f"{item.portfolio.project.title} · {item.get_stage_display()}"
    )


def _next_step_choice(comment) -> Choice:
    about = comment.item.title if comment.item_id else comment.portfolio.project.title
    return Choice(
        "next_step", comment.pk, _short(comment.body), f"On {about} · {comment.get_state_display()}"
    )


def _participation_choice(p) -> Choice:
    return Choice("participation", p.pk, p.opportunity.title, p.get_state_display())


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def choice_groups(actor: User, pupil: Pupil) -> list[ChoiceGroup]:
    """The picker's choices, grouped by kind, each with its title (three queries)."""
    found = evidence_choices(actor, pupil)
    return [
        ChoiceGroup("item", "Portfolio items", [_item_choice(i) for i in found.items]),
        ChoiceGroup(
            "next_step",
            "Next steps from teachers",
            [_next_step_choice(c) for c in found.next_steps],
        ),
        ChoiceGroup(
            "participation",
            "Opportunities (a place, or taken part)",
            [_participation_choice(p) for p in found.participations],
        ),
    ]


# --- A plan as the viewer sees it -----------------------------------------------------------


@dataclass
class EvidenceShown:
    id: int
    kind: str
    object_id: int  # the item's, next step's or participation's id
    label: str
    title: str
    detail: str
    url: str | None  # None where the viewer may not open it (a carer, an opportunity)


@dataclass
class TargetShown:
    target: Target
    evidence: list[EvidenceShown] = field(default_factory=list)
    review_due: bool = False


@dataclass
class PlanPage:
    pupil: Pupil
    name: str
    plan: LearningPlan | None
    guide: User | None
    viewer_is_pupil: bool
    may_write: bool
    may_review: bool
    may_comment: bool
    working: list[TargetShown]
    achieved: list[TargetShown]
    set_aside: list[TargetShown]
    reviews: list[Review]
    messages: list[Message]
    today: date

    @property
    def targets(self) -> list[TargetShown]:
        return self.working + self.achieved + self.set_aside

    @property
    def next_review_on(self) -> date | None:
        return self.plan.next_review_on if self.plan else None

    @property
    def review_overdue(self) -> bool:
        return self.next_review_on is not None and self.next_review_on < self.today

    @property
    def room_for_more(self) -> bool:
        return len(self.working) < WORKING_LIMIT


def _allowed(viewer: User, action: str) -> Exists:
    return Exists(visible(viewer, SUBJECT, action).filter(pk=OuterRef("pk")))


def _evidence_shown(e: Evidence, items: set[int], portfolios: set[int]) -> EvidenceShown:
    if e.item_id:
        item = e.item
        url = reverse("portfolios:item", args=[item.pk]) if item.pk in items else None
        return EvidenceShown(
            e.pk,
            "item",
            item.pk,
            EVIDENCE_LABELS["item"],
            item.title,
            f"{item.portfolio.project.title} · {item.get_stage_display()}",
            url,
        )
    if e.next_step_id:
        step = e.next_step
        about = step.item.title if step.item_id else step.portfolio.project.title
        if step.item_id and step.item_id in items:
            url = reverse("portfolios:item", args=[step.item_id])
        elif step.portfolio_id in portfolios:
            url = reverse("portfolios:portfolio", args=[step.portfolio_id])
        else:
            url = None
        return EvidenceShown(
            e.pk,
            "next_step",
            step.pk,
            EVIDENCE_LABELS["next_step"],
            _short(step.body),
            f"On {about}",
            url,
        )
    p = e.participation
    return EvidenceShown(
        e.pk,
        "participation",
        p.pk,
        EVIDENCE_LABELS["participation"],
        p.opportunity.title,
        p.get_state_display(),
        None,
    )


def plan_page(viewer: User, pupil: Pupil) -> PlanPage:
    """The pupil's plan as ``viewer`` may see it (the guard has checked they may see it): at
    most seven queries, however many targets, pieces of evidence, reviews and messages."""
    row = (
        Pupil.objects.filter(pk=pupil.pk)
        .select_related("school", "learning_plan", "learning_guide__guide")
        .annotate(
            may_write=_allowed(viewer, "learning_plan.write_target"),
            may_review=_allowed(viewer, "learning_plan.review"),
            may_comment=_allowed(viewer, "learning_plan.comment"),
        )
        .get()
    )
    plan = getattr(row, "learning_plan", None)
    guide = getattr(row, "learning_guide", None)
    today = timezone.localdate()
    targets: list[Target] = []
    reviews: list[Review] = []
    messages: list[Message] = []
    if plan is not None:
        evidence = Evidence.objects.select_related(
            "item__portfolio__project",
            "next_step__portfolio__project",
            "next_step__item",
            "participation__opportunity",
        ).order_by("added_at", "pk")
        targets = list(plan.targets.prefetch_related(Prefetch("evidence", queryset=evidence)))
        reviews = list(plan.reviews.select_related("reviewed_by"))
        messages = list(plan.messages.all())
    linked = [e for t in targets for e in t.evidence.all()]
    item_ids = {e.item_id for e in linked if e.item_id}
    item_ids |= {e.next_step.item_id for e in linked if e.next_step_id and e.next_step.item_id}
    portfolio_ids = {e.next_step.portfolio_id for e in linked if e.next_step_id}
    items = (
        set(visible(viewer, "item").filter(pk__in=item_ids).values_list("pk", flat=True))
        if item_ids
        else set()
    )
    portfolios = (
        set(visible(viewer, "portfolio").filter(pk__in=portfolio_ids).values_list("pk", flat=True))
        if portfolio_ids
        else set()
    )
    shown = {
        state: [
            TargetShown(
                t,
                [_evidence_shown(e, items, portfolios) for e in t.evidence.all()],
                review_due=t.review_on is not None and t.review_on <= today,
            )
            for t in targets
            if t.state == state
        ]
        for state in Target.State.values
    }
    return PlanPage(
        pupil=row,
        name=pupil_name(row),
        plan=plan,
        guide=guide.guide if guide else None,
        viewer_is_pupil=row.account_id is not None and row.account_id == viewer.pk,
        may_write=row.may_write,
        may_review=row.may_review,
        may_comment=row.may_comment,
        working=shown[Target.State.WORKING],
        achieved=shown[Target.State.ACHIEVED],
        set_aside=shown[Target.State.SET_ASIDE],
        reviews=reviews,
        messages=messages,
        today=today,
    )


def own_record(user: User) -> Pupil | None:
    """The pupil record the signed-in pupil's plan hangs on (their school's record of them)."""
    return visible(user, SUBJECT).filter(account_id=user.pk).order_by("-on_roll", "-pk").first()


# --- A learning guide's caseload ------------------------------------------------------------


@dataclass
class CaseloadRow:
    """One pupil a guide guides. ``entitlement`` is where they stand against their school's
    entitlement this term (``opportunities.entitlement.Standing``), or None when they are not
    on this year's register."""

    pupil: Pupil
    name: str
    nc_year: str
    working_targets: int
    achieved_targets: int
    last_review_on: date | None
    next_review_on: date | None
    today: date
    entitlement: Any = None

    @property
    def not_reviewed(self) -> bool:
        return self.last_review_on is None

    @property
    def overdue(self) -> bool:
        return self.next_review_on is not None and self.next_review_on < self.today


def _count(state: str) -> Subquery:
    return Coalesce(
        Subquery(
            Target.objects.filter(plan__pupil=OuterRef("pk"), state=state)
            .order_by()
            .values("plan")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def caseload_rows(guide: User) -> list[CaseloadRow]:
    """The pupils ``guide`` is the learning guide of (as far as they may see their plans), in
    one query: those never reviewed first, then the most overdue, then by next review date."""
    today = timezone.localdate()
    last_review = Review.objects.filter(plan__pupil=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    pupils = (
        visible(guide, SUBJECT)
        .filter(learning_guide__guide=guide)
        .select_related("school")  # the entitlement is asked school by school
        .annotate(
            working_targets=_count(Target.State.WORKING),
            achieved_targets=_count(Target.State.ACHIEVED),
            last_review_on=Subquery(last_review.values("reviewed_on")[:1]),
            next_review_on=Subquery(
                LearningPlan.objects.filter(pupil=OuterRef("pk")).values("next_review_on")[:1]
            ),
        )
    )
    rows = [
        CaseloadRow(
            pupil=p,
            name=pupil_name(p),
            nc_year=p.nc_year,
            working_targets=p.working_targets,
            achieved_targets=p.achieved_targets,
            last_review_on=p.last_review_on,
            next_review_on=p.next_review_on,
            today=today,
        )
        for p in pupils
    ]
    # Where each pupil stands against their school's entitlement this term: one reading per
    # school (a guide's caseload is nearly always one school), never one per pupil.
    by_school: dict[int, list[CaseloadRow]] = {}
    for row in rows:
        by_school.setdefault(row.pupil.school_id, []).append(row)
    for school_rows in by_school.values():
        found = entitlement.standing(
            school_rows[0].pupil.school, pupil_ids=[r.pupil.pk for r in school_rows]
        )
        for row in school_rows:
            row.entitlement = found.get(row.pupil.pk)
    rows.sort(
        key=lambda r: (
            not r.not_reviewed,
            r.next_review_on is None,
            r.next_review_on or date.max,
            (r.pupil.legal_surname, r.pupil.legal_forename),
        )
    )
    return rows
