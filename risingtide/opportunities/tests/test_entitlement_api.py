"""The entitlement API: the same reads and guards as the pages."""

import pytest

from risingtide.opportunities.models import Entitlement
from risingtide.opportunities.tests.test_entitlement_world import (
    AUTUMN,
    identify,
    opportunity,
    take,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(world):
    school = world.schools["own"]
    identify(world.records["own"])
    identify(world.records["own2"])
    take(world.records["own"], opportunity(school, "Chess", components=("curriculum",)))
    return school


def test_the_school_summary_and_short_pupils(world, own, client_for):
    client = client_for(world.user("leading_teacher@own"))
    answer = client.get(f"/api/v1/schools/{own.pk}/entitlement", {"term": AUTUMN})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["pupils"], body["met"], body["whole_register"]) == (2, 0, True)
    assert body["rule"]["set_by_school"] is False
    ada = next(p for p in body["short"] if p["pupil"] == world.records["own"].pk)
    assert ada["reasons"] == [
        "nothing more offered",
        "1 of 2 this term",
        "1 component of 2",
        "nothing beyond the classroom",
    ]
    assert ada["classes"] == ["Own 7A"] and ada["learning_guide"] == "No learning guide"


def test_a_teacher_gets_their_groups_and_others_nothing(world, own, client_for):
    body = client_for(world.user("teacher@own")).get(f"/api/v1/schools/{own.pk}/entitlement")
    assert body.json()["pupils"] == 1 and body.json()["whole_register"] is False
    for who in ("teacher@other", "la_lead@own", "pupil@own"):
        answer = client_for(world.user(who)).get(f"/api/v1/schools/{own.pk}/entitlement")
        assert answer.status_code == 404, who


def test_an_unknown_term_is_refused(world, own, client_for):
    client = client_for(world.user("head@own"))
    answer = client.get(f"/api/v1/schools/{own.pk}/entitlement", {"term": "fy:2026"})
    assert answer.status_code == 400 and "term" in answer.json()["errors"]


def test_setting_it_and_a_refusal(world, own, client_for):
    client = client_for(world.user("head@own"))
    path = f"/api/v1/schools/{own.pk}/entitlement"
    ok = client.put(
        path,
        {"per_term": 3, "components": 2, "beyond_classroom": False},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["set_by_school"] is True
    bad = client.put(
        path,
        {"per_term": 1, "components": 4, "beyond_classroom": True},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "components" in bad.json()["errors"]
    assert Entitlement.objects.get(school=own).per_term == 3
    teacher = client_for(world.user("teacher@own"))
    assert (
        teacher.put(
            path,
            {"per_term": 3, "components": 2, "beyond_classroom": False},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_equity_exact_at_school_suppressed_for_la_and_nation(world, own, client_for):
    school = (
        client_for(world.user("head@own"))
        .get(f"/api/v1/schools/{own.pk}/entitlement/equity", {"term": AUTUMN})
        .json()
    )
    assert school["exact"] and school["on_register"]["value"] == 2
    la = client_for(world.user("la_lead@own")).get(
        f"/api/v1/las/{world.las['own'].pk}/entitlement", {"term": AUTUMN}
    )
    assert la.status_code == 200
    body = la.json()
    assert not body["exact"] and body["on_register"] == {"value": None, "shown": "c"}
    assert "Ada" not in la.content.decode()
    nation = client_for(world.user("national_officer@nation")).get(
        f"/api/v1/nations/{world.nation.pk}/entitlement"
    )
    assert nation.status_code == 200 and nation.json()["level"] == "nation"
    assert (
        client_for(world.user("la_lead@own"))
        .get(f"/api/v1/nations/{world.nation.pk}/entitlement")
        .status_code
        == 404
    )


def test_the_api_makes_as_many_queries_for_many_pupils_as_for_few(world, own, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from risingtide.opportunities.tests.test_entitlement_world import pupil

    client = client_for(world.user("leading_teacher@own"))
    path = f"/api/v1/schools/{own.pk}/entitlement"
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for _ in range(20):
        take(pupil(own), opportunity(own, "More", components=("beyond",)))
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).json()["pupils"] == 22
    assert len(many) == len(few)
