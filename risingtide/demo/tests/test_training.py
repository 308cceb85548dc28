"""The demo's training: a national programme of three core modules and two optional ones,
each published and marked as an author's would be, and leading teachers at every point, so
the coverage pages show a spread: one complete, some part-way, one not started."""

import pytest
from django.test import Client
from django.urls import reverse

from risingtide.people.models import User
from risingtide.schools.models import LocalAuthority
from risingtide.training import completion, coverage
from risingtide.training.models import Completion, Programme, Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(shared_demo):
    return shared_demo  # loaded once per run (conftest.py)


def test_the_demo_programme_has_its_modules_and_rules(demo):
    programme = Programme.objects.get(title="Leading teacher 2026")
    modules = list(programme.modules.order_by("position"))
    assert [m.core for m in modules] == [True, True, True, False, False]
    assert all(m.versions.count() == 1 for m in modules)
    assert programme.rules == ["all_core_passed", "both_half_days_attended", "improvement_plan"]
    for module in modules:
        steps = module.versions.get().steps
        kinds = [s["kind"] for s in steps]
        assert "page" in kinds and "check" in kinds and kinds[-1] == "reflection"
        for check in (s for s in steps if s["kind"] == "check"):
            for question in check["questions"]:
                assert all(a["feedback"] for a in question["answers"])


def test_the_demo_leading_teachers_are_at_different_points(demo):
    programme = Programme.objects.get(title="Leading teacher 2026")
    owen = User.objects.get(username="cluster.coordinator")
    priya = User.objects.get(username="coordinator")
    done = Completion.objects.get(programme=programme)
    assert done.learner == owen and done.evidence["improvement_plan"]["plan"]
    assert Progress.objects.filter(learner=priya, completed_at__isnull=False).count() == 2
    assert Progress.objects.filter(learner=priya, completed_at__isnull=True).count() == 1
    # Priya's school has its plan: she still needs the last core module and the second
    # half-day (booked); she came to the first.
    needs = [o for o in completion.outcomes(priya, programme) if not o.met]
    assert [o.rule for o in needs] == ["all_core_passed", "both_half_days_attended"]
    riverton = coverage.la_coverage(LocalAuthority.objects.get(name="Riverton"))
    assert riverton.trained_count == 3 and len(riverton.in_training) == 1
    hollowmere = coverage.la_coverage(LocalAuthority.objects.get(name="Hollowmere"))
    assert hollowmere.trained_count == 0 and len(hollowmere.in_training) == 2
    national = coverage.national_coverage(demo)
    assert (national.total.schools, national.total.trained) == (6, 3)
    assert national.months and national.months[-1].share_trained == 50.0
    client = Client()
    client.force_login(User.objects.get(username="la.lead"))
    page = client.get(
        reverse("training:coverage_la", args=[riverton.local_authority.pk]), secure=True
    )
    assert "Pass every core module (2 of 3 passed)" in page.content.decode()
    client.force_login(User.objects.get(username="national"))
    assert (
        client.get(reverse("training:coverage_nation", args=[demo.pk]), secure=True).status_code
        == 200
    )
