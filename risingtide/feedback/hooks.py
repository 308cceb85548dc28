"""Feedback's part in the pages of the apps below it (TASC projects, portfolios), connected to
their hooks when the app is ready: they show feedback without importing it."""

from django.db.models import Count, Max, Q

from risingtide.feedback.models import Comment
from risingtide.feedback.queries import (
    card_counts,
    criteria_rows,
    reviews_for,
    waits_for_teacher,
)
from risingtide.feedback.services import levels_for
from risingtide.feedback.views import threads_context
from risingtide.portfolios import events as portfolio_events
from risingtide.tasc import events as tasc_events


def on_portfolio_page(request, portfolio, page: str, **target) -> dict:
    """The threads about what the page shows (reading them marks them read); the success
    criteria on the portfolio page; the reviews on the presentation; nothing on the grid."""
    if page == "progress":
        return {}
    if page == "presentation":
        return reviews_for(request.user, portfolio)
    context = threads_context(request, portfolio, **target)
    if page == "portfolio":
        context.update(criteria_rows(portfolio))
    return context


def on_progress_grid(portfolio_ids) -> dict:
    """Open next steps, threads waiting for the teacher (counted as the teacher's inbox counts
    them) and the last feedback of each portfolio: one query."""
    return {
        row["portfolio_id"]: row
        for row in Comment.objects.filter(portfolio__in=portfolio_ids)
        .values("portfolio_id")
        .annotate(
            open=Count("pk", filter=Q(state=Comment.State.OPEN)),
            waiting=Count("pk", filter=waits_for_teacher()),
            last=Max("created_at"),
        )
    }


def on_project_page(request, project, context) -> dict:
    """The rubric levels, for whoever may edit the project."""
    return {"rubric_levels": "\n".join(levels_for(project))} if context.get("can_edit") else {}


def connect() -> None:

    portfolio_events.page_parts.connect(on_portfolio_page)
    portfolio_events.progress_parts.connect(on_progress_grid)
    portfolio_events.card_parts.connect(card_counts)
    tasc_events.project_page_parts.connect(on_project_page)
