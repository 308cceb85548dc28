import re

import pytest
from django.urls import reverse

from risingtide.demo.testing import member
from risingtide.home.tests.test_home import _count, _grow
from risingtide.people.models import Role
from risingtide.portfolios.services import portfolio_for, set_stage_done
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project

pytestmark = pytest.mark.django_db


def test_school_page_lists_each_staff_member_once_with_all_roles(world, client_for):
    member(world.users["head@own"], Role.TEACHER, school=world.schools["own"])
    page = (
        client_for(world.user("head@own"))
        .get(reverse("home:school", args=[world.schools["own"].pk]))
        .content.decode()
    )
    staff = page.split("Staff with a G&amp;T role")[1]
    assert staff.count("Head Own") == 1
    assert "Head / senior leader, Teacher" in page
    assert "Cluster Lead" in page  # the cluster's leading teacher serves this school too


def test_la_lead_sees_school_numbers_but_not_group_lists(world, client_for):
    page = (
        client_for(world.user("la_lead@own"))
        .get(reverse("home:school", args=[world.schools["own"].pk]))
        .content.decode()
    )
    assert "Group lists are for the school's own staff." in page
    assert "Own 7A" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("user_key", ["teacher@own", "leading_teacher@own", "head@own"])
def test_the_group_page_and_api_list_the_same_pupils(world, client_for, user_key):
    """Both read ``people.queries.group_pupils``: the same pupils, in the same order."""
    client = client_for(world.user(user_key))
    group = world.groups["own"]
    html = client.get(reverse("home:teaching_group", args=[group.pk])).content.decode()
    on_page = [int(part.split("/")[0]) for part in html.split('<a href="/pupils/')[1:]]
    api = client.get(f"/api/v1/groups/{group.pk}/pupils").json()
    assert on_page == [p["id"] for p in api]
    assert on_page


# --- the class page: its projects and how far its pupils are with each ---------------------------


def project_rows(client, user, group) -> list[list[str]]:
    client.force_login(user)
    html = client.get(reverse("home:teaching_group", args=[group.pk])).content.decode()
    client.logout()
    table = html.split("<h2>Projects")[1].split("<h2>Pupils")[0]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_the_class_page_lists_its_projects_with_who_has_started_and_finished(world, client):
    teacher = world.user("teacher@own")
    pupil2 = world.user("pupil2@own")
    portfolio = portfolio_for(pupil2, world.projects["own"])
    for stage in STAGE_ORDER:
        set_stage_done(pupil2, portfolio, stage, True)
    rows = project_rows(client, teacher, world.groups["own"])
    assert rows == [
        ["own project", "Open", "2", "2", "1", "Progress of own project"],
        ["own_draft project", "Draft", "2", "0", "0", "Progress of own_draft project"],
    ]
    client.force_login(teacher)
    html = client.get(
        reverse("home:teaching_group", args=[world.groups["own"].pk])
    ).content.decode()
    assert reverse("portfolios:project_progress", args=[world.projects["own"].pk]) in html


def test_a_project_set_to_one_pupil_of_the_class_counts_that_pupil(world, client):
    rows = project_rows(client, world.user("teacher+lead@own"), world.groups["own2"])
    assert rows == [["own2_pupil project", "Open", "1", "1", "0", "Progress of own2_pupil project"]]


def test_a_class_without_projects_says_so(world, client):
    client.force_login(world.user("teacher@peer"))
    html = client.get(
        reverse("home:teaching_group", args=[world.groups["peer"].pk])
    ).content.decode()
    assert "No projects are set to this class yet." in html
    assert 'href="/projects/">Set one from Projects</a>' in html


def test_the_class_page_takes_no_more_queries_with_more_projects_and_pupils(world, client):
    group = world.groups["own"]
    url = reverse("home:teaching_group", args=[group.pk])
    before = _count(client, world.user("teacher@own"), url)
    for n in range(5):
        project = Project.objects.create(
            school=world.schools["own"],
            title=f"Extra {n}",
            key_stage=Project.KeyStage.KS3,
            wheel=world.wheels["default"],
            status=Project.Status.OPEN,
        )
        Assignment.objects.create(project=project, teaching_group=group)
    _grow(world, pupils_per_group=20, extra_groups=2)
    assert _count(client, world.user("teacher@own"), url) == before
