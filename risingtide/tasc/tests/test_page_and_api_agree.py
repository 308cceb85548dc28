"""The projects page (staff), a pupil's home page and the API's project list read one list
(``tasc.queries.project_list``): for each person, the same projects in the same order. They once
differed: the API listed a pupil's projects newest first, their home page by status, due date
and title."""

import datetime as dt

import pytest
from django.urls import reverse

from risingtide.api.tests.clients import as_user
from risingtide.lib.testing import linked_ids
from risingtide.tasc.models import Assignment, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(world):
    """More projects set to own's class, made in an order that neither list follows: a closed
    one, open ones due at different dates, one with no due date."""
    today = dt.date(2026, 3, 1)
    for title, status, due in (
        ("Rivers", Project.Status.OPEN, today + dt.timedelta(days=30)),
        ("Bridges", Project.Status.CLOSED, today - dt.timedelta(days=10)),
        ("Castles", Project.Status.OPEN, today + dt.timedelta(days=5)),
        ("Anything", Project.Status.OPEN, None),
        ("Drafting", Project.Status.DRAFT, today),
    ):
        project = Project.objects.create(
            school=world.schools["own"],
            title=title,
            key_stage=Project.KeyStage.KS3,
            wheel=world.wheels["default"],
            status=status,
            due_date=due,
        )
        Assignment.objects.create(project=project, teaching_group=world.groups["own"])
    return world


# (person, the page that lists their projects, how the API is asked: token or session)
PEOPLE = [
    ("teacher@own", "tasc:projects", "token"),
    ("leading_teacher@own", "tasc:projects", "session"),
    ("head@other", "tasc:projects", "token"),
    ("pupil@own", "home:home", "token"),
    ("pupil2@own", "home:home", "session"),
    ("pupil@own2", "home:home", "session"),
]


@pytest.mark.parametrize("who, page, how", PEOPLE)
def test_the_page_and_the_api_list_the_same_projects(projects, client_for, who, page, how):
    user = projects.user(who)
    browser = client_for(user)
    response = browser.get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    if page == "home:home":  # the pupil's panel lists them (what to do next, above, may link one)
        html = html.split("<h3>My projects</h3>", 1)[1].split("<h3>", 1)[0]
    shown = linked_ids(html, "/projects/")
    api = as_user(user) if how == "token" else browser
    answer = api.get("/api/v1/projects", secure=True)
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == shown
    assert shown  # each person here has projects: agreement is not two empty lists
