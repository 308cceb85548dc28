"""The G&T improvement plan: built from a submitted self-evaluation's next steps, then kept up
to date action by action. Every change is kept in the plan's history (``PlanChange``).

RAG status, as LA leads read it: an action is red when it is overdue (due before today and not
done or dropped), amber when it is due within ``AMBER_DAYS`` and not yet started, green
otherwise. A plan is red if any action or milestone is overdue, amber if any action is amber or
it has no actions yet, green otherwise.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from risingtide.access.core import can
from risingtide.audit.models import record
from risingtide.people.models import User
from risingtide.schools.models import School
from risingtide.standards.framework_models import Element
from risingtide.standards.models import (
    ImprovementPlan,
    Milestone,
    PlanAction,
    PlanChange,
    SelfEvaluation,
)

AMBER_DAYS = 14
MAX_CREDITS = 1_000_000
RED, AMBER, GREEN = "red", "amber", "green"
RAG_LABELS = {RED: "Red: overdue", AMBER: "Amber: due soon, not started", GREEN: "Green: on track"}
CLOSED = (PlanAction.Status.DONE, PlanAction.Status.DROPPED)
# What a person may change on an action, and how each is shown in the history.
ACTION_FIELDS = {
    "what": "what",
    "who": "who",
    "due_on": "by when",
    "success_criteria": "success criteria",
    "cost": "cost",
    "credits": "e-credits",
    "status": "status",
    "impact": "evidence of impact",
    "element_id": "element",
}


def action_rag(action: PlanAction, today: dt.date) -> str:
    if action.status in CLOSED or action.due_on is None:
        return GREEN
    if action.due_on < today:
        return RED
    if action.status == PlanAction.Status.NOT_STARTED and action.due_on <= today + dt.timedelta(
        days=AMBER_DAYS
    ):
        return AMBER
    return GREEN


def plan_rag(actions: list[PlanAction], milestones: list[Milestone], today: dt.date) -> str:
    ragged = {action_rag(a, today) for a in actions}
    if RED in ragged or any(m.done_on is None and m.due_on < today for m in milestones):
        return RED
    if AMBER in ragged or not actions:
        return AMBER
    return GREEN


def _plan_end(today: dt.date) -> dt.date:
    """A plan's default end: 31 August of the academic year ``today`` is in, or of the next
    one when less than a term (90 days) of this one is left."""
    year = today.year if today.month < 9 else today.year + 1
    end = dt.date(year, 8, 31)
    return end if (end - today).days >= 90 else dt.date(year + 1, 8, 31)


def create_from(actor: User, evaluation: SelfEvaluation) -> ImprovementPlan:
    """A plan from a submitted self-evaluation: one action for each element with next steps,
    linked to that element, lowest levels first (where the school most needs to move)."""
    school = evaluation.school
    if not can(actor, "standards.plan", school):
        raise PermissionDenied
    if evaluation.is_draft:
        raise ValidationError("Submit the self-evaluation first: a plan is built from a judgement.")
    if evaluation.superseded_at is not None:
        raise ValidationError("A later judgement has replaced this one: plan from that one.")
    today = timezone.localdate()
    made = (
        ImprovementPlan.objects.filter(evaluation=evaluation, ends_on__gte=today)
        .order_by("-starts_on", "-pk")
        .first()
    )
    if made is not None:
        return made  # a second click, or a retry: the plan already made from it
    judgements = (
        evaluation.judgements.exclude(next_steps="")
        .select_related("element")
        .order_by("level", "element__number")
    )
    with transaction.atomic():
        plan = ImprovementPlan.objects.create(
            school=school,
            evaluation=evaluation,
            title=f"G&T improvement plan {_plan_end(today).year - 1}–{_plan_end(today).year}",
            starts_on=today,
            ends_on=_plan_end(today),
            created_by=actor,
        )
        PlanAction.objects.bulk_create(
            PlanAction(plan=plan, element=j.element, what=j.next_steps, position=n)
            for n, j in enumerate(judgements, start=1)
        )
        PlanChange.objects.create(
            plan=plan,
            actor=actor,
            summary=f"Plan made from the self-evaluation submitted "
            f"{timezone.localtime(evaluation.submitted_at):%d %B %Y}, "
            f"with {plan.actions.count()} actions",
        )
        record(actor, "standards.plan_created", plan, school=school)
    return plan


@dataclass
class ActionInput:
    what: str
    who: str = ""
    due_on: dt.date | None = None
    success_criteria: str = ""
    cost: str | Decimal | None = None
    credits: int = 0
    status: str = PlanAction.Status.NOT_STARTED
    impact: str = ""
    element_id: int | None = None


def _clean(plan: ImprovementPlan, data: ActionInput) -> dict:
    problems = {}
    what = (data.what or "").strip()
    if not what:
        problems["what"] = "Say what will be done."
    if data.status not in PlanAction.Status.values:
        problems["status"] = "Choose not started, in progress, done or dropped."
    cost = data.cost
    if cost in ("", None):
        cost = None
    else:
        try:
            cost = Decimal(str(cost).replace("£", "").replace(",", "").strip())
            if not cost.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            cost = None
            problems["cost"] = "Give the cost in pounds, e.g. 250 or 250.00."
        else:
            if cost < 0 or cost >= Decimal("10000000") or cost != cost.quantize(Decimal("0.01")):
                problems["cost"] = "Give a cost between £0 and £9,999,999.99, to the penny."
    if (
        not isinstance(data.credits, int)
        or isinstance(data.credits, bool)
        or not 0 <= data.credits <= MAX_CREDITS
    ):
        problems["credits"] = f"Give a whole number of e-credits from 0 to {MAX_CREDITS:,}."
    element_id = data.element_id
    if (
        element_id is not None
        and not Element.objects.filter(pk=element_id, version__in=_plan_versions(plan)).exists()
    ):
        problems["element_id"] = "Choose an element of the school's framework."
    for name, limit in (("what", 2000), ("success_criteria", 2000), ("impact", 5000)):
        if len(getattr(data, name) or "") > limit:
            problems[name] = f"Keep this under {limit:,} characters."
    if len(data.who or "") > 200:
        problems["who"] = "Keep this under 200 characters."
    if problems:
        raise ValidationError(problems)
    return {
        "what": what,
        "who": (data.who or "").strip(),
        "due_on": data.due_on,
        "success_criteria": (data.success_criteria or "").strip(),
        "cost": cost,
        "credits": data.credits,
        "status": data.status,
        "impact": (data.impact or "").strip(),
        "element_id": element_id,
    }


def _plan_versions(plan: ImprovementPlan):
    return SelfEvaluation.objects.filter(school=plan.school_id).values("version_id")


def _editable(actor: User, plan: ImprovementPlan) -> None:
    if not can(actor, "plan.edit", plan):
        raise PermissionDenied


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def add_action(actor: User, plan: ImprovementPlan, data: ActionInput) -> PlanAction:
    _editable(actor, plan)
    values = _clean(plan, data)
    with transaction.atomic():
        ImprovementPlan.objects.select_for_update().filter(pk=plan.pk).first()
        last = plan.actions.aggregate(n=Max("position"))["n"] or 0
        if values["status"] == PlanAction.Status.DONE:
            values["done_on"] = timezone.localdate()
        action = PlanAction.objects.create(plan=plan, position=last + 1, **values)
        PlanChange.objects.create(
            plan=plan,
            actor=actor,
            summary=f"Added action {action.position}: {action.what[:200]}",
            changes={
                ACTION_FIELDS[k]: ["", _shown(v)]
                for k, v in values.items()
                if v and k in ACTION_FIELDS
            },
        )
    return action


def update_action(
    actor: User, plan: ImprovementPlan, action_id: int, data: ActionInput
) -> PlanAction:
    """Change an action; the history keeps each field's value before and after."""
    _editable(actor, plan)
    values = _clean(plan, data)
    with transaction.atomic():
        action = PlanAction.objects.select_for_update().filter(pk=action_id, plan=plan).first()
        if action is None:
            raise ValidationError("That action is not part of this plan.")
        changes = {
            ACTION_FIELDS[k]: [_shown(getattr(action, k)), _shown(v)]
            for k, v in values.items()
            if _shown(getattr(action, k)) != _shown(v)
        }
        if not changes:
            return action
        for k, v in values.items():
            setattr(action, k, v)
        if action.status == PlanAction.Status.DONE and action.done_on is None:
            action.done_on = timezone.localdate()
        elif action.status != PlanAction.Status.DONE:
            action.done_on = None
        action.save()
        PlanChange.objects.create(
            plan=plan,
            actor=actor,
            summary=f"Changed action {action.position}: {', '.join(changes)}",
            changes=changes,
        )
    return action


def add_milestone(actor: User, plan: ImprovementPlan, title: str, due_on: dt.date) -> Milestone:
    _editable(actor, plan)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationError({"title": "Name the milestone (up to 200 characters)."})
    if due_on is None:
        raise ValidationError({"due_on": "Give the date the milestone falls on."})
    with transaction.atomic():
        milestone = Milestone.objects.create(plan=plan, title=title, due_on=due_on)
        PlanChange.objects.create(
            plan=plan,
            actor=actor,
            summary=f"Added milestone: {title}",
            changes={"milestone": ["", f"{title} ({due_on.isoformat()})"]},
        )
    return milestone


def mark_milestone(actor: User, plan: ImprovementPlan, milestone_id: int, done: bool) -> Milestone:
    _editable(actor, plan)
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().filter(pk=milestone_id, plan=plan).first()
        if milestone is None:
            raise ValidationError("That milestone is not part of this plan.")
        before = _shown(milestone.done_on)
        milestone.done_on = timezone.localdate() if done else None
        if _shown(milestone.done_on) != before:
            milestone.save(update_fields=["done_on"])
            PlanChange.objects.create(
                plan=plan,
                actor=actor,
                summary=f"Milestone {'reached' if done else 'reopened'}: {milestone.title}",
                changes={"reached on": [before, _shown(milestone.done_on)]},
            )
    return milestone


def current_plan(school: School) -> ImprovementPlan | None:
    """The school's running plan: the newest started whose period has not ended."""
    today = timezone.localdate()
    return (
        ImprovementPlan.objects.filter(school=school, starts_on__lte=today, ends_on__gte=today)
        .order_by("-starts_on", "-pk")
        .first()
    )
