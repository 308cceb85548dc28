"""What a portfolio holds, in the API: items (notes, uploads, web clippings), their
annotations, and the connections between them. The same services and ``access`` guards as the
pages; every text comes back as data, exactly as it was written. The portfolios app owns this
router because items and connections are its own."""

from datetime import datetime
from typing import Annotated, Literal

from django.urls import reverse
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field, FiniteFloat

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusal, refusals_as_400
from risingtide.portfolios import services as portfolio_services
from risingtide.portfolios.models import Item

router = Router(tags=["TASC"])


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
    # Where the API serves an upload and its thumbnail (the same guard as the item).
    file_url: str | None = None
    thumbnail_url: str | None = None

    @staticmethod
    def resolve_file_url(item: Item) -> str | None:
        return reverse("api-1:item_file", args=[item.pk]) if item.file else None

    @staticmethod
    def resolve_thumbnail_url(item: Item) -> str | None:
        return reverse("api-1:item_thumbnail", args=[item.pk]) if item.thumbnail else None


class AnnotationOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime

    @staticmethod
    def resolve_author(annotation) -> str:
        return str(annotation.author) if annotation.author else ""


class ItemDetailOut(ItemOut):
    categories: list[str]
    annotations: list[AnnotationOut]
    file_name: str
    file_size: int | None
    site_name: str
    description: str
    excerpt: str
    snapshot: str = Field(description="The clipped page's readable copy, sanitised HTML")
    clip_error: str

    @staticmethod
    def resolve_categories(item: Item) -> list[str]:
        return [c.name for c in item.categories.all()]

    @staticmethod
    def resolve_annotations(item: Item) -> list:
        return list(item.annotations.select_related("author"))


class PortfolioConnectionOut(Schema):
    id: int
    source: int
    target: int
    label: str
    reason: str

    @staticmethod
    def resolve_source(connection) -> int:
        return connection.source_id

    @staticmethod
    def resolve_target(connection) -> int:
        return connection.target_id


class NoteIn(Schema):
    stage: str
    title: str
    body: str = ""


class NoteSaveIn(Schema):
    body: str
    version: int


class ConflictOut(ErrorOut):
    theirs: str
    yours: str
    version: int


class ClippingIn(Schema):
    stage: str
    url: str


class ItemPatchIn(Schema):
    """Only what is sent changes; an importance of null takes the rating away."""

    title: str | None = None
    stage: str | None = None
    importance: int | None = Field(None, ge=0, le=5)
    categories: list[str] | None = Field(None, description="Category names; [] for none")


class MoveIn(Schema):
    direction: Literal["up", "down"]


class AnnotationIn(Schema):
    text: str


class ConnectionIn(Schema):
    source: int
    target: int
    label: str
    reason: str = ""


class LayoutIn(Schema):
    positions: Annotated[
        dict[int, tuple[FiniteFloat, FiniteFloat]],
        Field(max_length=2000, description="Item id → [x, y] on the graph"),
    ]


class LayoutOut(Schema):
    saved: int


# --- adding items --------------------------------------------------------------------------


@router.post(
    "/portfolios/{portfolio_id}/notes",
    response={201: ItemOut, 400: ErrorOut},
    summary="Add a note to a stage of one's portfolio",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def add_note(request, portfolio_id: int, note: NoteIn):
    item = portfolio_services.add_note(
        request.user, request.access_target, note.stage, note.title, note.body
    )
    return Status(201, item)


@router.post(
    "/portfolios/{portfolio_id}/uploads",
    response={201: ItemOut, 400: ErrorOut},
    summary="Upload a file to a stage of one's portfolio (judged by its content and size)",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def add_upload(
    request,
    portfolio_id: int,
    stage: Form[str],
    file: File[UploadedFile],
    title: Form[str] = "",
):
    item = portfolio_services.add_upload(request.user, request.access_target, stage, title, file)
    return Status(201, item)


@router.post(
    "/portfolios/{portfolio_id}/clippings",
    response={202: ItemOut, 400: ErrorOut},
    summary="Clip a web page to a stage: kept at once, fetched in the background",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def add_clipping(request, portfolio_id: int, clipping: ClippingIn):
    item = portfolio_services.add_clipping(
        request.user, request.access_target, clipping.stage, clipping.url
    )
    return Status(202, item)


# --- one item ------------------------------------------------------------------------------


@router.get("/items/{item_id}", response=ItemDetailOut, summary="An item, with its annotations")
@requires("item.view", "item_id", api=True)
def item(request, item_id: int):
    return request.access_target


@router.patch(
    "/items/{item_id}",
    response={200: ItemDetailOut, 400: ErrorOut},
    summary="Rename, move to another stage, rate (0–5) or categorise an item",
)
@requires("item.edit", "item_id", api=True)
@refusals_as_400
def update_item(request, item_id: int, patch: ItemPatchIn):
    item = request.access_target
    sent = patch.model_fields_set
    portfolio_services.update_item(
        request.user,
        item,
        title=item.title if patch.title is None else patch.title,
        stage=item.stage if patch.stage is None else patch.stage,
        importance=patch.importance if "importance" in sent else item.importance,
        categories=(
            [c.name for c in item.categories.all()]
            if patch.categories is None
            else patch.categories
        ),
    )
    return item


@router.post(
    "/items/{item_id}/move",
    response={200: ItemOut, 400: ErrorOut},
    summary="Move an item up or down within its stage",
)
@requires("item.edit", "item_id", api=True)
@refusals_as_400
def move_item(request, item_id: int, move: MoveIn):
    item = request.access_target
    portfolio_services.move_item(request.user, item, -1 if move.direction == "up" else 1)
    return Item.objects.get(pk=item.pk)


@router.post(
    "/items/{item_id}/annotations",
    response={201: AnnotationOut, 400: ErrorOut},
    summary="Annotate an item of one's portfolio",
)
@requires("item.edit", "item_id", api=True)
@refusals_as_400
def annotate(request, item_id: int, annotation: AnnotationIn):
    made = portfolio_services.annotate(request.user, request.access_target, annotation.text)
    return Status(201, made)


@router.put(
    "/items/{item_id}/note",
    response={200: ItemOut, 400: ErrorOut, 409: ConflictOut},
    summary="Save a note's text over the version it was read at (409: both texts)",
)
@requires("item.edit", "item_id", api=True)
@refusals_as_400
def save_note(request, item_id: int, save: NoteSaveIn):
    try:
        item = portfolio_services.save_note(
            request.user, request.access_target, save.body, save.version
        )
    except portfolio_services.EditConflict as conflict:
        return refusal(
            409,
            "The note changed since that version.",
            theirs=conflict.current_body,
            yours=conflict.yours,
            version=conflict.current_version,
        )
    return Status(200, Item.objects.get(pk=item.pk))


# --- connections and the graph -------------------------------------------------------------


@router.post(
    "/portfolios/{portfolio_id}/connections",
    response={201: PortfolioConnectionOut, 400: ErrorOut},
    summary="Connect two items of one's portfolio",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def connect(request, portfolio_id: int, link: ConnectionIn):
    c = portfolio_services.connect(
        request.user, request.access_target, link.source, link.target, link.label, link.reason
    )
    return Status(201, c)


@router.delete(
    "/portfolios/{portfolio_id}/connections/{int:connection_id}",
    response={204: None, 400: ErrorOut},
    summary="Remove a connection from one's portfolio (204 also if it was already gone)",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def disconnect(request, portfolio_id: int, connection_id: int):
    portfolio_services.disconnect(request.user, request.access_target, connection_id)
    return Status(204, None)


@router.put(
    "/portfolios/{portfolio_id}/layout",
    response={200: LayoutOut, 400: ErrorOut},
    summary="Remember where items sit on the graph (items of other portfolios are ignored)",
)
@requires("portfolio.edit", "portfolio_id", api=True)
@refusals_as_400
def save_layout(request, portfolio_id: int, layout: LayoutIn):
    saved = portfolio_services.save_layout(request.user, request.access_target, layout.positions)
    return {"saved": saved}


@router.get(
    "/items/{item_id}/file",
    summary="An upload's file, typed by its content, sandboxed (never run as a page)",
    response={200: None},
)
@requires("item.view", "item_id", api=True)
def item_file(request, item_id: int):
    return request.access_target.serve_file(request)


@router.get(
    "/items/{item_id}/thumbnail",
    summary="A picture upload's thumbnail (PNG)",
    response={200: None},
)
@requires("item.view", "item_id", api=True)
def item_thumbnail(request, item_id: int):
    return request.access_target.serve_thumbnail()
