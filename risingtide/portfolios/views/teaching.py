"""The teacher's views of a whole project: the progress grid (pupils × stages, and who has
gone quiet) and the lesson presented to a class on the board.

Kept apart because they read across every portfolio in a project (``project.edit``), where the
other views each work on one portfolio.
"""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from risingtide.access.core import requires
from risingtide.portfolios import queries


@require_GET
@requires("project.edit", "pk")
def project_progress(request, project):
    """The teacher's grid: pupils × stages, with who has gone quiet."""

    context = queries.project_page_header(project)
    context["rows"] = queries.project_progress(request.user, project, settings.STUCK_AFTER_DAYS)
    context["stuck_after_days"] = settings.STUCK_AFTER_DAYS
    return render(request, "portfolios/progress.html", context)


@require_GET
@requires("project.edit", "pk")
def lesson(request, project):
    """Present a project to a class on the board: the wheel, this stage, chosen shared work."""
    show = [int(v) for v in request.GET.getlist("show") if v.isascii() and v.isdigit()][:12]
    context = queries.lesson_page(request.user, project, request.GET.get("stage", ""), show)
    return render(request, "portfolios/lesson.html", context)
