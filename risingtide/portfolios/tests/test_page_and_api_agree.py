"""The portfolio pages and the API read the same lists (``portfolios.lists``): a portfolio's
items, filtered as on its page, and a project's portfolios as its progress page lists them —
for every filter both offer and each person who may read them, the same ids in the same order.
They once differed: the API gave the stages in alphabetical order and no filter, and a
project's portfolios most recently active first."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.api.tests.clients import as_user
from risingtide.demo.testing import make_user, member
from risingtide.lib.testing import linked_ids
from risingtide.people.models import Role
from risingtide.portfolios import groups
from risingtide.portfolios.models import Portfolio
from risingtide.portfolios.services import add_note, annotate, portfolio_for, update_item
from risingtide.tasc.models import Assignment, Project

pytestmark = pytest.mark.django_db


def _api(world, who: str, how: str, browser):
    """The API as a script (a token) or as the signed-in browser (its session)."""
    return as_user(world.user(who)) if how == "token" else browser


# --- a portfolio's items -------------------------------------------------------------------


@pytest.fixture
def items(world):
    """Ada's portfolio with items in stages whose alphabetical order is not the wheel's, rated,
    sorted into categories and annotated."""
    ada = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    made = {
        "plan": add_note(ada, portfolio, "decide", "Which plan", "Bees like holes"),
        "poster": add_note(ada, portfolio, "communicate", "Poster", "For the hall"),
        "test": add_note(ada, portfolio, "evaluate", "Did it work", "Two bees came"),
        "more": add_note(ada, portfolio, "gather", "More facts", "Solitary bees"),
    }
    update_item(ada, made["plan"], title="Which plan", stage="decide", importance=4,
                categories=["Evidence"])  # fmt: skip
    update_item(ada, made["more"], title="More facts", stage="gather", importance=2,
                categories=["Evidence", "Facts"])  # fmt: skip
    annotate(ada, made["poster"], "Ask the bees")
    return portfolio


# (page query, API query): the same filter
ITEM_FILTERS = [
    ("", "stage=gather"),  # the board opens at the pupil's current stage
    ("stage=gather", "stage=gather"),
    ("stage=decide", "stage=decide"),
    ("category=Evidence", "category=Evidence"),
    ("importance=3", "importance=3"),
    ("q=bees", "q=bees"),
    ("stage=gather&category=Facts", "stage=gather&category=Facts"),
]
ITEM_READERS = [("pupil@own", "token"), ("teacher@own", "session"), ("head@own", "token")]


@pytest.mark.parametrize("who, how", ITEM_READERS)
@pytest.mark.parametrize("page_query, api_query", ITEM_FILTERS)
def test_the_portfolio_page_and_api_list_the_same_items(
    items, world, client_for, who, how, page_query, api_query
):
    browser = client_for(world.user(who))
    response = browser.get(f"{reverse('portfolios:portfolio', args=[items.pk])}?{page_query}")
    assert response.status_code == 200
    shown = [card.pk for card in response.context["cards"]]
    answer = _api(world, who, how, browser).get(
        f"/api/v1/portfolios/{items.pk}?{api_query}", secure=True
    )
    assert answer.status_code == 200
    assert [i["id"] for i in answer.json()["items"]] == shown
    assert shown  # every filter here matches something


def test_the_api_refuses_a_stage_the_page_would_ignore(items, world):
    api = as_user(world.user("pupil@own"))
    answer = api.get(f"/api/v1/portfolios/{items.pk}?stage=dance", secure=True)
    assert answer.status_code == 400 and answer.json()["errors"] == {"stage": ["Unknown stage."]}


# --- a project's portfolios ----------------------------------------------------------------


def _pupil(world, username: str, first: str, last: str):
    pupil = make_user(username, first, last)
    member(pupil, Role.PUPIL, school=world.schools["own"])
    member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
    return pupil


@pytest.fixture
def project(world):
    """Own's project with portfolios for more of its class, whose surnames run in another
    order than their activity; Abe has been stuck for ten days, Zara and Amy have had no
    feedback for over a week, and one pupil has not started."""
    project = world.projects["own"]
    pupils = [
        world.user("pupil2@own"),
        _pupil(world, "zara", "Zara", "Adams"),
        _pupil(world, "abe", "Abe", "Young"),
        _pupil(world, "amy", "Amy", "Adams"),
    ]
    _pupil(world, "nobody.yet", "Ned", "Brown")  # no portfolio
    now = timezone.now()
    for n, pupil in enumerate(pupils):
        Portfolio.objects.filter(pk=portfolio_for(pupil, project).pk).update(
            last_activity_at=now - dt.timedelta(hours=n)
        )
    week_ago = now - dt.timedelta(days=8)
    Portfolio.objects.filter(members__username__in=["zara", "amy"]).update(created_at=week_ago)
    Portfolio.objects.filter(members__username="abe").update(
        last_activity_at=now - dt.timedelta(days=10)
    )
    return project


@pytest.fixture
def group_project(world):
    """A group project: two groups whose names run in another order than their members'."""
    project = Project.objects.create(
        school=world.schools["own"],
        title="Bee hotel",
        key_stage=Project.KeyStage.KS3,
        wheel=world.wheels["default"],
        mode=Project.Mode.GROUP,
        status=Project.Status.OPEN,
    )
    Assignment.objects.create(project=project, teaching_group=world.groups["own"])
    teacher = world.user("teacher@own")
    ada, ben = world.user("pupil@own"), world.user("pupil2@own")
    zara, abe = _pupil(world, "zara", "Zara", "Adams"), _pupil(world, "abe", "Abe", "Young")
    groups.form_group(teacher, project, [ben, abe], "A team")
    groups.form_group(teacher, project, [ada, zara], "B team")
    return project


PROJECT_READERS = [
    ("teacher@own", "token"),
    ("leading_teacher@own", "session"),
    ("head@own", "token"),
    ("teacher+lead@own", "session"),
]


# (project, page query, API query): the same order and filter of the progress grid
GRID_FILTERS = [
    ("project", "", ""),
    ("project", "sort=activity", "sort=activity"),
    ("project", "sort=help", "sort=help"),
    ("project", "needs_feedback=1", "needs_feedback=true"),
    ("project", "sort=activity&needs_feedback=1", "sort=activity&needs_feedback=true"),
    ("project", "sort=nonsense", ""),  # the page reads an unknown order as by name
    ("group_project", "", ""),
    ("group_project", "sort=activity", "sort=activity"),
]


@pytest.mark.parametrize("who, how", PROJECT_READERS)
@pytest.mark.parametrize("which, page_query, api_query", GRID_FILTERS)
def test_the_progress_page_and_api_list_the_same_portfolios(
    request, world, client_for, who, how, which, page_query, api_query
):
    project = request.getfixturevalue(which)
    browser = client_for(world.user(who))
    response = browser.get(
        f"{reverse('portfolios:project_progress', args=[project.pk])}?{page_query}"
    )
    assert response.status_code == 200
    shown = linked_ids(response.content.decode(), "/portfolios/")
    answer = _api(world, who, how, browser).get(
        f"/api/v1/portfolios?project={project.pk}&{api_query}", secure=True
    )
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == shown
    assert len(shown) >= 2  # more than one, so the order is tested too


def test_the_api_refuses_an_order_the_page_would_ignore(project, world):
    api = as_user(world.user("teacher@own"))
    answer = api.get(f"/api/v1/portfolios?project={project.pk}&sort=nonsense", secure=True)
    assert answer.status_code == 400 and "sort" in answer.json()["errors"]
    answer = api.get("/api/v1/portfolios?sort=help", secure=True)
    assert answer.status_code == 400 and "project" in answer.json()["errors"]
