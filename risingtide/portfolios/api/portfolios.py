"""A pupil's portfolio in the API: one's own portfolio for a project, the portfolios one may
see, marking stages done, the stage thinking tools and sharing the presentation. The same
services and ``access`` guards as the pages. Split from ``portfolios.api.items`` (what a
portfolio holds) to keep each module short; the two are separate routers because the reviews
(``feedback.api``) are added between them."""

from datetime import datetime

from django.http import Http404, QueryDict
from ninja import Router, Schema, Status

from risingtide.access.core import requires, visible
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.portfolios import services as portfolio_services
from risingtide.portfolios import tools
from risingtide.portfolios.api.items import ConnectionOut, ItemOut
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
    items: list[ItemOut]
    connections: list[ConnectionOut]

    @staticmethod
    def resolve_project(portfolio: Portfolio) -> int:
        return portfolio.project_id

    @staticmethod
    def resolve_items(portfolio: Portfolio) -> list:
        return list(portfolio.items.order_by("stage", "position", "pk"))

    @staticmethod
    def resolve_connections(portfolio: Portfolio) -> list:
        return list(portfolio.connections.all())


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


class ToolConflictOut(ToolOut):
    detail: str


class SharingIn(Schema):
    audience: Portfolio.Sharing


class SharingOut(Schema):
    audience: str


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
        return portfolio_services.portfolio_for(request.user, request.access_target)
    except NotInGroup:
        return Status(404, {"detail": "Your teacher has not put you in a group yet."})


# --- portfolios ----------------------------------------------------------------------------


@router.get(
    "/portfolios",
    response=list[PortfolioRowOut],
    summary="Portfolios the caller may see, most recently active first",
)
@requires("site.home", api=True)
def portfolios(request, project: int | None = None):
    found = visible(request.user, "portfolio").prefetch_related("members")
    if project is not None:
        found = found.filter(project_id=project)
    return list(found.order_by("-last_activity_at", "-pk"))


@router.get("/portfolios/{portfolio_id}", response=PortfolioOut, summary="A portfolio")
@requires("portfolio.view", "portfolio_id", api=True)
def portfolio(request, portfolio_id: int):
    return request.access_target


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
        return Status(409, {**theirs, "detail": "Someone saved this tool since that version."})
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
