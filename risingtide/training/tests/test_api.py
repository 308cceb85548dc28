"""Training in the API: programmes, module outlines (never a check's answers), the caller's
progress and coverage, answered as the pages answer (the same reads), each in a constant
number of queries; the guard's refusals are in the route matrix."""

import pytest
from django.utils import timezone

from risingtide.training import services
from risingtide.training.models import Completion, Module
from risingtide.training.tests.world import CONTENT, add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(world):
    return add_training(world)


def test_the_programmes_that_apply_to_the_caller(training, client_for):
    w = training
    found = client_for(w.users["leading_teacher@own"]).get("/api/v1/training/programmes").json()
    assert {p["id"] for p in found} == {w.programmes["nation"].pk, w.programmes["own"].pk}
    national = next(p for p in found if p["nation"])
    assert national["rules"] == ["Pass every core module"] and national["module_count"] == 1


def test_a_programme_lists_its_modules_in_outline_without_answers(
    training, client_for, django_assert_max_num_queries
):
    w = training
    c = client_for(w.users["leading_teacher@own"])
    url = f"/api/v1/training/programmes/{w.programmes['own'].pk}"
    c.get(url)
    with django_assert_max_num_queries(20) as before:
        c.get(url)
    for n in range(4):
        extra = Module.objects.create(
            programme=w.programmes["own"], title=f"Extra {n}", core=False, position=10 + n
        )
        if n % 2:
            services.save_draft(w.users["la_lead@own"], extra, CONTENT)
            services.publish(w.users["la_lead@own"], extra)
        extra.prerequisites.add(w.modules["own"])
    with django_assert_max_num_queries(len(before)):
        found = c.get(url).json()
    first = found["modules"][0]
    assert first["version"] == 1 and [s["kind"] for s in first["steps"]] == [
        "page",
        "check",
        "reflection",
    ]
    assert "correct" not in str(found) and "feedback" not in str(found)
    assert [m["version"] for m in found["modules"][1:]] == [None, 1, None, 1]
    assert found["modules"][1]["prerequisites"] == [w.modules["own"].pk]
    module = c.get(f"/api/v1/training/modules/{w.modules['own'].pk}").json()
    assert module == first


def test_the_callers_progress(training, client_for):
    w = training
    learner = w.users["leading_teacher@own"]
    progress = services.progress_for(learner, w.modules["own"])
    url = f"/api/v1/training/programmes/{w.programmes['own'].pk}/progress"
    found = client_for(learner).get(url).json()
    assert found["complete"] is False
    assert found["modules"][0]["status"] == "in_progress" and found["modules"][0]["version"] == 1
    assert found["rules"] == [
        {"rule": "all_core_passed", "label": "Pass every core module", "met": False}
    ]
    services.answer(progress, 1, {0: [1]})
    services.save_reflection(progress, 2, "The quiet ones.", 0)
    services.finish(progress)
    found = client_for(learner).get(url).json()
    assert found["complete"] is True and found["modules"][0]["status"] == "done"


def test_coverage_for_the_la_and_the_nation(training, client_for):
    w = training
    Completion.objects.create(
        learner=w.users["leading_teacher@cluster"],
        programme=w.programmes["nation"],
        completed_at=timezone.now(),
    )
    la = (
        client_for(w.users["la_lead@own"])
        .get(f"/api/v1/training/coverage/las/{w.las['own'].pk}")
        .json()
    )
    assert la["programme"]["id"] == w.programmes["nation"].pk
    assert all(s["named"] and s["trained"] for s in la["schools"])
    cluster_lead = next(lt for lt in la["leading_teachers"] if lt["cluster"])
    assert cluster_lead["trained"] and len(cluster_lead["schools"]) == 2
    peer = next(lt for lt in la["leading_teachers"] if lt["name"] == "Lead Peer")
    assert peer["still_needs"] == ["Pass every core module (0 of 1 passed)"]
    chosen = (
        client_for(w.users["la_lead@own"])
        .get(
            f"/api/v1/training/coverage/las/{w.las['own'].pk}",
            {"programme": w.programmes["own"].pk},
        )
        .json()
    )
    assert chosen["programme"]["id"] == w.programmes["own"].pk
    assert not any(s["trained"] for s in chosen["schools"])
    nation = (
        client_for(w.users["national_officer@nation"])
        .get(f"/api/v1/training/coverage/nations/{w.nation.pk}")
        .json()
    )
    assert nation["total"] == {
        "label": "Testland",
        "local_authority": None,
        "schools": 3,
        "named": 3,
        "trained": 2,
        "share_trained": 66.7,
    }
    assert [c["trained"] for c in nation["by_la"]] == [0, 2]  # Other LA, Own LA (by name)
    assert nation["months"][-1]["share_trained_by_phase"]["primary"] == 100.0
