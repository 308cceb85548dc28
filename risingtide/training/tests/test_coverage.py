"""Coverage of leading-teacher training: the LA's schools with and without a named leading
teacher (a cluster's shared by its schools), who is trained and who still needs what; the
nation's counts by LA, phase and month; each in a constant number of queries. The property
test at the end checks the counts against a direct count from the database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from risingtide.access.core import anchors
from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role
from risingtide.schools.models import Cluster, School
from risingtide.standards import queries as standards
from risingtide.training import completion, coverage
from risingtide.training.models import Completion, Module, Progress
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db


def _complete(learner, programme, when=None):
    return Completion.objects.create(
        learner=learner, programme=programme, completed_at=when or timezone.now()
    )


def _pass_core(learner, module):
    return Progress.objects.create(
        learner=learner,
        module=module,
        version=module.versions.get(),
        completed_at=timezone.now(),
    )


@pytest.fixture
def training(world):
    add_training(world)
    world.programmes["nation"].rules = ["all_core_passed", "improvement_plan"]
    world.programmes["nation"].save()
    return world


def test_the_improvement_plan_rule_answers_for_many_in_two_queries(training):
    w = training
    rule = completion.RULES["improvement_plan"]
    few = [w.users["leading_teacher@own"]]
    many = [w.users[k] for k in w.users if k.startswith(("leading_teacher", "teacher", "head"))]
    with CaptureQueriesContext(connection) as one:
        rule.check_many(few, w.programmes["nation"])
    with CaptureQueriesContext(connection) as all_of_them:
        found = rule.check_many(many, w.programmes["nation"])
    assert len(all_of_them) == len(one) == 2
    # Each answer is the newest running plan of a school the person leads as the access
    # engine reads their memberships (a cluster's leading teacher leads each of its schools).
    met = 0
    for person in many:
        held = anchors(person).get(Role.LEADING_TEACHER)
        schools = held.schools if held else set()
        plan = standards.plans_of_schools(schools).first() if schools else None
        expected = {"plan": plan.pk, "school": plan.school_id} if plan else {}
        assert found[person.pk] == completion.Outcome("improvement_plan", bool(plan), expected)
        assert rule.check(person, w.programmes["nation"]) == found[person.pk]
        met += bool(plan)
    assert met  # the tiny world's "own" school has a running plan


def test_a_cluster_leading_teacher_has_the_plan_of_a_cluster_school(training):
    w = training
    plan = completion.RULES["improvement_plan"].check(
        w.users["leading_teacher@cluster"], w.programmes["nation"]
    )
    own = completion.RULES["improvement_plan"].check(
        w.users["leading_teacher@own"], w.programmes["nation"]
    )
    assert plan.met == own.met
    if own.met:
        assert plan.evidence["school"] in {w.schools["own"].pk, w.schools["peer"].pk}
    assert completion.RULES["improvement_plan"].check_many([], w.programmes["nation"]) == {}


def test_the_la_page_puts_schools_without_a_leading_teacher_first(training):
    w = training
    la = w.las["own"]
    unnamed = School.objects.create(
        local_authority=la,
        name="Aardvark Primary",
        establishment_number="2999",
        urn="909999",
        phase=School.Phase.PRIMARY,
    )
    _complete(w.users["leading_teacher@own"], w.programmes["nation"])
    found = coverage.la_coverage(la)
    assert found.programme == w.programmes["nation"]  # the national one, unless chosen
    assert [r.school for r in found.unnamed] == [unnamed]
    rows = {r.school.name: r for r in found.schools}
    assert rows["Own School"].trained and rows["Peer School"].named
    assert not rows["Peer School"].trained  # its own and the cluster's are not trained
    cluster_lead = next(lt for lt in found.leading_teachers if lt.cluster)
    assert cluster_lead.leads == "Own cluster (2 schools)"
    assert cluster_lead in rows["Peer School"].leading_teachers
    assert [lt.person for lt in found.trained] == [w.users["leading_teacher@own"]]
    needs = {lt.person.username: lt.still_needs for lt in found.in_training}
    assert needs["lead.peer"][0] == "Pass every core module (0 of 1 passed)"
    assert (
        len(needs["lead.peer"])
        == 2
        - completion.RULES["improvement_plan"]
        .check(w.users["leading_teacher@peer"], w.programmes["nation"])
        .met
    )
    assert found.named_count == 2 and found.trained_count == 1
    # The other LA's school and leading teacher are not here.
    assert "Other School" not in rows
    assert "lead.other" not in needs


def test_the_la_counts_against_a_chosen_programme(training):
    w = training
    _complete(w.users["leading_teacher@own"], w.programmes["own"])
    assert coverage.la_coverage(w.las["own"]).trained_count == 0
    chosen = coverage.la_coverage(w.las["own"], w.programmes["own"].pk)
    assert chosen.programme == w.programmes["own"] and chosen.trained_count == 1
    # Another LA's programme is no choice here: the national one stands.
    other = coverage.la_coverage(w.las["own"], w.programmes["other"].pk)
    assert other.programme == w.programmes["nation"]


def _more_leading_teachers(w, n, cluster_too=False):
    la = w.las["own"]
    for i in range(n):
        school = School.objects.create(
            local_authority=la,
            name=f"Extra {n}-{i}",
            establishment_number=f"{5000 + n * 50 + i}",
            urn=f"{950000 + n * 100 + i}",
            phase=School.Phase.SECONDARY,
        )
        person = make_user(f"extra.{n}.{i}")
        member(person, Role.LEADING_TEACHER, school=school)
        if i % 2:
            _pass_core(person, w.modules["nation"])
        if i % 3 == 0:
            _complete(person, w.programmes["nation"])
    if cluster_too:
        cluster = Cluster.objects.create(local_authority=la, name=f"Cluster {n}")
        person = make_user(f"extra.cluster.{n}")
        member(person, Role.LEADING_TEACHER, cluster=cluster)


def test_the_la_coverage_makes_a_constant_number_of_queries(training):
    w = training
    coverage.la_coverage(w.las["own"])
    with CaptureQueriesContext(connection) as before:
        coverage.la_coverage(w.las["own"])
    _more_leading_teachers(w, 12, cluster_too=True)
    with CaptureQueriesContext(connection) as after:
        found = coverage.la_coverage(w.las["own"])
    assert len(after) == len(before) <= 9
    assert len(found.schools) == 14


def test_the_nation_counts_by_la_phase_and_month(training):
    w = training
    now = timezone.now()
    _complete(w.users["leading_teacher@cluster"], w.programmes["nation"], now - timedelta(days=70))
    _complete(w.users["leading_teacher@other"], w.programmes["nation"], now)
    found = coverage.national_coverage(w.nation)
    assert (found.total.schools, found.total.named, found.total.trained) == (3, 3, 3)
    by_la = {r.label: (r.schools, r.trained) for r in found.by_la}
    assert by_la == {"Own LA": (2, 2), "Other LA": (1, 1)}
    by_phase = {r.label: r.trained for r in found.by_phase}
    assert by_phase["Primary"] == 1 and by_phase["Secondary"] == 2
    assert found.months[0].trained == 2  # the cluster's two schools, from its lead
    assert found.months[-1].trained == 3 and found.months[-1].share_trained == 100.0
    assert sum(m.completions for m in found.months) == 2
    assert len(found.months) in (3, 4)  # 70 days back: three or four calendar months
    rows = coverage.place_rows(found)
    assert rows[0][0] == "Programme" and len(rows) == 1 + 3  # own×primary, own×secondary, other
    assert coverage.month_rows(found)[-1][1:4] == [1, 3, "100.0"]


def test_the_nation_counts_in_a_constant_number_of_queries(training):
    w = training
    coverage.national_coverage(w.nation)
    with CaptureQueriesContext(connection) as before:
        coverage.national_coverage(w.nation)
    _more_leading_teachers(w, 15, cluster_too=True)
    with CaptureQueriesContext(connection) as after:
        found = coverage.national_coverage(w.nation)
    assert len(after) == len(before) <= 6
    assert found.total.schools == 18


def test_no_programme_yet_counts_named_but_nobody_trained(world):
    found = coverage.national_coverage(world.nation)
    assert found.programme is None and found.total.trained == 0 and found.months == []
    assert found.total.named == 3
    la = coverage.la_coverage(world.las["own"])
    assert la.trained_count == 0 and all(lt.still_needs == [] for lt in la.leading_teachers)


def test_places_for_the_training_home(training):
    w = training
    assert coverage.coverage_places(w.users["national_officer@nation"]) == ([w.nation], [])
    assert coverage.coverage_places(w.users["la_lead@own"]) == ([], [w.las["own"]])
    assert coverage.coverage_places(w.users["leading_teacher@own"]) == ([], [])


def test_a_module_count_of_zero_core_modules_says_no_count(training):
    w = training
    Module.objects.filter(programme=w.programmes["nation"]).update(core=False)
    needs = coverage.la_coverage(w.las["own"]).in_training[0].still_needs
    assert needs[0] == "Pass every core module"
