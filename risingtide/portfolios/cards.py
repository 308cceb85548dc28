"""The cards on the pupil's board: what each item shows at a glance (a note's first words, a
clipping's picture and site, an upload's thumbnail or kind of file, importance, connections,
unread feedback), as plain rows.

Kept apart from ``queries`` because a card is presentation-ready data built for many items at
once: the queries that read them are fixed in number (the items with their counts, their
categories, the feedback counts), and everything per item here is string work, never a query or
a ``reverse()``.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import Substr

from risingtide.lib.counts import count_of
from risingtide.lib.markup import plain_text
from risingtide.lib.uploads import ALLOWED
from risingtide.lib.urls import url_maker
from risingtide.portfolios.models import Connection, Item

SNIPPET_CHARS = 140

# What an upload is, in a word a seven-year-old reads, and its icon (vendor/lucide).
FILE_KINDS = {
    "image": ("Picture", "image"),
    "audio": ("Sound", "music"),
    "video": ("Video", "video"),
}
DOCUMENT_WORDS = {
    "application/pdf": "PDF",
    "application/vnd.ms-excel": "Spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet": "Spreadsheet",
    "application/vnd.ms-powerpoint": "Slides",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "Slides",
    "application/vnd.oasis.opendocument.presentation": "Slides",
}


@dataclass
class Card:
    pk: int
    title: str
    kind: str  # the Item.Kind value
    label: str  # what it is, in a word: Note, Link, Picture, PDF…
    icon: str  # a lucide icon name (board.css has an .i-<name> rule for each)
    stage: str
    stage_title: str = ""  # the wheel's word for the stage, shown beside a search's finds
    snippet: str = ""
    picture_url: str = ""
    site_name: str = ""
    clip_status: str = ""
    importance: int | None = None
    connections: int = 0
    feedback: int = 0
    unread: int = 0
    author: str = ""
    categories: list[str] = field(default_factory=list)
    url: str = ""
    move_url: str = ""
    poll_url: str = ""  # a clipping still being fetched: where its card asks again


def board_items(items: QuerySet) -> QuerySet:
    """``items`` with what a card needs and nothing it does not: a note's first characters
    rather than its whole text, no stored page copies, the connection counts as subqueries."""
    return (
        items.select_related("created_by")
        .prefetch_related("categories")
        .annotate(
            body_start=Substr("body", 1, SNIPPET_CHARS * 4),
            links_out=count_of(Connection.objects.all(), "source"),
            links_in=count_of(Connection.objects.all(), "target"),
        )
        .defer("body", "snapshot", "excerpt", "description")
    )


def what(item: Item) -> tuple[str, str]:
    """What an item is, in a word, and its icon."""
    if item.kind == Item.Kind.NOTE:
        return "Note", "pencil"
    if item.kind == Item.Kind.CLIPPING:
        return "Link", "link"
    family = ALLOWED.get(item.file_type, "document")
    if family in FILE_KINDS:
        return FILE_KINDS[family]
    return DOCUMENT_WORDS.get(item.file_type, "Document"), "file-text"


def cards(items: list[Item], feedback: dict[int, tuple[int, int]]) -> list[Card]:
    """One card per item (read through ``board_items``); ``feedback`` is ``{item id: (threads,
    unread threads)}`` as the viewer sees them."""
    item_url, thumbnail_url, move_url, clip_url = (
        url_maker(name)
        for name in (
            "portfolios:item",
            "portfolios:item_thumbnail",
            "portfolios:move_item",
            "portfolios:clip_status",
        )
    )
    out = []
    for i in items:
        label, icon = what(i)
        threads, unread = feedback.get(i.pk, (0, 0))
        out.append(
            Card(
                pk=i.pk,
                title=i.title,
                kind=i.kind,
                label=label,
                icon=icon,
                stage=i.stage,
                snippet=plain_text(i.body_start, SNIPPET_CHARS) if i.kind == i.Kind.NOTE else "",
                picture_url=thumbnail_url(i.pk) if i.thumbnail else "",
                site_name=i.site_name,
                clip_status=i.clip_status,
                importance=i.importance,
                connections=i.links_out + i.links_in,
                feedback=threads,
                unread=unread,
                author=i.created_by.first_name if i.created_by else "",
                categories=[c.name for c in i.categories.all()],
                url=item_url(i.pk),
                move_url=move_url(i.pk),
                poll_url=f"{clip_url(i.pk)}?card=1" if i.clip_status == "pending" else "",
            )
        )
    return out
