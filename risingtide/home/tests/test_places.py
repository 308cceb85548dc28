import pytest
from django.urls import reverse

from risingtide.demo.testing import member
from risingtide.people.models import Role

pytestmark = pytest.mark.django_db


def test_school_page_lists_each_staff_member_once_with_all_roles(world, client_for):
    member(world.users["head@own"], Role.TEACHER, school=world.schools["own"])
    page = (
        client_for(world.user("head@own"))
        .get(reverse("school", args=[world.schools["own"].pk]))
        .content.decode()
    )
    staff = page.split("Staff with a G&amp;T role")[1]
    assert staff.count("Head Own") == 1
    assert "Head / senior leader, Teacher" in page
    assert "Cluster Lead" in page  # the cluster's leading teacher serves this school too


def test_la_lead_sees_school_numbers_but_not_group_lists(world, client_for):
    page = (
        client_for(world.user("la_lead@own"))
        .get(reverse("school", args=[world.schools["own"].pk]))
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
    html = client.get(reverse("teaching_group", args=[group.pk])).content.decode()
    on_page = [int(part.split("/")[0]) for part in html.split('<a href="/pupils/')[1:]]
    api = client.get(f"/api/v1/groups/{group.pk}/pupils").json()
    assert on_page == [p["id"] for p in api]
    assert on_page
