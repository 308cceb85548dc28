"""Projects, portfolios, notes and connections through the API: same rules as the pages."""

import pytest
from django.test import Client

from risingtide.api.models import ApiToken

pytestmark = pytest.mark.django_db


def as_user(user):
    _, token = ApiToken.issue(user, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.defaults["wsgi.url_scheme"] = "https"
    return client


def call(client, method, path, body=None):
    return getattr(client, method)(
        f"/api/v1{path}", body, content_type="application/json", secure=True
    )


def test_pupil_reads_projects_and_portfolio(world):
    client = as_user(world.user("pupil@own"))
    titles = [p["title"] for p in call(client, "get", "/projects").json()]
    assert titles == ["own project"]
    portfolio = call(client, "get", f"/portfolios/{world.portfolios['own'].pk}").json()
    assert [i["title"] for i in portfolio["items"]] == ["own note", "own picture"]
    assert call(client, "get", f"/portfolios/{world.portfolios['own2'].pk}").status_code == 404
    assert call(client, "get", f"/projects/{world.projects['own_draft'].pk}").status_code == 404


def test_pupil_writes_a_note_and_gets_409_on_a_stale_save(world):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    created = call(
        client, "post", f"/portfolios/{portfolio}/notes", {"stage": "decide", "title": "Why"}
    )
    assert created.status_code == 201
    item = created.json()["id"]
    saved = call(client, "put", f"/items/{item}/note", {"body": "Because", "version": 1})
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = call(client, "put", f"/items/{item}/note", {"body": "Old copy", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["theirs"] == "Because" and stale.json()["yours"] == "Old copy"
    bad = call(client, "post", f"/portfolios/{portfolio}/notes", {"stage": "dance", "title": "x"})
    assert bad.status_code == 400


def test_connections_through_the_api(world):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    body = {"source": world.uploads["own"].pk, "target": world.items["own"].pk, "label": "supports"}
    assert call(client, "post", f"/portfolios/{portfolio}/connections", body).status_code == 201
    body["target"] = world.items["other"].pk
    response = call(client, "post", f"/portfolios/{portfolio}/connections", body)
    assert response.status_code == 400 and "Both items" in response.json()["detail"]


def test_staff_read_but_cannot_write_and_other_schools_see_nothing(world):
    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "get", f"/portfolios/{world.portfolios['own'].pk}").status_code == 200
    response = call(
        teacher, "put", f"/items/{world.items['own'].pk}/note", {"body": "x", "version": 1}
    )
    assert response.status_code == 403
    other = as_user(world.user("teacher@other"))
    assert call(other, "get", f"/portfolios/{world.portfolios['own'].pk}").status_code == 404
    assert call(other, "get", f"/items/{world.items['own'].pk}/note").status_code == 405
