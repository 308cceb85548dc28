from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.lib.urls import url_maker
from risingtide.people.models import User
from risingtide.portfolios import events, tools
from risingtide.portfolios.groups import assigned_pupils
from risingtide.portfolios.models import (
    Contribution,
    GroupMessage,
    Item,
    Portfolio,
    PortfolioMember,
    StageProgress,
    StageWork,
)
from risingtide.tasc.models import STAGE_ORDER, Project
from risingtide.tasc.queries import wheel_stages


@dataclass(frozen=True)
class ItemFilter:
    stage: str = ""
    category: str = ""
    min_importance: int | None = None
    text: str = ""

    @classmethod
    def from_query(cls, query) -> "ItemFilter":
        raw = query.get("importance", "")
        return cls(
            stage=query.get("stage", "") if query.get("stage", "") in STAGE_ORDER else "",
            category=query.get("category", "")[:40],
            min_importance=int(raw) if raw in {"1", "2", "3", "4", "5"} else None,
            text=query.get("q", "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.stage or self.category or self.min_importance or self.text)

    def apply(self, items):
        if self.stage:
            items = items.filter(stage=self.stage)
        if self.category:
            items = items.filter(categories__name=self.category)
        if self.min_importance:
            items = items.filter(importance__gte=self.min_importance)
        if self.text:
            items = items.filter(
                Q(title__icontains=self.text)
                | Q(body__icontains=self.text)
                | Q(file_name__icontains=self.text)
                | Q(annotations__text__icontains=self.text)
            )
        return items.distinct()


def portfolio_page(portfolio: Portfolio, item_filter: ItemFilter = ItemFilter()) -> dict:
    """The portfolio by stage, filtered: a fixed number of queries whatever its size."""
    portfolio = (
        Portfolio.objects.select_related("project__wheel")
        .prefetch_related("project__wheel__stages", "members")
        .get(pk=portfolio.pk)
    )
    items = list(
        item_filter.apply(portfolio.items.all())
        .select_related("created_by")
        .prefetch_related("categories")
        .order_by("position", "pk")
    )
    done = set(
        portfolio.progress.filter(status=StageProgress.Status.DONE).values_list("stage", flat=True)
    )
    feedback = dict(
        portfolio.comments.filter(item__isnull=False)
        .values("item_id")
        .annotate(n=Count("pk"))
        .values_list("item_id", "n")
    )
    item_url, thumbnail_url, move_url = (
        url_maker(name) for name in ("item", "item_thumbnail", "move_item")
    )
    for i in items:
        i.feedback_count = feedback.get(i.pk, 0)
        i.url, i.move_url = item_url(i.pk), move_url(i.pk)
        i.thumbnail_url = thumbnail_url(i.pk) if i.thumbnail else ""
    stages = wheel_stages(portfolio.project.wheel, portfolio.project.stage_prompts)
    for s in stages:
        s.items = [i for i in items if i.stage == s.stage]
        s.done = s.stage in done
    return {
        "filter": item_filter,
        "category_names": list(portfolio.categories.values_list("name", flat=True)),
        "portfolio": portfolio,
        "project": portfolio.project,
        "stages": stages,
        "done": done,
        "members": list(portfolio.members.all()),
    }


@dataclass
class PupilProgress:
    pupil: User
    portfolio: Portfolio | None
    cells: list[dict]  # one per stage: status ("done", "started", "") and item count
    last_activity: datetime | None
    stuck_days: int | None  # days without activity, when past the threshold and not finished
    open_next_steps: int = 0
    last_feedback: datetime | None = None
    feedback_quiet_days: int | None = None  # days since the last feedback, past the threshold


def project_progress(
    user: User, project: Project, stuck_after_days: int = 7
) -> list[PupilProgress]:
    """Every pupil the project is set to (whom the viewer may see) × the eight stages.

    Six queries whatever the class size: pupils, portfolios, progress, item counts, groups,
    feedback.
    """
    pupils = list(assigned_pupils(user, project).order_by("last_name", "first_name"))
    members = {
        m.pupil_id: m.portfolio
        for m in PortfolioMember.objects.filter(project=project, pupil__in=pupils).select_related(
            "portfolio"
        )
    }
    portfolio_ids = {p.pk for p in members.values()}
    status = {
        (p.portfolio_id, p.stage): p.status
        for p in StageProgress.objects.filter(portfolio__in=portfolio_ids)
    }
    counts = {
        (row["portfolio_id"], row["stage"]): row["n"]
        for row in Item.objects.filter(portfolio__in=portfolio_ids)
        .values("portfolio_id", "stage")
        .annotate(n=Count("pk"))
    }
    feedback = events.progress_parts.merged(portfolio_ids)
    now = timezone.now()
    rows = []
    for pupil in pupils:
        portfolio = members.get(pupil.pk)
        cells = [
            {
                "stage": stage,
                "status": status.get((portfolio.pk, stage), "") if portfolio else "",
                "items": counts.get((portfolio.pk, stage), 0) if portfolio else 0,
            }
            for stage in STAGE_ORDER
        ]
        last = portfolio.last_activity_at if portfolio else None
        finished = all(c["status"] == StageProgress.Status.DONE for c in cells)
        idle = (now - last).days if last else None
        rows.append(
            PupilProgress(
                pupil=pupil,
                portfolio=portfolio,
                cells=cells,
                last_activity=last,
                stuck_days=idle
                if idle is not None and idle >= stuck_after_days and not finished
                else None,
                open_next_steps=feedback.get(portfolio.pk, {}).get("open", 0) if portfolio else 0,
                last_feedback=feedback.get(portfolio.pk, {}).get("last") if portfolio else None,
            )
        )
        row = rows[-1]
        if portfolio:
            since = (now - (row.last_feedback or portfolio.created_at)).days
            row.feedback_quiet_days = since if since >= stuck_after_days else None
    return rows


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
    items = list(portfolio.items.order_by("stage", "position", "pk"))
    by_id = {i.pk: i for i in items}
    connections = list(portfolio.connections.all())
    for c in connections:
        c.source, c.target = by_id[c.source_id], by_id[c.target_id]
    return {"items": items, "connections": connections}


def graph_data(portfolio: Portfolio) -> dict:
    """Nodes and edges for the graph view: two queries, plain data (the page escapes it)."""
    nodes = [
        {
            "id": f"i{i.pk}",
            "item": i.pk,
            "title": i.title,
            "stage": i.stage,
            "kind": i.kind,
            "x": i.graph_x,
            "y": i.graph_y,
        }
        for i in portfolio.items.order_by("pk")
    ]
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
    return {"nodes": nodes, "edges": edges}


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
    the pupil work the teacher picked, only from pupils who chose to share (their consent):
    five queries."""
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
    return {
        "project": project,
        "stages": stages,
        "stage": next(s for s in stages if s.stage == stage),
        "candidates": candidates,
        "chosen": chosen,
        "show": set(show),
    }
