from dataclasses import replace

from django.db.models import Count, Prefetch

from risingtide.access.core import can, visible
from risingtide.lib.urls import url_maker
from risingtide.people.models import User
from risingtide.portfolios import cards, events, tools
from risingtide.portfolios.groups import assigned_pupils
from risingtide.portfolios.lists import (
    EVERY_ITEM,
    ItemFilter,
    portfolio_items,
)
from risingtide.portfolios.models import (
    Contribution,
    GroupMessage,
    Item,
    Portfolio,
    PortfolioMember,
    StageProgress,
    StageWork,
)
from risingtide.tasc.models import STAGE_ORDER, Project, WheelStage
from risingtide.tasc.queries import wheel_stages


def portfolio_page(user: User, portfolio: Portfolio, item_filter: ItemFilter = EVERY_ITEM) -> dict:
    """The pupil's board: the wheel's stages (each done or not, with how many items), one stage
    open with its items as cards and its thinking tool, or what a search found in every stage.
    Ten queries whatever the portfolio's size (the feedback app's counts are one of them)."""
    portfolio = (
        Portfolio.objects.select_related("project__wheel")
        .prefetch_related("project__wheel__stages", "members")
        .get(pk=portfolio.pk)
    )
    open_stage = item_filter.stage or portfolio.current_stage
    # The open stage's items; a search looks in every stage (round the wheel) unless the
    # address names one. Either way the same list, and filter, as the API's.
    shown = item_filter if item_filter.searching else replace(item_filter, stage=open_stage)
    items = list(cards.board_items(portfolio_items(user, portfolio, shown)))
    done = set(
        portfolio.progress.filter(status=StageProgress.Status.DONE).values_list("stage", flat=True)
    )
    counts = dict(
        portfolio.items.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    parts = events.card_parts.merged(user, portfolio)
    item_cards = cards.cards(items, parts.get("items", {}))
    stages = wheel_stages(portfolio.project.wheel, portfolio.project.stage_prompts)
    for s in stages:
        s.done, s.count, s.open = s.stage in done, counts.get(s.stage, 0), s.stage == open_stage
        s.cards = [c for c in item_cards if c.stage == s.stage]
        for c in s.cards:
            c.stage_title = s.title
    stage = next(s for s in stages if s.open)
    work = StageWork.objects.filter(portfolio=portfolio, stage=open_stage).first()
    stage.tool_name = tools.TOOL_NAMES[open_stage]
    stage.tool_summary = tools.summary(open_stage, work.data if work else {})
    stage.tool_feedback = parts.get("stages", {}).get(open_stage, (0, 0))
    later = [s for s in stages[stage.number :] if not s.done]
    return {
        "filter": item_filter,
        "category_names": list(portfolio.categories.values_list("name", flat=True)),
        "portfolio": portfolio,
        "project": portfolio.project,
        "stages": stages,
        "stage": stage,
        "next_stage": later[0] if later else None,
        "cards": item_cards,
        "done": done,
        "members": list(portfolio.members.all()),
    }


def one_card(viewer: User, item: Item) -> dict:
    """One item's card as the board draws it (a clipping's card asks again until its page has
    arrived)."""
    row = cards.board_items(Item.objects.filter(pk=item.pk)).get()
    parts = events.card_parts.merged(viewer, item.portfolio)
    (card,) = cards.cards([row], parts.get("items", {}))
    portfolio = item.portfolio
    return {
        "c": card,
        "reorder": can(viewer, "item.edit", item) and portfolio.project.status == "open",
        "show_author": portfolio.members.count() > 1,
    }


def groups_page(user: User, project: Project) -> dict:
    """A group project's groups and the pupils not yet in one: four queries."""
    # Only the members the viewer may see are named; the rest are counted.
    grouped = list(
        project.portfolios.annotate(size=Count("memberships"))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=visible(user, "pupil").order_by("last_name", "first_name"),
                to_attr="seen_members",
            )
        )
        .order_by("name", "pk")
    )
    for group in grouped:
        group.unseen = group.size - len(group.seen_members)
    waiting = list(
        assigned_pupils(user, project)
        .exclude(pk__in=PortfolioMember.objects.filter(project=project).values("pupil_id"))
        .order_by("last_name", "first_name")
    )
    return {"project": project, "groups": grouped, "waiting": waiting}


def project_page_header(project: Project) -> dict:
    project = (
        Project.objects.select_related("wheel").prefetch_related("wheel__stages").get(pk=project.pk)
    )
    return {"project": project, "stages": wheel_stages(project.wheel)}


def connections_page(portfolio: Portfolio) -> dict:
    """The connections as a list (the graph's equal), with the wheel's stages for its key."""
    items = list(portfolio.items.order_by("stage", "position", "pk"))
    by_id = {i.pk: i for i in items}
    connections = list(portfolio.connections.all())
    for c in connections:
        c.source, c.target = by_id[c.source_id], by_id[c.target_id]
    wheel = Project.objects.select_related("wheel").get(pk=portfolio.project_id).wheel
    stages = wheel_stages(wheel)
    titles = {s.stage: s.title for s in stages}
    for i in items:
        i.stage_title = titles.get(i.stage, i.get_stage_display())
    used = {i.stage for i in items}
    return {"items": items, "connections": connections, "stages": stages, "used": used}


def graph_data(portfolio: Portfolio) -> dict:
    """Nodes and edges for the graph view: four queries, plain data (the page escapes it).
    Each node carries what its card says: the kind of thing, its stage, its picture."""
    titles = dict(
        WheelStage.objects.filter(wheel__projects__portfolios=portfolio).values_list(
            "stage", "title"
        )
    )
    thumbnail_url = url_maker("portfolios:item_thumbnail")
    nodes = []
    for i in portfolio.items.defer("body", "snapshot", "excerpt", "description").order_by("pk"):
        label, _ = cards.what(i)
        nodes.append(
            {
                "id": f"i{i.pk}",
                "item": i.pk,
                "title": i.title,
                "stage": i.stage,
                "stage_title": titles.get(i.stage, i.get_stage_display()),
                "kind": i.kind,
                "kind_label": label,
                "picture": thumbnail_url(i.pk) if i.thumbnail else "",
                "x": i.graph_x,
                "y": i.graph_y,
            }
        )
    edges = [
        {
            "id": f"c{c.pk}",
            "source": f"i{c.source_id}",
            "target": f"i{c.target_id}",
            "label": c.label,
            "reason": c.reason,
        }
        for c in portfolio.connections.all()
    ]
    return {"nodes": nodes, "edges": edges, "stages": STAGE_ORDER}


def presented_ids(portfolio: Portfolio) -> tuple[list[int], StageWork | None]:
    """The items chosen at Communicate, in the pupil's order (at most 50)."""
    work = StageWork.objects.filter(portfolio=portfolio, stage="communicate").first()
    chosen = work.data.get("items", []) if work else []
    return [pk for pk in chosen if isinstance(pk, int)][:50], work


def presentation_page(portfolio: Portfolio) -> dict:
    """Chosen items and the connections between them: five queries whatever the size."""
    chosen, work = presented_ids(portfolio)
    items = {i.pk: i for i in portfolio.items.filter(pk__in=chosen)}
    links = list(
        portfolio.connections.filter(source__in=items, target__in=items).select_related(
            "source", "target"
        )
    )
    return {
        "portfolio": portfolio,
        "project": portfolio.project,
        "members": list(portfolio.members.all()),
        "audience": work.data.get("audience", "") if work else "",
        "items": [items[pk] for pk in chosen if pk in items],
        "links": links,
    }


def presented_item(portfolio: Portfolio, item_id: int) -> Item | None:
    chosen, _ = presented_ids(portfolio)
    return portfolio.items.filter(pk=item_id).first() if item_id in chosen else None


def stage_tool_page(portfolio: Portfolio, stage: str, work: StageWork | None) -> dict:
    """What a stage's thinking tool shows: its stored data, laid out for the form."""

    context = tools.stage_context(portfolio, stage, work)
    data = work.data if work else {}
    page = project_page_header(portfolio.project)
    page.update(
        portfolio=portfolio,
        stage=next(s for s in page["stages"] if s.stage == stage),
        tool_name=tools.TOOL_NAMES[stage],
        data=data,
        version=work.version if work else 0,
        context=context,
        stage_done=portfolio.progress.filter(
            stage=stage, status=StageProgress.Status.DONE
        ).exists(),
    )
    if stage == "decide":
        page["grid"] = tools.grid_totals(data, context["ideas"])
        page["criteria"] = data.get("criteria", [])
    if stage == "implement":
        steps = data.get("steps", [])
        page["steps"] = (steps + [{}] * 3)[: min(20, len(steps) + 3)]  # three empty rows to add
    if stage == "evaluate":
        page["criteria_rows"] = [
            {"index": i, "text": c, "value": data.get("criteria", {}).get(str(i), "")}
            for i, c in enumerate(context["success_criteria"])
        ]
    if stage == "communicate":
        chosen = set(data.get("items", []))
        page["items"] = [
            {"item": i, "chosen": i.pk in chosen}
            for i in portfolio.items.order_by("stage", "position")
        ]
    for key in ("known", "questions", "ideas"):
        page[f"{key}_text"] = "\n".join(data.get(key, []))
    page["criteria_text"] = "\n".join(data.get("criteria", [])) if stage == "decide" else ""
    return page


def discussion_page(portfolio: Portfolio) -> dict:

    return {
        "portfolio": portfolio,
        "project": portfolio.project,
        "members": list(portfolio.members.order_by("last_name", "first_name")),
        "messages_list": list(
            GroupMessage.objects.filter(portfolio=portfolio).select_related("author")
        ),
    }


def contributions_page(viewer: User, portfolio: Portfolio, staff: bool) -> dict:
    """Members' views of who gave how much: a member sees the ones they gave; staff see all,
    as a grid of rater × member."""

    members = list(portfolio.members.order_by("last_name", "first_name"))
    rows = Contribution.objects.filter(portfolio=portfolio)
    if not staff:
        rows = rows.filter(rater=viewer)
    given = {(c.rater_id, c.member_id): c for c in rows}
    return {
        "portfolio": portfolio,
        "project": portfolio.project,
        "members": members,
        "mine": [{"member": m, "given": given.get((viewer.pk, m.pk))} for m in members],
        "grid": [{"rater": r, "cells": [given.get((r.pk, m.pk)) for m in members]} for r in members]
        if staff
        else [],
        "shares": Contribution.Share.choices,
    }


def lesson_page(user: User, project: Project, stage: str, show: list[int]) -> dict:
    """The presenter view for a lesson: the wheel at one stage, its question and prompts, and
    the pupil work the teacher picked, only from pupils who chose to share (their consent), and
    the stages either side: five queries."""
    project = (
        Project.objects.select_related("wheel").prefetch_related("wheel__stages").get(pk=project.pk)
    )
    stages = wheel_stages(project.wheel, project.stage_prompts)
    stage = stage if stage in STAGE_ORDER else STAGE_ORDER[0]
    shared = (
        visible(user, "portfolio")
        .filter(project=project)
        .exclude(shared_with=Portfolio.Sharing.PRIVATE)
    )
    # Only what each pupil chose to present in their Communicate tool.
    presented = set()
    for work in StageWork.objects.filter(portfolio__in=shared, stage="communicate"):
        presented |= {pk for pk in work.data.get("items", []) if isinstance(pk, int)}
    candidates = list(
        Item.objects.filter(portfolio__in=shared, stage=stage, pk__in=presented)
        .select_related("created_by")
        .order_by("portfolio_id", "position", "pk")[:200]
    )
    chosen = [i for i in candidates if i.pk in set(show)]
    at = next(n for n, s in enumerate(stages) if s.stage == stage)
    return {
        "project": project,
        "stages": stages,
        "stage": stages[at],
        # The stages either side, for the presenter's Previous and Next.
        "previous": stages[at - 1] if at > 0 else None,
        "next": stages[at + 1] if at + 1 < len(stages) else None,
        "candidates": candidates,
        "chosen": chosen,
        "show": set(show),
    }
