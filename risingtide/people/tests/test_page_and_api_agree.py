"""A teaching group's page and the API read the same pupils (``people.queries.group_pupils``):
for each person who may see the group, the same pupils in the same order."""

import pytest
from django.urls import reverse

from risingtide.api.tests.clients import as_user
from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(world):
    """Own's first group with more pupils, named out of the order they joined in (two share a
    name, so the order falls to their ids)."""
    group = world.groups["own"]
    for username, first, last in (
        ("zed", "Zed", "Able"),
        ("amy", "Amy", "Young"),
        ("sam1", "Sam", "Lee"),
        ("sam2", "Sam", "Lee"),
    ):
        pupil = make_user(username, first, last)
        member(pupil, Role.PUPIL, school=group.school)
        member(pupil, Role.PUPIL, school=group.school, teaching_group=group)
    return group


@pytest.mark.parametrize(
    "who, how",
    [("teacher@own", "token"), ("leading_teacher@own", "session"), ("head@own", "token")],
)
def test_the_group_page_and_api_list_the_same_pupils(group, world, client_for, who, how):
    browser = client_for(world.user(who))
    page = browser.get(reverse("home:teaching_group", args=[group.pk]))
    assert page.status_code == 200
    shown = [p.pk for p in page.context["pupils"]]
    api = as_user(world.user(who)) if how == "token" else browser
    answer = api.get(f"/api/v1/groups/{group.pk}/pupils", secure=True)
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == shown
    assert len(shown) == 6
