"""Connections between items: same portfolio only, labelled, with a reason; graph and list agree."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from risingtide.portfolios import services

pytestmark = pytest.mark.django_db


def test_connect_two_items_and_show_them_in_list_and_graph(world, client_for):
    pupil = world.user("pupil@own")
    note, picture = world.items["own"], world.uploads["own"]
    connection = services.connect(
        pupil, world.portfolios["own"], picture.pk, note.pk, " is  an example of ", "It shows it"
    )
    assert connection.label == "is an example of"
    client = client_for(pupil)
    page = client.get(
        reverse("portfolios:connections", args=[world.portfolios["own"].pk])
    ).content.decode()
    assert 'own picture</strong> <span class="connection-label">is an example of' in page
    graph = client.get(reverse("portfolios:graph", args=[world.portfolios["own"].pk])).json()
    assert {n["title"] for n in graph["nodes"]} == {"own note", "own picture"}
    assert graph["edges"] == [
        {
            "id": f"c{connection.pk}",
            "source": f"i{picture.pk}",
            "target": f"i{note.pk}",
            "label": "is an example of",
            "reason": "It shows it",
        }
    ]


def test_connections_stay_inside_one_portfolio(world):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    note = world.items["own"]
    with pytest.raises(ValidationError, match="Both items must be in this portfolio"):
        services.connect(pupil, portfolio, note.pk, world.items["other"].pk, "supports", "")
    with pytest.raises(ValidationError, match="itself"):
        services.connect(pupil, portfolio, note.pk, note.pk, "supports", "")
    with pytest.raises(ValidationError, match="Say how"):
        services.connect(pupil, portfolio, note.pk, world.uploads["own"].pk, "  ", "")
    services.connect(pupil, portfolio, note.pk, world.uploads["own"].pk, "supports", "")
    with pytest.raises(ValidationError, match="already connected"):
        services.connect(pupil, portfolio, note.pk, world.uploads["own"].pk, "supports", "")
    with pytest.raises(PermissionDenied):
        services.connect(
            world.user("teacher@own"), portfolio, note.pk, world.uploads["own"].pk, "x", ""
        )


def test_hostile_labels_are_text(world, client_for):
    pupil = world.user("pupil@own")
    services.connect(
        pupil,
        world.portfolios["own"],
        world.items["own"].pk,
        world.uploads["own"].pk,
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
    )
    page = client_for(pupil).get(
        reverse("portfolios:connections", args=[world.portfolios["own"].pk])
    )
    html = page.content.decode()
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_layout_is_saved_for_own_items_only(world, client_for):
    client = client_for(world.user("pupil@own"))
    url = reverse("portfolios:layout", args=[world.portfolios["own"].pk])
    body = {
        "positions": {str(world.items["own"].pk): [10, 20], str(world.items["other"].pk): [1, 1]}
    }
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.json() == {"saved": 1}
    world.items["own"].refresh_from_db()
    world.items["other"].refresh_from_db()
    assert (world.items["own"].graph_x, world.items["own"].graph_y) == (10, 20)
    assert world.items["other"].graph_x is None
    bad = client.post(url, '{"positions": {"1": ["x"]}}', content_type="application/json")
    assert bad.status_code == 400
    bad = client.post(url, '{"positions": {"1": [1e999, 0]}}', content_type="application/json")
    assert bad.status_code == 400
