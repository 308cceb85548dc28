"""The JSON API: authentication by session or bearer token, the same scoping as the pages."""

import importlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from risingtide.api.api import PUBLISHED_AS
from risingtide.api.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_openapi_schema_lists_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) >= {
        "/api/v1/me",
        "/api/v1/schools",
        "/api/v1/schools/{school_id}",
        "/api/v1/groups/{group_id}/pupils",
    }
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    # Every script and stylesheet is served by us: no CDN. (Checked on the addresses, not as a
    # substring of the page: the page's random CSRF token can spell "cdn".)
    assets = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets


def test_operation_ids_keep_the_names_they_were_published_with(client):
    """Each app owns its router now; a generated client still calls every operation by the id
    it was published with (``api.api.PUBLISHED_AS``), and no two share one."""
    schema = client.get("/api/v1/openapi.json").json()
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("risingtide_api_") for i in ids)
    assert {"risingtide_api_tasc_reviews", "risingtide_api_register_pupil_record"} <= set(ids)
    for module in PUBLISHED_AS:  # a renamed module would quietly take a new id
        assert importlib.import_module(module).router.path_operations, module


def test_every_operation_documents_the_refusals_around_it(client):
    """Found by fuzzing the API (tests/fuzz/): the token check's 401, the guard's 403 and 404
    and the 422 for input of the wrong shape were answered but not in the document, so a
    client checking answers against it met statuses it said could not happen."""
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404"} <= set(operation["responses"]), (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert "422" in operation["responses"], (method, path)
    refusal = schema["paths"]["/api/v1/schools/{school_id}"]["get"]["responses"]["422"]
    assert refusal["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


def test_a_refusal_around_an_operation_has_its_documented_shape(world):
    from risingtide.api.tests.clients import as_user, call

    client = as_user(world.user("pupil@own"))
    refused = call(client, "get", f"/schools/{world.schools['other'].pk}")
    assert refused.status_code == 404
    assert refused.json() == {"detail": "Not found."}
    wrong = call(client, "post", f"/portfolios/{world.portfolios['own'].pk}/notes", {"x": 1})
    assert wrong.status_code == 422
    # Before: ``{"detail": [pydantic's errors]}``, a shape the document did not give.
    assert isinstance(wrong.json()["detail"], str)
    assert wrong.json()["errors"]["title"] == ["Field required"]


def test_me_by_session_lists_roles_and_scopes(world, client_for):
    data = client_for(world.user("teacher+lead@own")).get("/api/v1/me").json()
    assert data["username"] == "teacher.lead.own"
    by_role = {r["role"]: r for r in data["roles"]}
    assert set(by_role) == {"teacher", "leading_teacher"}
    assert by_role["teacher"]["groups"] == [world.groups["own2"].pk]
    assert by_role["leading_teacher"]["schools"] == [world.schools["own"].pk]


def test_token_authenticates_and_is_scoped(world):
    _, token = ApiToken.issue(world.user("la_lead@own"), "script")
    client = Client()
    schools = client.get("/api/v1/schools", secure=True, **bearer(token)).json()
    assert sorted(s["name"] for s in schools) == ["Own School", "Peer School"]
    other = world.schools["other"].pk
    assert client.get(f"/api/v1/schools/{other}", secure=True, **bearer(token)).status_code == 404
    group = world.groups["own"].pk
    response = client.get(f"/api/v1/groups/{group}/pupils", secure=True, **bearer(token))
    assert response.status_code == 404  # LA leads see no pupil-level data


def test_teacher_lists_own_groups_pupils_only(world):
    _, token = ApiToken.issue(world.user("teacher@own"), "script")
    client = Client()
    own = client.get(
        f"/api/v1/groups/{world.groups['own'].pk}/pupils", secure=True, **bearer(token)
    )
    assert [p["username"] for p in own.json()] == ["pupil1.own", "pupil2.own"]
    for key in ("own2", "other"):
        response = client.get(
            f"/api/v1/groups/{world.groups[key].pk}/pupils", secure=True, **bearer(token)
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_pupil_may_not_list_schools(world, client_for):
    response = client_for(world.user("pupil@own")).get("/api/v1/schools")
    assert response.status_code == 403


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer rt_forged", "Basic abc", ""])
def test_bad_or_missing_token_is_401(world, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert Client().get("/api/v1/me", secure=True, **extra).status_code == 401


def test_expired_token_and_inactive_user_are_refused(world):
    record, token = ApiToken.issue(world.user("head@own"), "old")
    assert Client().get("/api/v1/me", secure=True, **bearer(token)).status_code == 200
    record.expires_at = record.created_at
    record.save()
    assert Client().get("/api/v1/me", secure=True, **bearer(token)).status_code == 401
    _, token = ApiToken.issue(world.user("head@other"), "new")
    world.users["head@other"].is_active = False
    world.users["head@other"].save()
    assert Client().get("/api/v1/me", secure=True, **bearer(token)).status_code == 401


def test_token_is_stored_only_as_digest(world):
    record, token = ApiToken.issue(world.user("head@own"), "x")
    assert token not in record.token_digest and record.hint == token[:10]


def test_token_page_issues_lists_and_revokes(world, client_for):
    client = client_for(world.user("head@own"))
    response = client.post(reverse("api:api_tokens"), {"name": "Nightly export"})
    page = response.content.decode()
    assert "Your new token" in page and "Nightly export" in page
    token = ApiToken.objects.get(name="Nightly export")
    # Someone else's token cannot be revoked: 404.
    other = client_for(world.user("head@other"))
    assert other.post(reverse("api:revoke_api_token", args=[token.pk])).status_code == 404
    client = client_for(world.user("head@own"))
    assert client.post(reverse("api:revoke_api_token", args=[token.pk])).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_pupils_cannot_make_tokens(world, client_for):
    assert client_for(world.user("pupil@own")).get(reverse("api:api_tokens")).status_code == 403
