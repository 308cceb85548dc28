"""A portfolio and its stages: the pupil's way in, the portfolio page, marking a stage done and
each stage's thinking tool.

Kept together because they are the portfolio as a whole, stage by stage; what goes inside a
stage is in items.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.forms import refused
from risingtide.portfolios import events, groups, queries, services, tools
from risingtide.portfolios.models import StageWork
from risingtide.tasc.models import STAGE_ORDER


@require_GET
@requires("project.work", "pk")
def my_portfolio(request, project):
    """A pupil's way in: their portfolio for this project, made on first visit."""
    try:
        portfolio = services.portfolio_for(request.user, project)
    except groups.NotInGroup:
        choosing = project.pupils_choose_groups and project.status == project.Status.OPEN
        return render(
            request,
            "portfolios/no_group.html",
            {"project": project, "open_groups": groups.open_groups(project) if choosing else None},
        )
    return redirect("portfolio", portfolio.pk)


@require_GET
@requires("portfolio.view", "pk")
def portfolio(request, portfolio):
    context = queries.portfolio_page(portfolio, queries.ItemFilter.from_query(request.GET))
    context.update(events.page_parts.merged(request, portfolio, "portfolio"))
    context["can_edit"] = can(request.user, "portfolio.edit", portfolio)
    return render(request, "portfolios/portfolio.html", context)


@require_POST
@requires("portfolio.edit", "pk")
def stage_done(request, portfolio, stage: str):
    if stage not in STAGE_ORDER:
        return redirect("portfolio", portfolio.pk)
    try:
        services.set_stage_done(request.user, portfolio, stage, request.POST.get("done") == "1")
    except ValidationError as exc:
        refused(request, exc)
    return redirect("portfolio", portfolio.pk)


# Posted fields that are choices, not words a pupil typed.
NOT_WORDS = ("csrfmiddlewaretoken", "version", "score_", "item", "chosen", "done_", "criterion_")


@require_http_methods(["GET", "POST"])
@requires("portfolio.view", "pk")
def stage_tool(request, portfolio, stage: str):
    """The thinking tool for one stage: read-only for staff, editable by the pupil."""
    if stage not in STAGE_ORDER:
        raise Http404
    work = StageWork.objects.filter(portfolio=portfolio, stage=stage).first()
    status = 200
    if request.method == "POST":
        try:
            base = int(request.POST.get("version", "x"))
            tools.save_stage_work(request.user, portfolio, stage, request.POST, base)
        except services.EditConflict:
            messages.error(
                request,
                "Someone else saved this tool while you were working on it. Their version is "
                "shown now; your changes were not saved, so add them again.",
            )
            status = 409
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", ["Check the form."])))
            status = 400
        else:
            messages.success(request, "Saved.")
            return redirect("stage_tool", portfolio.pk, stage)
        work = StageWork.objects.filter(portfolio=portfolio, stage=stage).first()
    page = queries.stage_tool_page(portfolio, stage, work)
    page.update(events.page_parts.merged(request, portfolio, "stage_tool", stage=stage))
    page["can_edit"] = can(request.user, "portfolio.edit", portfolio)
    if status != 200:  # not saved: show what the pupil wrote, so none of it is lost
        page["unsaved"] = [
            value
            for key, values in request.POST.lists()
            if not key.startswith(NOT_WORDS)
            for value in values
            if value.strip()
        ]
    return render(request, "portfolios/stage_tool.html", page, status=status)
