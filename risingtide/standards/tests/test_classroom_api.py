"""Classroom self-evaluation (CQS) through the API: the same journey and the same privacy as
the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risingtide.demo.testing import member
from risingtide.people.models import Role
from risingtide.standards.classroom import services
from risingtide.standards.framework_models import Prompt
from risingtide.standards.models import ClassroomEvaluation
from risingtide.standards.tests import test_classroom as shared
from risingtide.standards.tests.test_classroom import SECRET, prompts_of, rate_all

# The unit tests' fixtures: a CQS version of our own, teacher@own's reflection, a colleague.
cqs, reflection, teacher2 = shared.cqs, shared.reflection, shared.teacher2

pytestmark = pytest.mark.django_db
API = "/api/v1"
JSON = "application/json"


def test_a_reflection_through_the_api(world, cqs, client_for, teacher2):
    client = client_for(world.user("teacher@own"))
    started = client.post(
        f"{API}/classroom",
        {"class_name": "8B", "subject": "maths", "colleague_id": teacher2.pk},
        content_type=JSON,
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["school"] == world.schools["own"].pk and body["colleague"] == "Second Teacher"
    assert [len(f["prompts"]) for f in body["features"]] == [3, 2, 3, 2, 3]
    assert len(body["missing"]) == 13 and body["may_share"] is True
    evaluation = body["id"]
    first = body["features"][0]["prompts"][0]["prompt"]
    rated = client.put(
        f"{API}/classroom/{evaluation}/prompts/{first}",
        {"for_all": 3, "for_gt": 1, "evidence": "Extension unused"},
        content_type=JSON,
    )
    assert rated.status_code == 200
    assert rated.json() == {
        "prompt": first,
        "number": "1.1",
        "text": "Prompt text 1.1",
        "for_all": 3,
        "for_gt": 1,
        "evidence": "Extension unused",
        "gt_lags": True,
    }
    detail = client.get(f"{API}/classroom/{evaluation}").json()
    assert detail["lags"] == [first] and len(detail["missing"]) == 12
    listed = client.get(f"{API}/classroom").json()
    assert evaluation in [e["id"] for e in listed]
    # The observer sees it in their list and rates, but does not share.
    observer = client_for(teacher2)
    assert evaluation in [e["id"] for e in observer.get(f"{API}/classroom").json()]
    assert observer.get(f"{API}/classroom/{evaluation}").json()["may_share"] is False
    second = body["features"][0]["prompts"][1]["prompt"]
    assert (
        observer.put(
            f"{API}/classroom/{evaluation}/prompts/{second}",
            {"for_all": 2, "for_gt": 2},
            content_type=JSON,
        ).status_code
        == 200
    )
    refused = observer.post(
        f"{API}/classroom/{evaluation}/share", {"shared": True}, content_type=JSON
    )
    assert refused.status_code == 403
    shared_now = client.post(
        f"{API}/classroom/{evaluation}/share", {"shared": True}, content_type=JSON
    )
    assert shared_now.status_code == 200 and shared_now.json()["shared_at"] is not None


def test_refusals_are_400s_naming_the_field(world, reflection, client_for):
    client = client_for(world.user("teacher@own"))
    prompt = prompts_of(reflection.version)[1]
    response = client.put(
        f"{API}/classroom/{reflection.pk}/prompts/{prompt.pk}", {"for_all": 9}, content_type=JSON
    )
    assert response.status_code == 400 and "for_all" in response.json()["errors"]
    response = client.post(
        f"{API}/classroom",
        {"class_name": "8B", "colleague_id": world.users["teacher@other"].pk},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "colleague_id": ["Choose a member of staff at Own School."]
    }
    response = client.post(
        f"{API}/classroom",
        {"class_name": "8B", "school_id": world.schools["other"].pk},
        content_type=JSON,
    )
    assert response.status_code == 400 and "school_id" in response.json()["errors"]
    response = client.post(f"{API}/classroom/{reflection.pk}/share", {}, content_type=JSON)
    assert response.status_code == 400 and "shared" in response.json()["errors"]
    shipped = Prompt.objects.exclude(element__version=reflection.version).first()
    response = client.put(
        f"{API}/classroom/{reflection.pk}/prompts/{shipped.pk}", {"for_all": 1}, content_type=JSON
    )
    assert response.status_code == 404


def test_a_teacher_of_several_schools_names_the_school(world, cqs, client_for):
    teacher = world.user("teacher@own")
    member(teacher, Role.TEACHER, school=world.schools["peer"])
    client = client_for(world.user("teacher@own"))
    response = client.post(f"{API}/classroom", {"class_name": "8B"}, content_type=JSON)
    assert response.status_code == 400 and "school_id" in response.json()["errors"]
    response = client.post(
        f"{API}/classroom",
        {"class_name": "8B", "school_id": world.schools["peer"].pk},
        content_type=JSON,
    )
    assert response.status_code == 201 and response.json()["school"] == world.schools["peer"].pk


def test_unshared_ratings_stay_private_in_the_api(world, reflection, client_for, teacher2):
    outsiders = [
        world.user("teacher@other"),
        teacher2,
        world.user("leading_teacher@own"),
        world.user("head@own"),
        world.user("teacher+lead@own"),
    ]
    detail = f"{API}/classroom/{reflection.pk}"
    for user in outsiders:
        client = client_for(user)
        assert client.get(detail).status_code == 404, user.username
        assert reflection.pk not in [e["id"] for e in client.get(f"{API}/classroom").json()]
    summary_url = f"{API}/schools/{world.schools['own'].pk}/classroom-summary"
    lead = client_for(world.user("leading_teacher@own"))
    summary = lead.get(summary_url)
    assert summary.status_code == 200
    body = summary.json()
    started = ClassroomEvaluation.objects.filter(school=world.schools["own"]).count()
    assert body["started"] == started
    assert SECRET not in summary.content.decode()
    assert reflection.pk not in [e["id"] for e in body["shared_reflections"]]
    assert all(sum(p["for_all"]) == 0 for f in body["features"] for p in f["prompts"])

    owner = client_for(world.user("teacher@own"))
    owner.post(f"{API}/classroom/{reflection.pk}/share", {"shared": True}, content_type=JSON)
    seen = lead.get(detail)
    assert seen.status_code == 200 and SECRET in seen.content.decode()
    assert seen.json()["may_edit"] is False and seen.json()["may_share"] is False
    body = lead.get(summary_url).json()
    assert reflection.pk in [e["id"] for e in body["shared_reflections"]]
    first = prompts_of(reflection.version)[0].pk
    row = next(p for f in body["features"] for p in f["prompts"] if p["prompt"] == first)
    assert row["for_all"] == [0, 0, 1] and row["for_gt"] == [1, 0, 0] and row["lagging"] == 1
    assert SECRET not in lead.get(summary_url).content.decode()
    # Seeing it is not changing it.
    response = lead.put(f"{API}/classroom/{reflection.pk}/prompts/{first}", {}, content_type=JSON)
    assert response.status_code == 403

    owner.post(f"{API}/classroom/{reflection.pk}/share", {"shared": False}, content_type=JSON)
    assert lead.get(detail).status_code == 404
    body = lead.get(summary_url).json()
    assert reflection.pk not in [e["id"] for e in body["shared_reflections"]]
    assert all(sum(p["for_all"]) == 0 for f in body["features"] for p in f["prompts"])


def test_the_summary_is_for_coordinators_only(world, client_for):
    url = f"{API}/schools/{world.schools['own'].pk}/classroom-summary"
    assert client_for(world.user("teacher@own")).get(url).status_code == 403
    assert client_for(world.user("head@other")).get(url).status_code == 404
    assert client_for(world.user("head@own")).get(url).status_code == 200


def test_signed_out_is_refused(world, reflection, client):
    assert client.get(f"{API}/classroom").status_code == 401
    assert client.get(f"{API}/classroom/{reflection.pk}").status_code == 401


def test_the_summary_reads_the_same_queries_for_2_and_20_shared(world, cqs, client_for):
    teacher = world.user("teacher@own")
    url = f"{API}/schools/{world.schools['own'].pk}/classroom-summary"

    def with_shared(n):
        for i in range(n):
            e = services.start(teacher, world.schools["own"], f"Set {i}")
            rate_all(teacher, e)
            services.share(teacher, e, True)
        client = client_for(world.user("leading_teacher@own"))
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    two = with_shared(2)
    assert with_shared(18) == two
