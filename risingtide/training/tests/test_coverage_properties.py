"""For any world of schools (in clusters or not, of any phase, in any LA), leading-teacher
memberships at schools and clusters, other staff, and completions of the programme (and of
another programme, which must not count): the LA and national coverage figures equal a count
made directly in the database, school by school, with SQL ``EXISTS``."""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import Cluster, LocalAuthority, Nation, School
from risingtide.training import coverage
from risingtide.training.models import Completion, Programme

PHASES = [p for p, _ in School.Phase.choices]

schools_st = st.lists(
    st.tuples(
        st.integers(0, 2),  # LA
        st.sampled_from(PHASES),
        st.one_of(st.none(), st.integers(0, 2)),  # cluster of that LA
    ),
    max_size=12,
)
people_st = st.lists(
    st.tuples(
        st.lists(  # memberships: ("school" | "cluster" | "teacher", index)
            st.tuples(st.sampled_from(["school", "cluster", "teacher"]), st.integers(0, 11)),
            min_size=1,
            max_size=3,
        ),
        st.one_of(st.none(), st.integers(0, 420)),  # completed this many days ago
        st.booleans(),  # completed the other programme too
    ),
    max_size=10,
)


def _build(schools_spec, people_spec):
    nation = Nation.objects.create(name="Propland")
    las = [
        LocalAuthority.objects.create(nation=nation, code=f"{800 + n}", name=f"LA {n}")
        for n in range(3)
    ]
    clusters = {
        (la_i, c): Cluster.objects.create(local_authority=las[la_i], name=f"C{la_i}{c}")
        for la_i in range(3)
        for c in range(3)
    }
    schools = School.objects.bulk_create(
        School(
            local_authority=las[la_i],
            cluster=clusters[la_i, c] if c is not None else None,
            name=f"School {n}",
            establishment_number=f"{1000 + n}",
            urn=f"{700000 + n}",
            phase=phase,
        )
        for n, (la_i, phase, c) in enumerate(schools_spec)
    )
    # The older programme first: the newest national one is what coverage counts by default.
    other = Programme.objects.create(title="Other", nation=nation, rules=["all_core_passed"])
    programme = Programme.objects.create(title="LT", nation=nation, rules=["all_core_passed"])
    now = timezone.now()
    people = User.objects.bulk_create(User(username=f"p{n}") for n in range(len(people_spec)))
    memberships, completions = [], []
    for person, (held, days, also_other) in zip(people, people_spec, strict=True):
        seen = set()
        for kind, index in held:
            if kind == "cluster":
                cluster = list(clusters.values())[index % len(clusters)]
                if cluster.pk not in seen:
                    seen.add(cluster.pk)
                    memberships.append(
                        Membership(user=person, role=Role.LEADING_TEACHER, cluster=cluster)
                    )
            elif schools:
                school = schools[index % len(schools)]
                role = Role.LEADING_TEACHER if kind == "school" else Role.TEACHER
                if (role, school.pk) not in seen:
                    seen.add((role, school.pk))
                    memberships.append(Membership(user=person, role=role, school=school))
        if days is not None:
            when = now - timedelta(days=days)
            completions.append(Completion(learner=person, programme=programme, completed_at=when))
        if also_other:
            completions.append(Completion(learner=person, programme=other, completed_at=now))
    Membership.objects.bulk_create(memberships)
    Completion.objects.bulk_create(completions)
    return nation, las, programme


def _direct(schools, programme, before=None):
    """Schools counted straight from the database: all, with a leading teacher named at the
    school or its cluster, with one who completed the programme (before ``before``)."""
    leading = Membership.objects.filter(role=Role.LEADING_TEACHER)
    here = Q(school=OuterRef("pk")) | Q(cluster_id=OuterRef("cluster_id"))
    done = Completion.objects.filter(programme=programme, learner=OuterRef("user_id"))
    if before is not None:
        done = done.filter(completed_at__lt=before)
    trained = leading.filter(here).filter(Exists(done))
    return (
        schools.count(),
        schools.filter(Exists(leading.filter(here))).count(),
        schools.filter(Exists(trained)).count(),
    )


def _next_month(month):
    start = datetime(month.year, month.month, 1, tzinfo=timezone.get_current_timezone())
    return (start + timedelta(days=32)).replace(day=1)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(schools_spec=schools_st, people_spec=people_st)
def test_coverage_equals_a_direct_count(schools_spec, people_spec):
    with transaction.atomic():
        cache.clear()
        nation, las, programme = _build(schools_spec, people_spec)
        every = School.objects.filter(local_authority__nation=nation)
        found = coverage.national_coverage(nation)
        assert found.programme == programme  # the newest national programme
        total = found.total
        assert (total.schools, total.named, total.trained) == _direct(every, programme)
        for row, la in zip(found.by_la, las, strict=True):
            direct = _direct(every.filter(local_authority=la), programme)
            assert (row.schools, row.named, row.trained) == direct
            page = coverage.la_coverage(la, programme.pk)
            assert (len(page.schools), page.named_count, page.trained_count) == direct
            assert len(page.unnamed) == direct[0] - direct[1]
        for row, phase in zip(found.by_phase, PHASES, strict=True):
            direct = _direct(every.filter(phase=phase), programme)
            assert (row.schools, row.named, row.trained) == direct
        for month in found.months:
            by_end = _direct(every, programme, before=_next_month(month.month))
            assert month.trained == by_end[2]
            assert set(month.phases) == {p for p in PHASES if every.filter(phase=p).exists()}
            for phase, shown in zip(month.phases, month.shares_by_phase, strict=True):
                of_phase = _direct(every.filter(phase=phase), programme, _next_month(month.month))
                assert shown == coverage.share(of_phase[2], of_phase[0])
        if found.months:
            assert found.months[-1].trained == total.trained
        transaction.set_rollback(True)
