"""TASC projects in the API: the project list and one project, with the same ``access`` guards
as the pages. The tasc app owns this router because projects are its own; what a pupil does in a
project (portfolios, stages, tools) is in ``portfolios.api`` and reviews in ``feedback.api``, the
apps above tasc that hold them. ``api.api`` adds the routers in that order."""

from datetime import date

from ninja import Router, Schema

from risingtide.access.core import requires
from risingtide.tasc import queries

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


@router.get(
    "/projects",
    response=list[ProjectOut],
    summary="The caller's projects, as their page lists them",
    description="Staff: every project of their schools, newest first (the projects page). "
    "Pupils: the projects set to them once open, by status, due date and title (their home "
    "page).",
)
@requires("site.home", api=True)
def projects(request):
    return list(queries.project_list(request.user))


@router.get("/projects/{project_id}", response=ProjectOut, summary="One project")
@requires("project.view", "project_id", api=True)
def project(request, project_id: int):
    return request.access_target
