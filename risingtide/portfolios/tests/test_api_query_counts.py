"""The API makes a constant number of SQL queries whatever the data size: each read is counted
with a little of everything, then again after the data has grown many times over (the same
seed and growth as the pages' test, portfolios/tests/test_query_counts.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risingtide.api.tests.clients import as_user, call
from risingtide.portfolios.models import Portfolio, PortfolioMember
from risingtide.portfolios.tests.test_query_counts import Queries, grow, grow_class, seed
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project

pytestmark = pytest.mark.django_db

VIEWERS = ["pupil@own", "teacher@own"]
STAFF = ["teacher@own", "leading_teacher@own"]


def api_queries(clients: dict, path: str) -> dict[str, Queries]:
    """The queries of ``GET /api/v1<path>`` for each viewer's client, after a first call that
    records the token's use; each keeps the answer's data."""
    counted = {}
    for viewer, client in clients.items():
        assert call(client, "get", path).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            response = call(client, "get", path)
        assert response.status_code == 200
        counted[viewer] = Queries(q["sql"] for q in ctx.captured_queries)
        counted[viewer].data = response.json()
    return counted


def clients_for(world, viewers) -> dict:
    return {viewer: as_user(world.user(viewer)) for viewer in viewers}


def grow_projects(world, n: int = 12) -> None:
    """``n`` more group projects set to the class of "own", each with a portfolio that both of
    its first pupils share, and ``n`` drafts no pupil sees."""
    school, group = world.schools["own"], world.groups["own"]
    pupils = [world.user("pupil@own"), world.user("pupil2@own")]
    projects = Project.objects.bulk_create(
        Project(
            school=school,
            title=f"more project {k}",
            key_stage=Project.KeyStage.KS3,
            wheel=world.wheels["default"],
            mode=Project.Mode.GROUP,
            status=Project.Status.OPEN if k % 2 == 0 else Project.Status.DRAFT,
            success_criteria=["one", "two"],
        )
        for k in range(2 * n)
    )
    Assignment.objects.bulk_create(Assignment(project=p, teaching_group=group) for p in projects)
    opened = [p for p in projects if p.status == Project.Status.OPEN]
    portfolios = Portfolio.objects.bulk_create(
        Portfolio(project=p, name=f"Group {k}") for k, p in enumerate(opened)
    )
    PortfolioMember.objects.bulk_create(
        PortfolioMember(portfolio=portfolio, project=portfolio.project, pupil=pupil)
        for portfolio in portfolios
        for pupil in pupils
    )


# --- lists ---------------------------------------------------------------------------------


def test_portfolio_list(world):
    clients = clients_for(world, VIEWERS + STAFF[1:])
    few = api_queries(clients, "/portfolios")
    grow_class(world)
    grow_projects(world)
    many = api_queries(clients, "/portfolios")
    assert many == few
    assert len(many["pupil@own"].data) == 13
    assert len(many["teacher@own"].data) == len(few["teacher@own"].data) + 15 + 12
    assert ["Ada Own", "Ben Own"] in [r["members"] for r in many["pupil@own"].data]


@pytest.mark.parametrize("query", ["", "&sort=help&needs_feedback=true"])
def test_a_projects_portfolio_list(world, query):
    """A project's portfolios as its progress grid orders them: as many queries for a class
    of three as for one of eighteen."""
    clients = clients_for(world, STAFF)
    path = f"/portfolios?project={world.projects['own'].pk}{query}"
    few = api_queries(clients, path)
    grow_class(world)
    many = api_queries(clients, path)
    assert many == few
    if not query:
        assert len(many["teacher@own"].data) == len(few["teacher@own"].data) + 15


def test_project_list(world):
    clients = clients_for(world, VIEWERS + STAFF[1:])
    few = api_queries(clients, "/projects")
    grow_projects(world)
    many = api_queries(clients, "/projects")
    assert many == few
    assert len(many["pupil@own"].data) == len(few["pupil@own"].data) + 12
    assert len(many["leading_teacher@own"].data) == len(few["leading_teacher@own"].data) + 24


# --- one portfolio, one item, one tool -----------------------------------------------------


def test_portfolio(world):
    seed(world)
    clients = clients_for(world, VIEWERS)
    path = f"/portfolios/{world.portfolios['own'].pk}"
    few = api_queries(clients, path)
    grow(world)
    many = api_queries(clients, path)
    assert many == few
    for viewer in VIEWERS:
        assert len(many[viewer].data["items"]) == 48  # seed adds a note at Identify too
        assert len(many[viewer].data["connections"]) == 93


@pytest.mark.parametrize("which", ["items", "uploads"])
def test_item(world, which):
    seed(world)
    clients = clients_for(world, VIEWERS)
    path = f"/items/{getattr(world, which)['own'].pk}"
    few = api_queries(clients, path)
    grow(world)
    many = api_queries(clients, path)
    assert many == few
    for viewer in VIEWERS:
        assert len(many[viewer].data["annotations"]) == 1 + 3 + 15
        assert len(many[viewer].data["categories"]) == 1 + 15


@pytest.mark.parametrize("stage", STAGE_ORDER)
def test_stage_tool(world, stage):
    seed(world)
    clients = clients_for(world, VIEWERS)
    path = f"/portfolios/{world.portfolios['own'].pk}/tools/{stage}"
    few = api_queries(clients, path)
    grow(world)
    many = api_queries(clients, path)
    assert many == few
    assert many["pupil@own"].data["data"] != few["pupil@own"].data["data"]
