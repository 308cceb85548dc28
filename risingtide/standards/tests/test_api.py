"""Quality standards through the API: the same journey as the pages, the same guards."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from risingtide.standards.framework_models import FrameworkVersion
from risingtide.standards.models import Judgement

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_a_self_evaluation_through_the_api(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    started = lead.post(f"{API}/schools/{school.pk}/self-evaluations")
    assert started.status_code == 201
    body = started.json()
    assert body["status"] == "draft" and len(body["judgements"]) == 14
    assert body["missing"][0] == "Element 1 Identification: choose a level and give evidence."
    evaluation = body["id"]
    for j in body["judgements"]:
        saved = lead.put(
            f"{API}/self-evaluations/{evaluation}/elements/{j['element']}",
            {"level": 3, "evidence": "Observed", "next_steps": "Sustain", "revision": 0},
            content_type="application/json",
        )
        assert saved.status_code == 200, saved.content
        assert saved.json()["revision"] == 1
    stale = lead.put(
        f"{API}/self-evaluations/{evaluation}/elements/{body['judgements'][0]['element']}",
        {"level": 1, "evidence": "x", "revision": 0},
        content_type="application/json",
    )
    assert stale.status_code == 400 and "while you were editing" in stale.json()["detail"]
    submitted = lead.post(f"{API}/self-evaluations/{evaluation}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["overall_level"] == 3 and submitted.json()["in_force"]
    plan = lead.post(f"{API}/self-evaluations/{evaluation}/plans")
    assert plan.status_code == 201 and len(plan.json()["actions"]) == 14
    national = client_for(world.user("national_officer@nation"))
    indicator = national.get(f"{API}/nations/{world.nation.pk}/standards-indicator").json()
    assert indicator["overall"] == {
        "label": "All schools",
        "entry": 0,
        "developing": 1,
        "exemplary": 1,
        "not_judged": 1,
        "schools": 3,
    }


def test_a_level_out_of_range_is_a_400_naming_the_field(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    evaluation = world.evaluations["own"]
    element = Judgement.objects.filter(evaluation=evaluation).first().element_id
    response = lead.put(
        f"{API}/self-evaluations/{evaluation.pk}/elements/{element}",
        {"level": 7, "revision": 0},
        content_type="application/json",
    )
    assert response.status_code == 400 and "level" in response.json()["errors"]


def test_a_submitted_judgement_cannot_be_changed_through_the_api(world, client_for):
    lead = client_for(world.user("leading_teacher@other"))
    evaluation = world.evaluations["other"]
    element = Judgement.objects.filter(evaluation=evaluation).first().element_id
    response = lead.put(
        f"{API}/self-evaluations/{evaluation.pk}/elements/{element}",
        {"level": 3, "revision": 0},
        content_type="application/json",
    )
    assert response.status_code == 400 and "read-only" in response.json()["detail"]


def test_plan_actions_through_the_api(world, client_for):
    lead = client_for(world.user("leading_teacher@other"))
    plan = world.plans["other"]
    added = lead.post(
        f"{API}/plans/{plan.pk}/actions",
        {"what": "Masterclass", "due_on": "2020-01-01", "cost": "99.50", "credits": 2},
        content_type="application/json",
    )
    assert added.status_code == 201
    action = added.json()["actions"][-1]
    assert (action["rag"], action["cost"], action["credits"]) == ("red", "99.50", 2)
    changed = lead.put(
        f"{API}/plans/{plan.pk}/actions/{action['id']}",
        {"what": "Masterclass", "status": "done"},
        content_type="application/json",
    )
    assert changed.json()["actions"][-1]["rag"] == "green"
    teacher = client_for(world.user("teacher@other"))
    assert teacher.get(f"{API}/plans/{plan.pk}").status_code == 200
    assert (
        teacher.post(
            f"{API}/plans/{plan.pk}/actions", {"what": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_the_la_monitoring_table_through_the_api(world, client_for):
    la = client_for(world.user("la_lead@other"))
    body = la.get(f"{API}/las/{world.las['other'].pk}/standards").json()
    assert body["schools"] == 1 and body["without_judgement"] == 0
    line = body["lines"][0]
    assert line["levels"] == {str(n): 2 for n in range(1, 15)}
    assert line["plan"] == world.plans["other"].pk
    assert la.get(f"{API}/las/{world.las['own'].pk}/standards").status_code == 404


def test_frameworks_through_the_api(world, client_for):
    teacher = client_for(world.user("teacher@own"))
    frameworks = {f["key"]: f for f in teacher.get(f"{API}/frameworks").json()}
    assert set(frameworks) == {"iqs", "cqs", "laqs"}
    version = next(v for v in frameworks["cqs"]["versions"])
    detail = teacher.get(f"{API}/frameworks/versions/{version['id']}").json()
    assert detail["elements"][0]["prompts"]
    file = teacher.get(f"{API}/frameworks/versions/{version['id']}/file?format=json")
    assert file.json()["framework"]["key"] == "cqs"
    pupil = client_for(world.user("pupil@own"))
    assert pupil.get(f"{API}/frameworks").status_code == 403


def test_a_framework_file_through_the_api(world, client_for):
    admin = client_for(world.user("site_admin@site"))
    before = FrameworkVersion.objects.count()
    bad = b"format: rising-tide-framework/1\nframework: {key: x, name: X, kind: school}\n"
    refused = admin.post(f"{API}/frameworks", {"file": SimpleUploadedFile("x.yaml", bad)})
    assert refused.status_code == 400
    assert any(p["line"] for p in refused.json()["problems"])
    assert FrameworkVersion.objects.count() == before
    version = next(
        v["id"]
        for f in admin.get(f"{API}/frameworks").json()
        if f["key"] == "iqs"
        for v in f["versions"]
        if v["label"] == "2007"
    )
    text = admin.get(f"{API}/frameworks/versions/{version}/file").content
    text = text.replace(b'label: "2007"', b'label: "2007 copy"').replace(
        b"label: '2007'", b"label: '2007 copy'"
    )
    loaded = admin.post(f"{API}/frameworks", {"file": SimpleUploadedFile("iqs.yaml", text)})
    assert loaded.status_code == 201, loaded.content
    assert loaded.json()["label"] == "2007 copy"
    teacher = client_for(world.user("teacher@own"))
    assert (
        teacher.post(f"{API}/frameworks", {"file": SimpleUploadedFile("x.yaml", bad)}).status_code
        == 403
    )
