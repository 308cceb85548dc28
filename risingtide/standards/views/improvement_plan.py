"""The improvement plan's pages: its actions (each with its RAG) and milestones, their
changes, the plan's history, and the plan as CSV and PDF to slot into the school's own plan.

Its own module because the plan outlives the self-evaluation it was made from and has its
own capability (``plan.view``, ``plan.edit``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.csvexport import csv_response
from risingtide.lib.forms import refusal_of, refused, show_refusal
from risingtide.lib.pdf import to_pdf
from risingtide.standards import exports, plans, queries
from risingtide.standards.events import credits_spent
from risingtide.standards.forms import ActionForm, MilestoneForm, MilestoneReachedForm
from risingtide.standards.models import PlanAction


def _elements(plan) -> list[tuple[int, str]]:
    if plan.evaluation_id is None:
        return []
    return [
        (e.pk, f"{e.number} {e.name}") for e in plan.evaluation.version.elements.order_by("number")
    ]


def _action_input(form) -> plans.ActionInput:
    data = form.cleaned_data
    return plans.ActionInput(
        what=data["what"],
        who=data["who"],
        due_on=data["due_on"],
        success_criteria=data["success_criteria"],
        cost=data["cost"],
        credits=data["credits"] or 0,
        status=data["status"],
        impact=data["impact"],
        element_id=data["element"],
    )


def _plan_page(request, plan, *, action_form=None, milestone_form=None, failed=None, status=200):
    detail = queries.plan_detail(plan)
    editable = can(request.user, "plan.edit", plan)
    elements = _elements(plan)
    # Budgeted against spent: the bookings linked to each action (in provision, above us).
    spent = credits_spent.merged([row.action.pk for row in detail.actions])
    rows = []
    for row in detail.actions:
        action = row.action
        form = (
            failed[1]
            if failed and failed[0] == action.pk
            else ActionForm(
                initial={
                    "what": action.what,
                    "element": action.element_id,
                    "who": action.who,
                    "due_on": action.due_on,
                    "success_criteria": action.success_criteria,
                    "cost": action.cost,
                    "credits": action.credits,
                    "status": action.status,
                    "impact": action.impact,
                },
                elements=elements,
                prefix=f"a{action.pk}",
            )
        )
        rows.append(
            {"action": action, "rag": row.rag, "form": form, "spent": spent.get(action.pk, 0)}
        )
    return render(
        request,
        "standards/plan.html",
        {
            "plan": plan,
            "school": plan.school,
            "rows": rows,
            "milestones": detail.milestones,
            "rag": detail.rag,
            "rag_label": plans.RAG_LABELS[detail.rag],
            "today": detail.today,
            "editable": editable,
            "action_form": action_form or ActionForm(elements=elements, prefix="new"),
            "milestone_form": milestone_form or MilestoneForm(),
            "totals": exports.plan_totals(detail.action_list),
            "spent": sum(spent.values()),
        },
        status=status,
    )


@require_GET
@requires("plan.view", "pk")
def plan(request, plan):
    return _plan_page(request, plan)


@require_POST
@requires("plan.edit", "pk")
def add_action(request, plan):
    form = ActionForm(request.POST, elements=_elements(plan), prefix="new")
    if form.is_valid():
        try:
            plans.add_action(request.user, plan, _action_input(form))
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Action added to the plan.")
            return redirect("standards:plan", plan.pk)
    return _plan_page(request, plan, action_form=form, status=400)


@require_POST
@requires("plan.edit", "pk")
def update_action(request, plan, action_id):
    if not PlanAction.objects.filter(pk=action_id, plan=plan).exists():
        raise Http404
    form = ActionForm(request.POST, elements=_elements(plan), prefix=f"a{action_id}")
    if form.is_valid():
        try:
            action = plans.update_action(request.user, plan, action_id, _action_input(form))
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Action {action.position} saved.")
            return redirect(reverse("standards:plan", args=[plan.pk]) + f"#action-{action.pk}")
    return _plan_page(request, plan, failed=(action_id, form), status=400)


@require_POST
@requires("plan.edit", "pk")
def add_milestone(request, plan):
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            plans.add_milestone(
                request.user, plan, form.cleaned_data["title"], form.cleaned_data["due_on"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Milestone added.")
            return redirect("standards:plan", plan.pk)
    return _plan_page(request, plan, milestone_form=form, status=400)


@require_POST
@requires("plan.edit", "pk")
def mark_milestone(request, plan, milestone_id):
    if not plan.milestones.filter(pk=milestone_id).exists():
        raise Http404
    form = MilestoneReachedForm(request.POST)
    try:
        if not form.is_valid():
            raise refusal_of(form)
        plans.mark_milestone(request.user, plan, milestone_id, form.cleaned_data["done"])
    except ValidationError as exc:
        refused(request, exc)
    return redirect(reverse("standards:plan", args=[plan.pk]) + "#milestones")


@require_GET
@requires("plan.view", "pk")
def plan_history(request, plan):
    return render(
        request,
        "standards/plan_history.html",
        {"plan": plan, "school": plan.school, "changes": plan.changes.select_related("actor")},
    )


@require_GET
@requires("plan.view", "pk")
def plan_csv(request, plan):
    return csv_response(exports.plan_filename(plan, "csv"), exports.plan_rows(plan))


@require_GET
@requires("plan.view", "pk")
def plan_pdf(request, plan):
    html = render_to_string("standards/plan_pdf.html", exports.plan_context(plan))
    response = HttpResponse(to_pdf(html=html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.plan_filename(plan, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response
