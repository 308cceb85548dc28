"""Communicate: a read-only presentation, shared with the class or the school, never beyond."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse

from risingtide.access.core import can
from risingtide.lib.testing import make_user, member
from risingtide.people.models import Role
from risingtide.portfolios import services

pytestmark = pytest.mark.django_db


def choose(world, *items):
    q = QueryDict(mutable=True)
    q.setlist("item", [str(i.pk) for i in items])
    q["audience"] = "Year 7"
    services.save_stage_work(world.user("pupil@own"), world.portfolios["own"], "communicate", q, 0)


def test_presentation_shows_chosen_items_and_their_connections(world, client_for):
    choose(world, world.uploads["own"], world.items["own"])
    services.connect(
        world.user("pupil@own"),
        world.portfolios["own"],
        world.uploads["own"].pk,
        world.items["own"].pk,
        "supports",
        "It shows it",
    )
    page = (
        client_for(world.user("pupil@own"))
        .get(reverse("presentation", args=[world.portfolios["own"].pk]))
        .content.decode()
    )
    assert page.index("own picture") < page.index("own note")
    assert "supports" in page and "for Year 7" in page


def test_sharing_with_class_then_school(world):
    portfolio = world.portfolios["own"]
    classmate = world.user("pupil2@own")
    other_class = world.user("pupil@own2")
    outsider = world.user("pupil@other")
    assert not can(classmate, "presentation.view", portfolio)
    services.share_presentation(world.user("pupil@own"), portfolio, "class")
    assert can(classmate, "presentation.view", portfolio)
    assert not can(other_class, "presentation.view", portfolio)
    assert not can(classmate, "portfolio.view", portfolio)  # the presentation, not the portfolio
    services.share_presentation(world.user("pupil@own"), portfolio, "school")
    assert can(world.user("pupil@own2"), "presentation.view", portfolio)
    assert not can(outsider, "presentation.view", portfolio)
    # A pupil who later joins the same school elsewhere sees it; one in another school never.
    newcomer = make_user("new.pupil", "New", "Pupil")
    member(newcomer, Role.PUPIL, school=world.schools["other"])
    assert not can(newcomer, "presentation.view", portfolio)
    with pytest.raises(ValidationError):
        services.share_presentation(world.user("pupil@own"), portfolio, "world")


def test_projector_view_and_share_form(world, client_for):
    client = client_for(world.user("pupil@own"))
    url = reverse("presentation", args=[world.portfolios["own"].pk])
    assert "projector" in client.get(url, {"projector": "1"}).content.decode()
    response = client.post(
        reverse("share", args=[world.portfolios["own"].pk]), {"audience": "class"}
    )
    assert response.status_code == 302
    world.portfolios["own"].refresh_from_db()
    assert world.portfolios["own"].shared_with == "class"
