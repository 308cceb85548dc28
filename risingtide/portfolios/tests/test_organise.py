"""Organising a portfolio: rating, categories, annotations, order, filters and search."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from risingtide.portfolios import services

pytestmark = pytest.mark.django_db


def test_rate_categorise_and_move_to_another_stage(world):
    pupil = world.user("pupil@own")
    item = world.uploads["own"]
    services.update_item(
        pupil,
        item,
        title=" Leaf  cutter ",
        stage="decide",
        importance=4,
        categories=["habitats", " materials ", "habitats", ""],
    )
    item.refresh_from_db()
    assert (item.title, item.stage, item.importance) == ("Leaf cutter", "decide", 4)
    assert sorted(c.name for c in item.categories.all()) == ["habitats", "materials"]
    with pytest.raises(ValidationError):
        services.update_item(pupil, item, title="x", stage="decide", importance=9, categories=[])
    with pytest.raises(PermissionDenied):
        services.update_item(
            world.user("teacher@own"), item, title="x", stage="decide", importance=1, categories=[]
        )


def test_annotations_and_order(world):
    pupil = world.user("pupil@own")
    note, picture = world.items["own"], world.uploads["own"]
    services.annotate(pupil, note, "This is what I knew before")
    with pytest.raises(ValidationError):
        services.annotate(pupil, note, "   ")
    assert [a.text for a in note.annotations.all()] == ["This is what I knew before"]

    def order():
        return list(
            world.portfolios["own"].items.filter(stage="gather").values_list("pk", flat=True)
        )

    assert order() == [note.pk, picture.pk]
    services.move_item(pupil, picture, -1)
    assert order() == [picture.pk, note.pk]
    services.move_item(pupil, picture, -1)  # already first: stays
    assert order() == [picture.pk, note.pk]


def test_drag_an_item_to_a_place_in_its_stage(world, client_for):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    notes = [services.add_note(pupil, portfolio, "gather", f"n{i}") for i in range(3)]
    first = world.items["own"]

    def order():
        return list(portfolio.items.filter(stage="gather").values_list("title", flat=True))

    assert order() == ["own note", "own picture", "n0", "n1", "n2"]
    assert services.move_item(pupil, notes[2], to=0) == 0
    assert order() == ["n2", "own note", "own picture", "n0", "n1"]
    assert services.move_item(pupil, first, to=99) == 4  # past the end: last
    assert order() == ["n2", "own picture", "n0", "n1", "own note"]
    client = client_for(pupil)
    response = client.post(reverse("portfolios:move_item", args=[notes[0].pk]), {"to": "1"})
    assert response.json() == {"index": 1}
    assert order() == ["n2", "n0", "own picture", "n1", "own note"]
    # Another pupil cannot move it; the teacher may look but not move.
    other = client_for(world.user("pupil2@own"))
    assert (
        other.post(reverse("portfolios:move_item", args=[notes[0].pk]), {"to": "0"}).status_code
        == 404
    )
    teacher = client_for(world.user("teacher@own"))
    assert (
        teacher.post(reverse("portfolios:move_item", args=[notes[0].pk]), {"to": "0"}).status_code
        == 403
    )
    assert order() == ["n2", "n0", "own picture", "n1", "own note"]


def test_filter_and_search_the_portfolio(world, client_for):
    pupil = world.user("pupil@own")
    services.update_item(
        pupil,
        world.uploads["own"],
        title="Bee photo",
        stage="gather",
        importance=5,
        categories=["habitats"],
    )
    services.annotate(pupil, world.items["own"], "solitary bees nest in stems")
    client = client_for(pupil)
    url = reverse("portfolios:portfolio", args=[world.portfolios["own"].pk])

    def titles(**query):
        page = client.get(url, query).content.decode()
        return [t for t in ("Bee photo", "own note") if f">{t}</a>" in page]

    assert titles() == ["Bee photo", "own note"]
    assert titles(importance="5") == ["Bee photo"]
    assert titles(category="habitats") == ["Bee photo"]
    assert titles(q="stems") == ["own note"]  # found through its annotation
    assert titles(stage="decide") == []
    assert titles(importance="99", stage="nonsense") == ["Bee photo", "own note"]
