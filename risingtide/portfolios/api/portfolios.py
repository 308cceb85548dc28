"""A pupil's portfolio in the API: one's own portfolio for a project, the portfolios one may
see, marking stages done, the stage thinking tools and sharing the presentation. The same
services and ``access`` guards as the pages. Split from ``portfolios.api.items`` (what a
portfolio holds) to keep each module short; the two are separate routers because the reviews
(``feedback.api``) are added between them."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from ninja import Field, Query, Router, Schema

from risingtide.access.core import requires, visible
from risingtide.lib.api_errors import ErrorOut, refusal, refusals_as_400
from risingtide.portfolios import lists, progress, tools
from risingtide.portfolios import services as portfolio_services
from risingtide.portfolios.api.items import ItemOut, PortfolioConnectionOut
from risingtide.portfolios.groups import NotInGroup
from risingtide.portfolios.models import Portfolio, StageWork
from risingtide.tasc.models import STAGE_ORDER

router = Router(tags=["TASC"])


class PortfolioRowOut(Schema):
    id: int
    project: int
    current_stage: str
    members: list[str]
    last_activity_at: datetime

    @staticmethod
    def resolve_project(portfolio: Portfolio) -> int:
        return portfolio.project_id

    @staticmethod
    def resolve_members(portfolio: Portfolio) -> list[str]:
        return [str(m) for m in portfolio.members.all()]  # prefetched by the list


class PortfolioOut(Schema):
    id: int
    project: int
    current_stage: str
    items: list[ItemOut] = Field(
        description="Stage by stage round the wheel, each stage in the pupil's order, as the "
        "portfolio page shows them"
    )
    connections: list[PortfolioConnectionOut]


class StageDoneIn(Schema):
    done: bool


class StageOut(Schema):
    stage: str
    done: bool
    current_stage: str


class ToolOut(Schema):
    stage: str
    name: str
    version: int
    data: dict
    updated_at: datetime | None


class ToolIn(Schema):
    version: int
    fields: dict[str, str | list[str]]


class ToolConflictOut(ErrorOut, ToolOut):
    """A stale save's refusal, with the tool as it now is (theirs)."""


class SharingIn(Schema):
    audience: Portfolio.Sharing


class SharingOut(Schema):
    audience: str


def _portfolio(user, portfolio: Portfolio, f: lists.ItemFilter = lists.EVERY_ITEM) -> dict:
    return {
        "id": portfolio.pk,
        "project": portfolio.project_id,
        "current_stage": portfolio.current_stage,
        "items": list(lists.portfolio_items(user, portfolio, f)),
        "connections": list(portfolio.connections.all()),
    }


def _tool(portfolio: Portfolio, stage: str) -> dict:
    work = StageWork.objects.filter(portfolio=portfolio, stage=stage).first()
    return {
        "stage": stage,
        "name": tools.TOOL_NAMES[stage],
        "version": work.version if work else 0,
        "data": work.data if work else {},
        "updated_at": work.updated_at if work else None,
    }


def _known_stage(stage: str) -> str:
    if stage not in STAGE_ORDER:
        raise Http404
    return stage


def _as_form(fields: dict[str, str | list[str]]) -> QueryDict:
    """The tool readers read a posted form (``.get`` / ``.getlist``): build one."""
    form = QueryDict(mutable=True)
    for name, value in fields.items():
        form.setlist(name, value if isinstance(value, list) else [value])
    return form


@router.get(
    "/projects/{project_id}/my-portfolio",
    response={200: PortfolioOut, 404: ErrorOut},
    summary="A pupil's own portfolio for a project set to them, made on first visit",
)
@requires("project.work", "project_id", api=True)
def my_portfolio(request, project_id: int):
    try:
        portfolio = portfolio_services.portfolio_for(request.user, request.access_target)
    except NotInGroup:
        return refusal(404, "Your teacher has not put you in a group yet.")
    return _portfolio(request.user, portfolio)


# --- portfolios ----------------------------------------------------------------------------


@router.get(
    "/portfolios",
    response={200: list[PortfolioRowOut], 400: ErrorOut},
    summary="Portfolios the caller may see, most recently active first; or one project's",
    description="With `project`: that project's portfolios as its progress page lists them, "
    "sorted and filtered as the page is (by pupil, surname first, unless `sort` says "
    "otherwise), a group's portfolio once, at its first pupil.",
)
@requires("site.home", api=True)
@refusals_as_400
def portfolios(
    request,
    project: int | None = None,
    sort: str = Query("", description="With a project: " + ", ".join(progress.SORTS)),
    needs_feedback: bool = Query(False, description="With a project: who needs feedback"),
):
    user = request.user
    if sort and sort not in progress.SORTS:
        raise ValidationError({"sort": "Unknown order."})
    if project is None:
        if sort or needs_feedback:
            raise ValidationError({"project": "Sorting and filtering need a project's id."})
        return list(lists.seen_portfolios(user).prefetch_related("members"))
    chosen = visible(user, "project").filter(pk=project).first()
    if chosen is None:
        return []
    return progress.grid_portfolios(
        user, chosen, sort or "name", needs_feedback, settings.STUCK_AFTER_DAYS
    )


@router.get(
    "/portfolios/{portfolio_id}",
    response={200: PortfolioOut, 400: ErrorOut},
    summary="A portfolio: its items (filtered as on its page) and connections",
)
@requires("portfolio.view", "portfolio_id", api=True)
@refusals_as_400
def portfolio(
    request,
    portfolio_id: int,
    stage: str = Query("", description="One stage's items: " + ", ".join(STAGE_ORDER)),
    category: str = Query("", description="Items in this category"),
    importance: int | None = Query(None, ge=1, le=5, description="Items rated at least this"),
    q: str = Query("", description="Words in an item's title, text, file name or annotations"),
):
    if stage and stage not in STAGE_ORDER:
        raise ValidationError({"stage": "Unknown stage."})
    chosen = lists.ItemFilter(
        stage=stage, category=category[:40], min_importance=importance, text=q.strip()[:100]
    )
    return _portfolio(request.user, request.access_target, chosen)


@router.put(
    "/portfolios/{portfolio_id}/stages/{slug:stage}",
    response={200: StageOut, 400: ErrorOut},
    summary="Mark a stage of one's portfolio done, or not done",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def stage_done(request, portfolio_id: int, stage: str, mark: StageDoneIn):
    portfolio = request.access_target
    portfolio_services.set_stage_done(request.user, portfolio, _known_stage(stage), mark.done)
    return {"stage": stage, "done": mark.done, "current_stage": portfolio.current_stage}


@router.get(
    "/portfolios/{portfolio_id}/tools/{slug:stage}",
    response=ToolOut,
    summary="A stage's thinking tool: what was written and its version",
)
@requires("portfolio.view", "portfolio_id", api=True)
def stage_tool(request, portfolio_id: int, stage: str):
    return _tool(request.access_target, _known_stage(stage))


@router.put(
    "/portfolios/{portfolio_id}/tools/{slug:stage}",
    response={200: ToolOut, 400: ErrorOut, 409: ToolConflictOut},
    summary="Save a stage's thinking tool over the version it was read at (409: theirs)",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def save_stage_tool(request, portfolio_id: int, stage: str, tool: ToolIn):
    portfolio = request.access_target
    try:
        tools.save_stage_work(
            request.user, portfolio, _known_stage(stage), _as_form(tool.fields), tool.version
        )
    except portfolio_services.EditConflict:
        theirs = _tool(portfolio, stage)
        return refusal(409, "Someone saved this tool since that version.", **theirs)
    return _tool(portfolio, stage)


@router.put(
    "/portfolios/{portfolio_id}/sharing",
    response={200: SharingOut, 400: ErrorOut},
    summary="Share one's Communicate presentation with one's class or school, or stop",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def share(request, portfolio_id: int, sharing: SharingIn):
    portfolio = request.access_target
    portfolio_services.share_presentation(request.user, portfolio, sharing.audience.value)
    return {"audience": portfolio.shared_with}
