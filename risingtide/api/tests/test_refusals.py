"""Every refusal an operation answers itself has one shape (``lib.api_errors``): ``detail`` for
a person and ``errors`` by field, plus what that refusal gives a client to recover with."""

import pytest

from risingtide.api.tests.clients import as_user, call
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db


def test_every_refusal_an_operation_declares_is_an_error_answer(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    declared = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if not str(status).startswith("4"):
                    continue
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                properties = components[ref.rsplit("/", 1)[-1]]["properties"]
                declared.append((method, path, status))
                assert {"detail", "errors"} <= set(properties), (method, path, status)
    assert {str(s) for _, _, s in declared} >= {"400", "404", "409"}


def test_refusals_of_every_kind_answer_in_one_shape(world):
    pupil = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    item = world.items["own"].pk
    call(pupil, "put", f"/items/{item}/note", {"body": "Mine", "version": 1})
    answers = {
        "domain refusal": call(
            pupil, "post", f"/portfolios/{portfolio}/notes", {"stage": "x", "title": "t"}
        ),
        "stale note": call(pupil, "put", f"/items/{item}/note", {"body": "Old", "version": 1}),
        "stale tool": call(
            pupil, "put", f"/portfolios/{portfolio}/tools/gather", {"version": 7, "fields": {}}
        ),
    }
    Project.objects.filter(pk=world.projects["own"].pk).update(mode=Project.Mode.GROUP)
    answers["not in a group"] = call(
        as_user(world.user("pupil2@own")),
        "get",
        f"/projects/{world.projects['own'].pk}/my-portfolio",
    )
    assert {k: a.status_code for k, a in answers.items()} == {
        "domain refusal": 400,
        "stale note": 409,
        "stale tool": 409,
        "not in a group": 404,
    }
    for kind, answer in answers.items():
        body = answer.json()
        assert isinstance(body["detail"], str) and body["detail"], kind
        assert isinstance(body["errors"], dict), kind
    assert answers["stale note"].json()["theirs"] == "Mine"
    assert answers["stale tool"].json()["stage"] == "gather"
