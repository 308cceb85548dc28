"""A presentation's page and the API read the same reviews (``feedback.queries.reviews_for``):
for each person who may see the presentation, the same reviews in the same order, named or
anonymous alike, hidden ones only for staff."""

import pytest
from django.urls import reverse

from risingtide.api.tests.clients import as_user
from risingtide.demo.testing import make_user, member
from risingtide.feedback import services
from risingtide.people.models import Role
from risingtide.portfolios import services as portfolio_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(world):
    """Ada's presentation, shared with her class: her own review, an anonymous one by Ben, a
    named one by Cat and one by Dan that the teacher hid from pupils."""
    project = world.projects["own"]
    project.success_criteria = ["Explains what bees need", "Design works"]
    project.save()
    portfolio = world.portfolios["own"]
    portfolio_services.share_presentation(world.user("pupil@own"), portfolio, "class")
    for username, first in (("cat.own", "Cat"), ("dan.own", "Dan")):
        pupil = world.users[f"{first.lower()}@own"] = make_user(username, first, "Own")
        member(pupil, Role.PUPIL, school=world.schools["own"])
        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
    services.review(world.user("pupil2@own"), portfolio, {0: 1}, "Add labels", True)
    services.review(world.user("pupil@own"), portfolio, {0: 2, 1: 1}, "I did well", False)
    services.review(world.user("cat@own"), portfolio, {1: 2}, "Lovely colours", False)
    rude = services.review(world.user("dan@own"), portfolio, {0: 0}, "Meh", False)
    services.hide_review(world.user("teacher@own"), portfolio, rude.pk, True)
    return portfolio


@pytest.mark.parametrize(
    "who, how",
    [
        ("pupil@own", "token"),
        ("pupil2@own", "session"),
        ("cat@own", "token"),
        ("teacher@own", "session"),
    ],
)
def test_the_presentation_and_api_show_the_same_reviews(reviewed, world, client_for, who, how):
    browser = client_for(world.user(who))
    page = browser.get(reverse("portfolios:presentation", args=[reviewed.pk]))
    assert page.status_code == 200
    shown = [(r["id"], r["by"], r["hidden"]) for r in page.context["reviews"]]
    api = as_user(world.user(who)) if how == "token" else browser
    answer = api.get(f"/api/v1/portfolios/{reviewed.pk}/reviews", secure=True)
    assert answer.status_code == 200
    assert [(r["id"], r["by"], r["hidden"]) for r in answer.json()] == shown
    assert len(shown) >= 2  # classmates see neither her own review nor the hidden one
