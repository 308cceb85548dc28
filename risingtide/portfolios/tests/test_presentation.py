"""Communicate: a read-only presentation, shared with the class or the school, never beyond."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse

from risingtide.access.core import can
from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role
from risingtide.portfolios import services, tools

pytestmark = pytest.mark.django_db


def choose(world, *items):
    q = QueryDict(mutable=True)
    q.setlist("item", [str(i.pk) for i in items])
    q["audience"] = "Year 7"
    portfolio = world.portfolios["own"]
    work = portfolio.stage_work.filter(stage="communicate").first()
    version = work.version if work else 0
    tools.save_stage_work(world.user("pupil@own"), portfolio, "communicate", q, version)


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
        .get(reverse("portfolios:presentation", args=[world.portfolios["own"].pk]))
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
    url = reverse("portfolios:presentation", args=[world.portfolios["own"].pk])
    assert "projector" in client.get(url, {"projector": "1"}).content.decode()
    response = client.post(
        reverse("portfolios:share", args=[world.portfolios["own"].pk]), {"audience": "class"}
    )
    assert response.status_code == 302
    world.portfolios["own"].refresh_from_db()
    assert world.portfolios["own"].shared_with == "class"


def test_classmates_see_the_pictures_of_a_shared_presentation_only(world, client_for):
    portfolio = world.portfolios["own"]
    picture = world.uploads["own"]
    choose(world, picture)
    services.share_presentation(world.user("pupil@own"), portfolio, "class")
    classmate = client_for(world.user("pupil2@own"))
    page = classmate.get(reverse("portfolios:presentation", args=[portfolio.pk])).content.decode()
    url = reverse("portfolios:presentation_picture", args=[portfolio.pk, picture.pk])
    assert url in page and "Back to my home page" in page
    response = classmate.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # The classmate still cannot open the item itself, nor a picture that was not chosen.
    assert classmate.get(reverse("portfolios:item_thumbnail", args=[picture.pk])).status_code == 404
    choose(world, world.items["own"])  # the picture is no longer presented
    assert classmate.get(url).status_code == 404
    outsider = client_for(world.user("pupil@other"))
    assert outsider.get(url).status_code == 404


def test_presentation_query_count_does_not_grow_with_items(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    client = client_for(pupil)
    url = reverse("portfolios:presentation", args=[portfolio.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    choose(world, world.items["own"])
    few = count()
    notes = [services.add_note(pupil, portfolio, "communicate", f"n{i}") for i in range(8)]
    for a, b in itertools.pairwise(notes):
        services.connect(pupil, portfolio, a.pk, b.pk, "causes", "")
    choose(world, world.items["own"], *notes)
    assert count() == few


def test_lesson_view_shows_only_work_pupils_shared(world, client_for):
    pupil = world.user("pupil@own")
    teacher = client_for(world.user("teacher@own"))
    project = world.projects["own"]
    url = reverse("portfolios:lesson", args=[project.pk])
    note = world.items["own"]
    page = teacher.get(url, {"stage": "gather", "show": [note.pk]}).content.decode()
    assert "Gather and Organise" in page and "own note" not in page  # not shared: no consent
    services.share_presentation(pupil, world.portfolios["own"], "class")
    page = teacher.get(url, {"stage": "gather", "show": [note.pk]}).content.decode()
    assert "What I know" not in page  # shared, but not chosen to present
    choose(world, note)
    page = teacher.get(url, {"stage": "gather", "show": [note.pk]}).content.decode()
    assert "From the class" in page and "What I know" in page
    assert client_for(pupil).get(url).status_code == 403


def test_lesson_view_steps_to_the_stages_either_side(world, client_for):
    teacher = client_for(world.user("teacher@own"))
    url = reverse("portfolios:lesson", args=[world.projects["own"].pk])
    first = teacher.get(url).content.decode()
    assert 'rel="prev"' not in first
    assert 'rel="next" href="?stage=identify#lesson-title"' in first
    middle = teacher.get(url, {"stage": "decide"}).content.decode()
    assert 'rel="prev" href="?stage=generate#lesson-title"' in middle
    assert 'rel="next" href="?stage=implement#lesson-title"' in middle
    last = teacher.get(url, {"stage": "learn"}).content.decode()
    assert 'rel="prev" href="?stage=communicate#lesson-title"' in last
    assert 'rel="next"' not in last
