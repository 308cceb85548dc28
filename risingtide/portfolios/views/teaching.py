"""The teacher's views of a whole project: the progress grid (pupils × stages, and who has
gone quiet) and the lesson presented to a class on the board.

Kept apart because they read across every portfolio in a project (``project.edit``), where the
other views each work on one portfolio.
"""

from django.conf import settings
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from risingtide.access.core import requires
from risingtide.lib.kept import TOKEN, kept, with_token
from risingtide.portfolios import events, progress, queries
from risingtide.portfolios.forms import ProgressGridForm


@require_GET
@requires("project.edit", "pk")
def project_progress(request, project):
    """The teacher's grid: pupils × stages, sorted (by name, last activity or who needs help)
    and filtered (who needs feedback) as the address asks."""
    form = ProgressGridForm(request.GET)
    choice = form.choice()

    def build() -> dict:
        context = progress.progress_page(
            request.user, project, **choice, stuck_after_days=settings.STUCK_AFTER_DAYS
        )
        # What apps above add to the grid (badges: an "Award a badge" link on each row).
        context.update(events.page_parts.merged(request, None, "progress", project=project))
        context["csrf_token"] = TOKEN
        return {
            "title": f"Progress: {context['project'].title}, {context['grid'].sort_label.lower()}",
            "body": render_to_string("portfolios/_progress_page.html", context, request),
        }

    # Kept per viewer (whom they may see) under the grid's version and the sort asked for.
    user = request.user
    key = (
        f"grid:{project.pk}:{progress.grid_version(project)}:{user.pk}:{user.access_version}:"
        f"{int(user.is_superuser)}:{sorted(choice.items())}"
    )
    page = kept(key.replace(" ", ""), build)
    return render(
        request,
        "portfolios/progress.html",
        {"title": page["title"], "body": with_token(page["body"], request)},
    )


@require_GET
@requires("project.edit", "pk")
def lesson(request, project):
    """Present a project to a class on the board: the wheel, this stage, chosen shared work."""
    show = [int(v) for v in request.GET.getlist("show") if v.isascii() and v.isdigit()][:12]
    context = queries.lesson_page(request.user, project, request.GET.get("stage", ""), show)
    return render(request, "portfolios/lesson.html", context)
