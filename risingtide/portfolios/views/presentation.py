"""The Communicate presentation: the read-only page of chosen items, their pictures for
whoever may see it, and sharing it with a class or the school.

Kept apart because it has its own rule (``presentation.view``): a classmate may see the
presentation without seeing the portfolio behind it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires
from risingtide.lib.forms import refused
from risingtide.portfolios import events, queries, services
from risingtide.portfolios.models import Portfolio


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
    return redirect("portfolios:presentation", portfolio.pk)
