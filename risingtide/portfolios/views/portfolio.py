"""A portfolio and its stages: the pupil's way in, the portfolio page, marking a stage done and
each stage's thinking tool.

Kept together because they are the portfolio as a whole, stage by stage; what goes inside a
stage is in items.
"""

from dataclasses import astuple
from hashlib import sha1

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.forms import refused
from risingtide.lib.kept import TOKEN, kept, with_token
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
    return redirect("portfolios:portfolio", portfolio.pk)


def board_url(portfolio_id: int, stage: str, target: str = "stage") -> str:
    """The board open at ``stage``, with ``target`` (an element's id) to take the focus."""
    return f"{reverse('portfolios:portfolio', args=[portfolio_id])}?stage={stage}#{target}"


@require_GET
@requires("portfolio.view", "pk")
def portfolio(request, portfolio):
    """The board, kept per viewer under the portfolio's content version (``board_key``):
    rendering it again only when something it shows was written."""
    item_filter = queries.ItemFilter.from_query(request.GET)

    def build() -> dict:
        context = queries.portfolio_page(request.user, portfolio, item_filter)
        context.update(events.page_parts.merged(request, portfolio, "portfolio"))
        context["can_edit"] = can(request.user, "portfolio.edit", portfolio)
        context["editable"] = context["can_edit"] and context["project"].status == "open"
        context["show_author"] = len(context["members"]) > 1  # a group's: who added what
        context["unread_here"] = sum(1 for t in context.get("threads", []) if t.unread)
        context["csrf_token"] = TOKEN
        searching, stage = item_filter.searching, context["stage"]
        return {
            "title": f"{'Search' if searching else stage.title}: {context['project'].title}",
            "can_edit": context["can_edit"],
            "body": render_to_string("portfolios/_board_page.html", context, request),
        }

    page = kept(board_key(request.user, portfolio, item_filter), build)
    return render(
        request,
        "portfolios/portfolio.html",
        {**page, "body": with_token(page["body"], request)},
    )


def board_key(viewer, portfolio, item_filter) -> str:
    """Everything the board page shows is decided by: the portfolio's content version (moved
    on by the database with every write to what it shows, its project and wheel included), the
    portfolio row's own fields, the viewer and what they may do (their access version: unread
    marks, forms and buttons differ per viewer), and the filter asked for."""
    wanted = sha1(repr(astuple(item_filter)).encode(), usedforsecurity=False).hexdigest()[:16]
    return (
        f"board:{portfolio.pk}:{portfolio.content_version}:{portfolio.current_stage}:"
        f"{sha1(portfolio.name.encode(), usedforsecurity=False).hexdigest()[:8]}:"
        f"{viewer.pk}:{viewer.access_version}:{int(viewer.is_superuser)}:{wanted}"
    )


@require_POST
@requires("portfolio.edit", "pk")
def stage_done(request, portfolio, stage: str):
    """Finish a stage and go on to the next one (or open it again), saying so."""
    if stage not in STAGE_ORDER:
        return redirect("portfolios:portfolio", portfolio.pk)
    done = request.POST.get("done") == "1"
    try:
        services.set_stage_done(request.user, portfolio, stage, done)
    except ValidationError as exc:
        refused(request, exc)
        return redirect(board_url(portfolio.pk, stage, "finish"))
    titles = dict(portfolio.project.wheel.stages.values_list("stage", "title"))
    if not done:
        messages.success(request, f"{titles[stage]} is open again.")
        return redirect(board_url(portfolio.pk, stage))
    index = STAGE_ORDER.index(stage)
    if index + 1 == len(STAGE_ORDER):
        messages.success(request, f"Well done! You finished {titles[stage]}, the last stage.")
        return redirect(board_url(portfolio.pk, stage))
    following = STAGE_ORDER[index + 1]
    messages.success(request, f"Well done! You finished {titles[stage]}. Now: {titles[following]}.")
    return redirect(board_url(portfolio.pk, following))


# Posted fields that are choices, not words a pupil typed.
NOT_WORDS = (
    "csrfmiddlewaretoken",
    "version",
    "score_",
    "item",
    "chosen",
    "done_",
    "criterion_",
    "draft",
)


@require_http_methods(["GET", "POST"])
@requires("portfolio.view", "pk")
def stage_tool(request, portfolio, stage: str):
    """The thinking tool for one stage: read-only for staff, editable by the pupil. A save
    asking for JSON is the autosave (autosave.js): the new version, or 409 when another copy
    saved first, as a note's autosave answers."""
    if stage not in STAGE_ORDER:
        raise Http404
    autosave = request.headers.get("Accept", "").startswith("application/json")
    work = StageWork.objects.filter(portfolio=portfolio, stage=stage).first()
    status = 200
    if request.method == "POST":
        try:
            base = int(request.POST.get("version", "x"))
            saved = tools.save_stage_work(request.user, portfolio, stage, request.POST, base)
        except services.EditConflict as conflict:
            message = (
                "Someone else saved this tool while you were working on it. Their version is "
                "shown now; your changes were not saved, so add them again."
            )
            if autosave:
                return JsonResponse(
                    {"error": "conflict", "message": message, "version": conflict.current_version},
                    status=409,
                )
            messages.error(request, message)
            status = 409
        except (ValidationError, ValueError) as exc:
            reason = " ".join(getattr(exc, "messages", ["Check the form."]))
            if autosave:
                return JsonResponse({"error": reason}, status=400)
            messages.error(request, reason)
            status = 400
        else:
            if autosave:
                return JsonResponse(
                    {"version": saved.version, "saved_at": saved.updated_at.isoformat()}
                )
            messages.success(request, "Saved.")
            return redirect(
                f"{reverse('portfolios:stage_tool', args=[portfolio.pk, stage])}#tool-save"
            )
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
