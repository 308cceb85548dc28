import math

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from risingtide.access.core import can, requires
from risingtide.lib import jsondata
from risingtide.lib.forms import refused
from risingtide.lib.markup import markdown
from risingtide.portfolios import events, groups, queries, services, tools
from risingtide.portfolios.models import Connection, Portfolio, StageWork
from risingtide.tasc.models import STAGE_ORDER, Stage


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


@require_POST
@requires("project.work", "pk")
def choose_group(request, project):
    raw = request.POST.get("group", "")
    try:
        group = groups.choose_group(
            request.user, project, int(raw) if raw.isascii() and raw.isdigit() else None
        )
    except ValidationError as exc:
        refused(request, exc)
        return redirect("my_portfolio", project.pk)
    messages.success(request, f"You are in {group.name}.")
    return redirect("portfolio", group.pk)


@require_http_methods(["GET", "POST"])
@requires("portfolio.view", "pk")
def discussion(request, portfolio):
    """A group's discussion thread: members and their teachers."""
    if request.method == "POST":
        try:
            groups.post_message(request.user, portfolio, request.POST.get("body", ""))
        except ValidationError as exc:
            refused(request, exc)
        return redirect(reverse("discussion", args=[portfolio.pk]) + "#latest")
    context = queries.discussion_page(portfolio)
    context["can_post"] = can(request.user, "portfolio.edit", portfolio) or can(
        request.user, "portfolio.comment", portfolio
    )
    return render(request, "portfolios/discussion.html", context)


@require_http_methods(["GET", "POST"])
@requires("portfolio.view", "pk")
def contributions(request, portfolio):
    """Each member's view of who gave how much; the teacher sees them all."""
    staff = can(request.user, "portfolio.comment", portfolio)
    if request.method == "POST":
        shares = {}
        for key, value in request.POST.items():
            digits = key[6:]
            if (
                key.startswith("share_")
                and digits.isascii()
                and digits.isdigit()
                and len(digits) < 12
                and value in ("1", "2", "3", "4")
            ):
                member = int(digits)
                shares[member] = (int(value), request.POST.get(f"comment_{member}", ""))
        try:
            groups.rate_contributions(request.user, portfolio, shares)
        except ValidationError as exc:
            refused(request, exc)
        else:
            messages.success(request, "Saved.")
        return redirect("contributions", portfolio.pk)
    context = queries.contributions_page(request.user, portfolio, staff)
    context["is_member"] = any(m.pk == request.user.pk for m in context["members"])
    return render(request, "portfolios/contributions.html", context)


@require_http_methods(["GET", "POST"])
@requires("project.edit", "pk")
def project_groups(request, project):
    """A group project's groups: make them from chosen pupils or split the class, move
    pupils in and out. Every change names the group and pupils through the project."""
    if request.method == "POST":
        try:
            _change_groups(request, project)
        except ValidationError as exc:
            refused(request, exc)
        return redirect("project_groups", project.pk)
    return render(request, "portfolios/groups.html", queries.groups_page(request.user, project))


def _change_groups(request, project) -> None:
    def ids(name):
        return [int(v) for v in request.POST.getlist(name) if v.isascii() and v.isdigit()][:100]

    action = request.POST.get("action", "")
    pupils = groups.assigned_pupils(request.user, project)
    group = None
    if action in ("leave", "join"):
        group = project.portfolios.filter(pk__in=ids("group")[:1]).first()
        if group is None:
            raise ValidationError("Choose a group.")
    if action == "form":
        made = groups.form_group(
            request.user,
            project,
            list(pupils.filter(pk__in=ids("pupil"))),
            request.POST.get("name", ""),
        )
        messages.success(request, f"{made.name} made.")
    elif action == "split":
        size = ids("size")
        made = groups.split_into_groups(request.user, project, size[0] if size else 0)
        messages.success(request, f"{len(made)} groups made.")
    elif action == "leave":
        groups.leave_group(request.user, group, (ids("pupil") or [0])[0])
    elif action == "join":
        pupil = pupils.filter(pk__in=ids("pupil")[:1]).first()
        if pupil is None:
            raise ValidationError("Choose a pupil to add.")
        groups.join_group(request.user, group, pupil)
    else:
        raise ValidationError("Unknown change.")


@require_GET
@requires("portfolio.view", "pk")
def portfolio(request, portfolio):
    context = queries.portfolio_page(portfolio, queries.ItemFilter.from_query(request.GET))
    context.update(events.page_parts.merged(request, portfolio, "portfolio"))
    context["can_edit"] = can(request.user, "portfolio.edit", portfolio)
    return render(request, "portfolios/portfolio.html", context)


@require_POST
@requires("portfolio.edit", "pk")
def add_note(request, portfolio):
    try:
        item = services.add_note(
            request.user,
            portfolio,
            request.POST.get("stage", ""),
            request.POST.get("title", ""),
        )
    except ValidationError as exc:
        refused(request, exc)
        return redirect("portfolio", portfolio.pk)
    return redirect("item", item.pk)


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


@never_cache
@require_GET
@requires("item.view", "pk")
def item(request, item):
    return render(
        request,
        "portfolios/item.html",
        {
            **events.page_parts.merged(request, item.portfolio, "item", item=item),
            "portfolio": item.portfolio,
            "item": item,
            "can_edit": can(request.user, "item.edit", item),
            "annotations": list(item.annotations.select_related("author")),
            "revisions": list(item.revisions.select_related("saved_by").order_by("-pk")[:20])
            if item.kind == item.Kind.NOTE
            else [],
            "category_text": ", ".join(c.name for c in item.categories.all()),
            "stage_choices": Stage.choices,
            "importance_choices": range(6),
        },
    )


@require_POST
@requires("item.edit", "pk")
def save_note(request, item):
    """The autosave endpoint: 200 with the new version, or 409 with both texts."""
    try:
        base = int(request.POST.get("version", ""))
    except ValueError:
        return JsonResponse({"error": "version is missing"}, status=400)
    try:
        saved = services.save_note(request.user, item, request.POST.get("body", ""), base)
    except services.EditConflict as conflict:
        return JsonResponse(
            {
                "error": "conflict",
                "message": "This note was saved elsewhere (another tab, or someone in your "
                "group) while you were writing. Both texts are below: keep one, or combine them.",
                "theirs": conflict.current_body,
                "version": conflict.current_version,
                "yours": conflict.yours,
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(
        {
            "version": saved.version,
            "saved_at": saved.updated_at.isoformat(),
            "html": markdown(saved.body),
        }
    )


@require_GET
@requires("project.edit", "pk")
def project_progress(request, project):
    """The teacher's grid: pupils × stages, with who has gone quiet."""

    context = queries.project_page_header(project)
    context["rows"] = queries.project_progress(request.user, project, settings.STUCK_AFTER_DAYS)
    context["stuck_after_days"] = settings.STUCK_AFTER_DAYS
    return render(request, "portfolios/progress.html", context)


@require_POST
@requires("portfolio.edit", "pk")
def add_upload(request, portfolio):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a file to upload.")
        return redirect("portfolio", portfolio.pk)
    try:
        item = services.add_upload(
            request.user,
            portfolio,
            request.POST.get("stage", ""),
            request.POST.get("title", ""),
            upload,
        )
    except ValidationError as exc:
        refused(request, exc)
        return redirect("portfolio", portfolio.pk)
    return redirect("item", item.pk)


@require_GET
@requires("item.view", "pk")
def item_file(request, item):
    return item.serve_file(request)


@require_GET
@requires("item.view", "pk")
def item_thumbnail(request, item):
    return item.serve_thumbnail()


@require_GET
@requires("portfolio.view", "pk")
def connections(request, portfolio):
    context = queries.connections_page(portfolio)
    context.update(
        events.page_parts.merged(request, portfolio, "connections", connection__isnull=False)
    )
    by_id = {c.pk: c for c in context["connections"]}
    for thread in context["threads"]:
        thread.as_list = [thread]  # one thread at a time, under the connection it is about
        thread.connection = by_id.get(thread.connection_id)
    context.update(
        portfolio=portfolio,
        project=portfolio.project,
        can_edit=can(request.user, "portfolio.edit", portfolio),
        suggested_labels=Connection.SUGGESTED_LABELS,
    )
    return render(request, "portfolios/connections.html", context)


@require_POST
@requires("portfolio.edit", "pk")
def add_connection(request, portfolio):
    def as_id(name):
        value = request.POST.get(name, "")
        return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0

    try:
        services.connect(
            request.user,
            portfolio,
            as_id("source"),
            as_id("target"),
            request.POST.get("label", ""),
            request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Connection added.")
    return redirect("connections", portfolio.pk)


@require_POST
@requires("portfolio.edit", "pk")
def remove_connection(request, portfolio, connection_id: int):
    services.disconnect(request.user, portfolio, connection_id)
    return redirect("connections", portfolio.pk)


@require_GET
@requires("portfolio.view", "pk")
def graph(request, portfolio):
    return JsonResponse(queries.graph_data(portfolio))


@require_POST
@requires("portfolio.edit", "pk")
def layout(request, portfolio):
    """Positions from the graph after a drag: {"positions": {"<item id>": [x, y]}}."""
    if request.content_type != "application/json":
        return JsonResponse({"error": "send JSON"}, status=400)
    try:
        data = jsondata.loads(request.body or b"{}", what="The layout")
        positions = {
            int(key): (float(x), float(y))
            for key, (x, y) in data.get("positions", {}).items()
            if str(key).isdigit()
        }
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"error": "positions must be {item id: [x, y]}"}, status=400)
    if any(not math.isfinite(v) for xy in positions.values() for v in xy):
        return JsonResponse({"error": "positions must be finite numbers"}, status=400)
    try:
        saved = services.save_layout(request.user, portfolio, positions)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"saved": saved})


def _back_to_item(item):
    return redirect("item", item.pk)


@require_POST
@requires("item.edit", "pk")
def update_item(request, item):
    raw = request.POST.get("importance", "")
    try:
        services.update_item(
            request.user,
            item,
            title=request.POST.get("title", ""),
            stage=request.POST.get("stage", ""),
            importance=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else None,
            categories=request.POST.get("categories", "").split(","),
        )
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Saved.")
    return _back_to_item(item)


@require_POST
@requires("item.edit", "pk")
def annotate(request, item):
    try:
        services.annotate(request.user, item, request.POST.get("text", ""))
    except ValidationError as exc:
        refused(request, exc)
    return _back_to_item(item)


@require_POST
@requires("item.edit", "pk")
def move_item(request, item):
    """Up/down buttons (a page), or a drop at an index from drag and drop (JSON)."""
    to = request.POST.get("to", "")
    if to.isascii() and to.isdigit() and len(to) < 6:
        try:
            index = services.move_item(request.user, item, to=int(to))
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        return JsonResponse({"index": index})
    try:
        services.move_item(request.user, item, -1 if request.POST.get("direction") == "up" else 1)
    except ValidationError as exc:
        refused(request, exc)
    return redirect(f"{reverse('portfolio', args=[item.portfolio_id])}#stage-{item.stage}")


@require_POST
@requires("portfolio.edit", "pk")
def add_clipping(request, portfolio):
    try:
        item = services.add_clipping(
            request.user, portfolio, request.POST.get("stage", ""), request.POST.get("url", "")
        )
    except ValidationError as exc:
        refused(request, exc)
        return redirect("portfolio", portfolio.pk)
    return redirect("item", item.pk)


@never_cache
@require_GET
@requires("item.view", "pk")
def clip_status(request, item):
    """The clipping part of the item page, polled by htmx until the fetch has finished."""
    return render(request, "portfolios/_clip.html", {"item": item})


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


@require_GET
@requires("presentation.view", "pk")
def presentation(request, portfolio):
    """The read-only presentation of the items chosen at Communicate, with their connections."""
    context = queries.presentation_page(portfolio)
    context.update(events.page_parts.merged(request, portfolio, "presentation"))
    context.update(
        projector=request.GET.get("projector") == "1",
        can_edit=can(request.user, "portfolio.edit", portfolio),
        can_view_portfolio=can(request.user, "portfolio.view", portfolio),
        can_review=can(request.user, "presentation.review", portfolio)
        and portfolio.project.status == "open",
        sharing=Portfolio.Sharing.choices,
    )
    return render(request, "portfolios/presentation.html", context)


@require_GET
@requires("presentation.view", "pk")
def presentation_picture(request, portfolio, item_id: int):
    """A chosen item's picture for whoever may see the presentation (a classmate may see the
    presentation without seeing the portfolio, so item_thumbnail would refuse them)."""
    item = queries.presented_item(portfolio, item_id)
    if item is None:
        raise Http404
    return item.serve_thumbnail()


@require_POST
@requires("portfolio.edit", "pk")
def share(request, portfolio):
    try:
        services.share_presentation(request.user, portfolio, request.POST.get("audience", ""))
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"Shared with: {portfolio.get_shared_with_display().lower()}.")
    return redirect("presentation", portfolio.pk)


@require_GET
@requires("project.edit", "pk")
def lesson(request, project):
    """Present a project to a class on the board: the wheel, this stage, chosen shared work."""
    show = [int(v) for v in request.GET.getlist("show") if v.isascii() and v.isdigit()][:12]
    context = queries.lesson_page(request.user, project, request.GET.get("stage", ""), show)
    return render(request, "portfolios/lesson.html", context)
