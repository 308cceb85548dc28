"""What leaves the standards pages as files: the improvement plan (CSV, PDF) to slot into the
school's own plan, the LA's monitoring table and the national indicator (CSV)."""

from decimal import Decimal

from django.utils import timezone

from risingtide.standards import plans
from risingtide.standards.framework_models import Level
from risingtide.standards.models import ImprovementPlan, PlanAction
from risingtide.standards.monitoring import Monitoring
from risingtide.standards.national import Indicator

LEVEL_NAMES = {lv.value: lv.label for lv in Level}


def plan_totals(actions: list[PlanAction]) -> dict:
    open_actions = [a for a in actions if a.status not in plans.CLOSED]
    today = timezone.localdate()
    return {
        "cost": sum((a.cost or Decimal(0) for a in actions), Decimal(0)),
        "credits": sum(a.credits for a in actions),
        "done": sum(1 for a in actions if a.status == PlanAction.Status.DONE),
        "overdue": sum(1 for a in open_actions if a.due_on and a.due_on < today),
        "count": len(actions),
    }


def plan_filename(plan: ImprovementPlan, ext: str) -> str:
    return f"gt-improvement-plan-{plan.school.urn}-{plan.starts_on:%Y%m%d}.{ext}"


PLAN_HEADER = [
    "Action",
    "Element",
    "What",
    "Who",
    "By when",
    "Success criteria",
    "Cost (£)",
    "E-credits",
    "Status",
    "RAG",
    "Evidence of impact",
    "Done on",
]


def plan_rows(plan: ImprovementPlan):
    today = timezone.localdate()
    yield PLAN_HEADER
    for a in plan.actions.select_related("element"):
        yield [
            a.position,
            f"{a.element.number} {a.element.name}" if a.element else "",
            a.what,
            a.who,
            a.due_on.isoformat() if a.due_on else "",
            a.success_criteria,
            f"{a.cost:.2f}" if a.cost is not None else "",
            a.credits,
            a.get_status_display(),
            plans.action_rag(a, today),
            a.impact,
            a.done_on.isoformat() if a.done_on else "",
        ]
    for m in plan.milestones.all():
        yield ["Milestone", "", m.title, "", m.due_on.isoformat(), "", "", "", "", "", "",
               m.done_on.isoformat() if m.done_on else ""]  # fmt: skip


def plan_context(plan: ImprovementPlan) -> dict:
    today = timezone.localdate()
    actions = list(plan.actions.select_related("element"))
    milestones = list(plan.milestones.all())
    return {
        "plan": plan,
        "school": plan.school,
        "rows": [{"action": a, "rag": plans.action_rag(a, today)} for a in actions],
        "milestones": milestones,
        "rag": (rag := plans.plan_rag(actions, milestones, today)),
        "rag_label": plans.RAG_LABELS[rag],
        "totals": plan_totals(actions),
        "made_on": today,
    }


def monitoring_rows(monitoring: Monitoring):
    yield [
        "School",
        "URN",
        "Phase",
        "Leading teacher",
        "Overall level",
        *[f"{e.number} {e.name}" for e in monitoring.elements],
        "Submitted",
        "Last review",
        "Current plan",
        "Actions due",
        "Actions overdue",
        "Actions done",
    ]
    for line in monitoring.lines:
        yield [
            line.school.name,
            line.school.urn,
            line.school.get_phase_display(),
            "yes" if line.has_leading_teacher else "no",
            LEVEL_NAMES.get(line.overall, "not judged"),
            *[LEVEL_NAMES.get(lv, "") for lv in line.level_cells],
            timezone.localtime(line.submitted_at).date().isoformat() if line.submitted_at else "",
            line.last_review.isoformat() if line.last_review else "",
            "yes" if line.plan_id else "no",
            line.due,
            line.overdue,
            line.done,
        ]


def indicator_rows(indicator: Indicator):
    header = ["Breakdown", "Group", *[lv.label for lv in Level], "Not yet judged", "Schools"]
    yield header
    yield ["Overall", "All schools", *indicator.overall.cells, indicator.overall.total]
    for element, counts in indicator.elements:
        yield ["Element", f"{element.number} {element.name}", *counts.cells, counts.total]
    for counts in indicator.by_la:
        yield ["Local authority", counts.label, *counts.cells, counts.total]
    for counts in indicator.by_phase:
        yield ["Phase", counts.label, *counts.cells, counts.total]
    for counts in indicator.over_time:
        yield ["Year", counts.label, *counts.cells, counts.total]
    yield ["CQS", "Schools with a completed classroom reflection", "", "", "", "",
           indicator.classroom_schools]  # fmt: skip
    for _, counts in indicator.classroom:
        yield ["CQS feature (shared reflections)", counts.label, *counts.cells, counts.total]
