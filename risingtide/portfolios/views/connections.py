"""Connections between items: the connections page, adding and removing one, and the graph
(its data as JSON and the layout saved after a drag).

Kept apart from the items because a connection belongs to the portfolio and joins two items,
and the graph speaks JSON to graph.js.
"""

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires
from risingtide.lib import jsondata
from risingtide.lib.forms import refused
from risingtide.portfolios import events, queries, services
from risingtide.portfolios.models import Connection


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
    added = request.GET.get("added", "")
    context.update(
        portfolio=portfolio,
        project=portfolio.project,
        can_edit=can(request.user, "portfolio.edit", portfolio),
        suggested_labels=Connection.SUGGESTED_LABELS,
        added=int(added) if added.isascii() and added.isdigit() and len(added) < 12 else None,
    )
    return render(request, "portfolios/connections.html", context)


@require_POST
@requires("portfolio.edit", "pk")
def add_connection(request, portfolio):
    def as_id(name):
        value = request.POST.get(name, "")
        return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0

    try:
        connection = services.connect(
            request.user,
            portfolio,
            as_id("source"),
            as_id("target"),
            request.POST.get("label", ""),
            request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        refused(request, exc)
        return redirect(_page(portfolio, "id_source"))  # back in the form, to put it right
    messages.success(
        request,
        f"Connection added: {connection.source.title} {connection.label} "
        f"{connection.target.title}.",
    )
    # On the new connection in the list; the graph shows it picked out (?added=).
    return redirect(_page(portfolio, f"connection-{connection.pk}", added=connection.pk))


@require_POST
@requires("portfolio.edit", "pk")
def remove_connection(request, portfolio, connection_id: int):
    if services.disconnect(request.user, portfolio, connection_id):
        messages.success(request, "Connection removed.")
    return redirect(_page(portfolio, "list-title"))


def _page(portfolio, target: str, added: int | None = None) -> str:
    query = f"?added={added}" if added else ""
    return f"{reverse('portfolios:connections', args=[portfolio.pk])}{query}#{target}"


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
