"""Items and notes: adding a note, an upload or a clipping, the item page, the note's autosave,
editing, annotating and moving an item, and serving its file and thumbnail.

Kept apart from the portfolio page because each works on one item (``item.view`` /
``item.edit``), where the portfolio views work on the portfolio.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.forms import refused
from risingtide.lib.markup import markdown
from risingtide.portfolios import events, queries, services
from risingtide.portfolios.views.portfolio import board_url
from risingtide.tasc.models import STAGE_ORDER, Stage


def _back_to_board(request, portfolio, exc: ValidationError):
    """A refused add: the reason above the board, the focus back in the stage's Add box."""
    refused(request, exc)
    stage = request.POST.get("stage", "")
    return redirect(board_url(portfolio.pk, stage if stage in STAGE_ORDER else "", "add"))


@require_POST
@requires("portfolio.edit", "pk")
def add_note(request, portfolio):
    """A new note, opened to write in (it saves itself from there)."""
    try:
        item = services.add_note(
            request.user,
            portfolio,
            request.POST.get("stage", ""),
            request.POST.get("title", ""),
        )
    except ValidationError as exc:
        return _back_to_board(request, portfolio, exc)
    # Said beside the note's box (its status line describes it), where the focus lands.
    return redirect(f"{reverse('portfolios:item', args=[item.pk])}?new=1#note-body")


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
            "new_note": "new" in request.GET,
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


@require_POST
@requires("portfolio.edit", "pk")
def add_upload(request, portfolio):
    """A file kept as an item; back to the board with the focus on its new card."""
    upload = request.FILES.get("file")
    if upload is None:
        return _back_to_board(request, portfolio, ValidationError("Choose a file to upload."))
    try:
        item = services.add_upload(
            request.user,
            portfolio,
            request.POST.get("stage", ""),
            request.POST.get("title", ""),
            upload,
        )
    except ValidationError as exc:
        return _back_to_board(request, portfolio, exc)
    word = "picture" if item.thumbnail else "file"
    messages.success(request, f"Your {word} “{item.title}” is on the board.")
    return redirect(board_url(portfolio.pk, item.stage, f"item-{item.pk}"))


@require_GET
@requires("item.view", "pk")
def item_file(request, item):
    return item.serve_file(request)


@require_GET
@requires("item.view", "pk")
def item_thumbnail(request, item):
    return item.serve_thumbnail()


def _back_to_item(item, button: str):
    """Back to the item's page with the focus on the button pressed (site.js), so the message
    is read out there and the person carries on where they were."""
    return redirect(f"{reverse('portfolios:item', args=[item.pk])}#{button}")


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
    return _back_to_item(item, "save-details")


@require_POST
@requires("item.edit", "pk")
def annotate(request, item):
    try:
        services.annotate(request.user, item, request.POST.get("text", ""))
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, "Your annotation is added.")
    return _back_to_item(item, "add-annotation")


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
    up = request.POST.get("direction") == "up"
    try:
        index = services.move_item(request.user, item, -1 if up else 1)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"Moved “{item.title}” to place {index + 1}.")
    # Back to the button pressed, so pressing it again moves the item on.
    return redirect(board_url(item.portfolio_id, item.stage, f"{'up' if up else 'down'}-{item.pk}"))


@require_POST
@requires("portfolio.edit", "pk")
def add_clipping(request, portfolio):
    """A link kept at once (its page is fetched in the background); back to the board with
    the focus on its new card. The board's one Add box sends its words as ``title``."""
    try:
        item = services.add_clipping(
            request.user,
            portfolio,
            request.POST.get("stage", ""),
            request.POST.get("url") or request.POST.get("title", ""),
        )
    except ValidationError as exc:
        return _back_to_board(request, portfolio, exc)
    messages.success(request, "Your link is on the board. Getting the page…")
    return redirect(board_url(portfolio.pk, item.stage, f"item-{item.pk}"))


@never_cache
@require_GET
@requires("item.view", "pk")
def clip_status(request, item):
    """The clipping part of the item page (or, with ``card``, its card on the board), polled by
    htmx until the fetch has finished."""
    if "card" in request.GET:
        return render(request, "portfolios/_card.html", queries.one_card(request.user, item))
    return render(request, "portfolios/_clip.html", {"item": item})
