"""TASC projects, portfolios, items and connections in the API: the same services and the same
``access`` guards as the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from risingtide.access.core import requires, visible
from risingtide.portfolios import services as portfolio_services
from risingtide.portfolios.models import Item

router = Router(tags=["TASC"])


class ProjectOut(Schema):
    id: int
    title: str
    brief: str
    subject: str
    key_stage: str
    status: str
    mode: str
    success_criteria: list[str]
    start_date: date | None
    due_date: date | None


class ItemOut(Schema):
    id: int
    kind: str
    stage: str
    title: str
    position: int
    importance: int | None
    version: int
    body: str
    url: str
    clip_status: str
    file_type: str
    updated_at: datetime


class ConnectionOut(Schema):
    id: int
    source: int
    target: int
    label: str
    reason: str


class PortfolioOut(Schema):
    id: int
    project: int
    current_stage: str
    items: list[ItemOut]
    connections: list[ConnectionOut]


class NoteIn(Schema):
    stage: str
    title: str
    body: str = ""


class NoteSaveIn(Schema):
    body: str
    version: int


class ConflictOut(Schema):
    detail: str
    theirs: str
    yours: str
    version: int


class ConnectionIn(Schema):
    source: int
    target: int
    label: str
    reason: str = ""


class ErrorOut(Schema):
    detail: str


def _connection(c) -> dict:
    return {
        "id": c.pk,
        "source": c.source_id,
        "target": c.target_id,
        "label": c.label,
        "reason": c.reason,
    }


def _portfolio(portfolio) -> dict:
    return {
        "id": portfolio.pk,
        "project": portfolio.project_id,
        "current_stage": portfolio.current_stage,
        "items": list(portfolio.items.order_by("stage", "position", "pk")),
        "connections": [_connection(c) for c in portfolio.connections.all()],
    }


@router.get("/projects", response=list[ProjectOut], summary="Projects the caller may see")
@requires("site.home", api=True)
def projects(request):
    return list(visible(request.user, "project").order_by("-created_at"))


@router.get("/projects/{project_id}", response=ProjectOut, summary="One project")
@requires("project.view", "project_id", api=True)
def project(request, project_id: int):
    return request.access_target


@router.get("/portfolios/{portfolio_id}", response=PortfolioOut, summary="A portfolio")
@requires("portfolio.view", "portfolio_id", api=True)
def portfolio(request, portfolio_id: int):
    return _portfolio(request.access_target)


@router.post(
    "/portfolios/{portfolio_id}/notes",
    response={201: ItemOut, 400: ErrorOut},
    summary="Add a note to a stage of one's portfolio",
)
@requires("portfolio.edit", "portfolio_id", api=True)
def add_note(request, portfolio_id: int, note: NoteIn):
    try:
        item = portfolio_services.add_note(
            request.user, request.access_target, note.stage, note.title, note.body
        )
    except ValidationError as exc:
        return Status(400, {"detail": " ".join(exc.messages)})
    return Status(201, item)


@router.put(
    "/items/{item_id}/note",
    response={200: ItemOut, 400: ErrorOut, 409: ConflictOut},
    summary="Save a note's text over the version it was read at (409: both texts)",
)
@requires("item.edit", "item_id", api=True)
def save_note(request, item_id: int, save: NoteSaveIn):
    try:
        item = portfolio_services.save_note(
            request.user, request.access_target, save.body, save.version
        )
    except portfolio_services.EditConflict as conflict:
        return Status(
            409,
            {
                "detail": "The note changed since that version.",
                "theirs": conflict.current_body,
                "yours": conflict.yours,
                "version": conflict.current_version,
            },
        )
    except ValidationError as exc:
        return Status(400, {"detail": " ".join(exc.messages)})
    return Status(200, Item.objects.get(pk=item.pk))


@router.post(
    "/portfolios/{portfolio_id}/connections",
    response={201: ConnectionOut, 400: ErrorOut},
    summary="Connect two items of one's portfolio",
)
@requires("portfolio.edit", "portfolio_id", api=True)
def connect(request, portfolio_id: int, link: ConnectionIn):
    try:
        c = portfolio_services.connect(
            request.user, request.access_target, link.source, link.target, link.label, link.reason
        )
    except ValidationError as exc:
        return Status(400, {"detail": " ".join(exc.messages)})
    return Status(201, _connection(c))
