"""Classroom self-evaluation (CQS): the domain functions and reads, called directly.

The fixtures here (a CQS version of our own, a reflection, a second teacher at "own") are
imported by the view and API tests too.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risingtide.access.core import visible
from risingtide.audit.models import AuditEvent
from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role
from risingtide.standards.classroom import queries, services
from risingtide.standards.framework_models import (
    Element,
    Framework,
    FrameworkVersion,
    Prompt,
    Theme,
)
from risingtide.standards.models import ClassroomEvaluation, FeatureLevel, PromptRating

pytestmark = pytest.mark.django_db
SECRET = "Evidence-zebra-7741: only Ada finishes early"  # must never leak unshared
# A class name no CSRF token or nonce can contain by chance (it has a space): "8B" once
# matched a random token and failed a "not in the page" check.
CLASS = "8 Bramble"


@pytest.fixture
def cqs(world):
    """A CQS version of our own, newer than any shipped: 5 features with 3, 2, 3, 2, 3 prompts."""
    framework, _ = Framework.objects.get_or_create(
        key="cqs", defaults={"name": "Classroom Quality Standards", "kind": "classroom"}
    )
    version = FrameworkVersion.objects.create(framework=framework, label="test fixture")
    theme = Theme.objects.create(version=version, code="L1", name="Features", position=1)
    for n in range(1, 6):
        element = Element.objects.create(
            version=version,
            theme=theme,
            number=n,
            name=f"Feature {n}",
            entry=f"Entry {n}",
            developing=f"Developing {n}",
            exemplary=f"Exemplary {n}",
        )
        for p in range(1, 4 if n % 2 else 3):
            Prompt.objects.create(element=element, number=p, text=f"Prompt text {n}.{p}")
    return version


@pytest.fixture
def teacher2(world):
    """A second teacher at "own": a colleague of teacher@own, no relation to their reflection."""
    user = make_user("teacher2.own", "Second", "Teacher")
    member(user, Role.TEACHER, school=world.schools["own"])
    return user


@pytest.fixture
def reflection(world, cqs):
    """teacher@own's reflection on CLASS, unshared, with one prompt rated and a private note."""
    teacher = world.user("teacher@own")
    evaluation = services.start(teacher, world.schools["own"], CLASS, "maths")
    first = prompts_of(cqs)[0]
    services.rate(world.user("teacher@own"), evaluation, first.pk, 3, 1, SECRET)
    return evaluation


def prompts_of(version) -> list[Prompt]:
    return list(
        Prompt.objects.filter(element__version=version).order_by("element__number", "number")
    )


def rate_all(user, evaluation, for_all=3, for_gt=2):
    for prompt in prompts_of(evaluation.version):
        services.rate(user, evaluation, prompt.pk, for_all, for_gt, "")


# --- starting -------------------------------------------------------------------------------


def test_start_makes_a_rating_for_every_prompt_and_a_level_for_every_feature(world, cqs):
    teacher = world.user("teacher@own")
    evaluation = services.start(teacher, world.schools["own"], " 8B ", "science")
    assert evaluation.version == cqs and evaluation.class_name == "8B"
    assert evaluation.teacher == teacher and evaluation.shared_at is None
    assert PromptRating.objects.filter(evaluation=evaluation).count() == 13
    assert set(
        FeatureLevel.objects.filter(evaluation=evaluation).values_list("element__number", flat=True)
    ) == {
        1,
        2,
        3,
        4,
        5,
    }
    event = AuditEvent.objects.get(action="classroom.started")
    assert event.target_id == str(evaluation.pk) and event.school == world.schools["own"]


@pytest.mark.parametrize(
    "user_key, school_key",
    [
        ("teacher@own", "other"),  # not their school
        ("head@other", "own"),
        ("la_lead@own", "own"),  # not staff of a school
        ("pupil@own", "own"),
    ],
)
def test_start_only_at_a_school_where_one_is_staff(world, cqs, user_key, school_key):
    with pytest.raises(PermissionDenied):
        services.start(world.user(user_key), world.schools[school_key], "8B")
    assert not ClassroomEvaluation.objects.filter(class_name="8B").exists()


def test_the_observer_is_a_colleague_of_the_same_school(world, cqs, teacher2):
    teacher = world.user("teacher@own")
    school = world.schools["own"]
    observed = services.start(teacher, school, "8B", colleague_id=teacher2.pk)
    assert observed.colleague == teacher2
    for colleague, message in (
        (world.users["teacher@other"].pk, "Choose a member of staff at Own School."),
        (world.users["pupil@own"].pk, "Choose a member of staff at Own School."),
        (teacher.pk, "The observer is a colleague: choose someone other than you."),
    ):
        with pytest.raises(ValidationError) as refused:
            services.start(teacher, school, "9C", colleague_id=colleague)
        assert refused.value.message_dict == {"colleague": [message]}


def test_start_refuses_a_blank_class_and_an_unknown_subject(world, cqs):
    with pytest.raises(ValidationError) as refused:
        services.start(world.user("teacher@own"), world.schools["own"], "  ", "latin")
    assert set(refused.value.message_dict) == {"class_name", "subject"}


def test_colleagues_are_the_staff_of_ones_schools_but_not_oneself(world, teacher2):
    names = set(queries.colleagues(world.user("teacher@own")).values_list("username", flat=True))
    assert {"teacher2.own", "lead.own", "head.own", "teacher.lead.own"} <= names
    assert "teacher.own" not in names and "teacher.other" not in names and "pupil1.own" not in names


# --- rating ---------------------------------------------------------------------------------


def test_the_teacher_and_the_observer_rate_and_the_last_save_is_kept(world, cqs, teacher2):
    teacher = world.user("teacher@own")
    evaluation = services.start(teacher, world.schools["own"], "8B", colleague_id=teacher2.pk)
    prompt = prompts_of(cqs)[1]
    services.rate(teacher, evaluation, prompt.pk, 2, 2, "Seen in the starter.")
    rating = services.rate(teacher2, evaluation, prompt.pk, 3, 1, "  Extension unused.  ")
    saved = PromptRating.objects.get(evaluation=evaluation, prompt=prompt)
    assert (saved.for_all, saved.for_gt, saved.evidence) == (3, 1, "Extension unused.")
    assert rating.pk == saved.pk and saved.gt_lags


@pytest.mark.parametrize(
    "user_key", ["teacher@other", "leading_teacher@own", "head@own", "teacher+lead@own"]
)
def test_no_one_else_may_rate(world, reflection, user_key):
    with pytest.raises(PermissionDenied):
        services.rate(world.user(user_key), reflection, prompts_of(reflection.version)[0].pk, 1, 1)


def test_a_colleague_at_the_same_school_may_not_rate_either(world, reflection, teacher2):
    with pytest.raises(PermissionDenied):
        services.rate(teacher2, reflection, prompts_of(reflection.version)[0].pk, 1, 1)


def test_a_rating_out_of_range_names_its_field(world, reflection):
    prompt = prompts_of(reflection.version)[0]
    with pytest.raises(ValidationError) as refused:
        services.rate(world.user("teacher@own"), reflection, prompt.pk, 4, 0)
    assert set(refused.value.message_dict) == {"for_all", "for_gt"}
    assert PromptRating.objects.get(evaluation=reflection, prompt=prompt).for_all == 3


def test_a_prompt_of_another_version_is_refused(world, reflection):
    shipped = Prompt.objects.exclude(element__version=reflection.version).first()
    with pytest.raises(ValidationError) as refused:
        services.rate(world.user("teacher@own"), reflection, shipped.pk, 1, 1)
    assert "prompt" in refused.value.message_dict


def test_lags_are_the_prompts_rated_lower_for_gt_learners(world, reflection):
    teacher = world.user("teacher@own")
    prompts = prompts_of(reflection.version)
    services.rate(teacher, reflection, prompts[4].pk, 2, 1)  # lags
    services.rate(teacher, reflection, prompts[2].pk, 2, 3)  # G&T higher: no lag
    services.rate(teacher, reflection, prompts[3].pk, None, 1)  # half rated: no lag
    assert [r.prompt_id for r in queries.lags(reflection)] == [prompts[0].pk, prompts[4].pk]


def test_feature_levels_and_next_steps(world, reflection):
    teacher = world.user("teacher@own")
    element = Element.objects.filter(version=reflection.version).get(number=2)
    services.set_feature(teacher, reflection, element.pk, 2, "Open-ended starters")
    saved = FeatureLevel.objects.get(evaluation=reflection, element=element)
    assert (saved.level, saved.next_step) == (2, "Open-ended starters")
    with pytest.raises(ValidationError) as refused:
        services.set_feature(teacher, reflection, element.pk, 5, "")
    assert "level" in refused.value.message_dict
    other = Element.objects.exclude(version=reflection.version).first()
    with pytest.raises(ValidationError):
        services.set_feature(teacher, reflection, other.pk, 1, "")
    services.write_next_steps(teacher, reflection, "Plan a challenge ladder.")
    reflection.refresh_from_db()
    assert reflection.next_steps == "Plan a challenge ladder."
    with pytest.raises(ValidationError):
        services.write_next_steps(teacher, reflection, "x" * 10001)


# --- completing and sharing -----------------------------------------------------------------


def test_complete_needs_every_prompt_rated_both_ways(world, reflection):
    teacher = world.user("teacher@own")
    with pytest.raises(ValidationError) as refused:
        services.complete(teacher, reflection)
    problems = refused.value.messages
    assert len(problems) == 12  # 13 prompts, the first rated both ways
    assert problems[0] == (
        "Feature 1 Feature 1, prompt 1.2: rate it for all learners and for G&T learners."
    )
    rate_all(teacher, reflection)
    services.rate(teacher, reflection, prompts_of(reflection.version)[0].pk, 2, None)
    with pytest.raises(ValidationError) as refused:
        services.complete(teacher, reflection)
    assert refused.value.messages == ["Feature 1 Feature 1, prompt 1.1: rate it for G&T learners."]
    services.rate(teacher, reflection, prompts_of(reflection.version)[0].pk, 2, 2)
    done = services.complete(teacher, reflection)
    assert done.completed_at is not None
    assert AuditEvent.objects.filter(action="classroom.completed").count() == 1


def test_a_completed_reflection_keeps_its_ratings_but_next_steps_stay_open(world, reflection):
    teacher = world.user("teacher@own")
    rate_all(teacher, reflection)
    services.complete(teacher, reflection)
    with pytest.raises(ValidationError, match="complete"):
        services.rate(teacher, reflection, prompts_of(reflection.version)[0].pk, 1, 1)
    element = Element.objects.filter(version=reflection.version).first()
    with pytest.raises(ValidationError, match="complete"):
        services.set_feature(teacher, reflection, element.pk, 1, "")
    services.write_next_steps(teacher, reflection, "Still writing.")
    assert ClassroomEvaluation.objects.get(pk=reflection.pk).next_steps == "Still writing."


def test_only_the_teacher_shares_and_unshares(world, cqs, teacher2):
    teacher = world.user("teacher@own")
    evaluation = services.start(teacher, world.schools["own"], "8B", colleague_id=teacher2.pk)
    with pytest.raises(PermissionDenied):
        services.share(teacher2, evaluation, True)  # the observer
    with pytest.raises(PermissionDenied):
        services.share(world.user("leading_teacher@own"), evaluation, True)
    assert ClassroomEvaluation.objects.get(pk=evaluation.pk).shared_at is None
    shared = services.share(teacher, evaluation, True)
    assert shared.shared_at is not None
    with pytest.raises(PermissionDenied):  # the coordinator now sees it, still cannot unshare
        services.share(world.user("leading_teacher@own"), shared, False)
    assert services.share(teacher, shared, False).shared_at is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="classroom.").values_list("action", flat=True)
    )
    assert "classroom.shared" in actions and "classroom.unshared" in actions


def test_the_observer_rates_but_the_next_steps_and_completing_are_the_teachers(
    world, cqs, teacher2
):
    teacher = world.user("teacher@own")
    evaluation = services.start(teacher, world.schools["own"], "8C", colleague_id=teacher2.pk)
    rate_all(teacher2, evaluation)  # the observer may rate
    with pytest.raises(PermissionDenied):
        services.write_next_steps(teacher2, evaluation, "Not mine to write")
    with pytest.raises(PermissionDenied):
        services.complete(teacher2, evaluation)
    fresh = ClassroomEvaluation.objects.get(pk=evaluation.pk)
    assert (fresh.next_steps, fresh.completed_at) == ("", None)
    assert services.complete(teacher, evaluation).completed_at is not None


# --- who sees what --------------------------------------------------------------------------


def _sees(user, evaluation) -> bool:
    return visible(user, "classroom_evaluation").filter(pk=evaluation.pk).exists()


def test_an_unshared_reflection_is_seen_by_its_teacher_and_observer_only(world, cqs, teacher2):
    teacher = world.user("teacher@own")
    observer = make_user("observer.own", "Obs", "Erver")
    member(observer, Role.TEACHER, school=world.schools["own"])
    evaluation = services.start(teacher, world.schools["own"], "8B", colleague_id=observer.pk)
    assert _sees(teacher, evaluation) and _sees(observer, evaluation)
    outsiders = ["teacher@other", "leading_teacher@own", "head@own", "teacher+lead@own"]
    outsiders += ["la_lead@own", "site_admin@site", "national_officer@nation"]
    for key in outsiders:
        assert not _sees(world.user(key), evaluation), key
    assert not _sees(teacher2, evaluation)
    services.share(teacher, evaluation, True)
    assert _sees(world.user("leading_teacher@own"), evaluation)
    assert _sees(world.user("head@own"), evaluation)
    assert not _sees(teacher2, evaluation)  # a colleague still does not: only coordinators
    assert not _sees(world.user("head@other"), evaluation)
    assert not _sees(world.user("la_lead@own"), evaluation)


def test_my_evaluations_are_my_own_and_those_i_observed(world, cqs, teacher2):
    teacher = world.user("teacher@own")
    before = set(ClassroomEvaluation.objects.filter(teacher=teacher).values_list("pk", flat=True))
    mine = services.start(teacher, world.schools["own"], "8B", colleague_id=teacher2.pk)
    services.share(teacher, mine, True)
    observed = services.start(teacher2, world.schools["own"], "7A", colleague_id=teacher.pk)
    theirs = services.start(teacher2, world.schools["own"], "9C")
    listed = queries.my_evaluations(world.user("teacher@own"))
    assert {e.pk for e in listed} == {mine.pk, observed.pk} | before
    assert theirs.pk not in {e.pk for e in listed}
    # The coordinator's list is theirs alone: a shared reflection is on the summary instead.
    assert mine.pk not in {e.pk for e in queries.my_evaluations(world.user("leading_teacher@own"))}
    row = next(e for e in listed if e.pk == mine.pk)
    assert (row.prompt_count, row.rated_count, row.lag_count) == (13, 0, 0)


# --- the coordinator's summary --------------------------------------------------------------


def test_the_summary_counts_everything_but_rates_only_what_is_shared(world, reflection, teacher2):
    lead = world.user("leading_teacher@own")
    summary = queries.school_summary(lead, world.schools["own"])
    own_world = ClassroomEvaluation.objects.filter(school=world.schools["own"]).exclude(
        pk=reflection.pk
    )
    baseline_started = own_world.count()
    baseline_shared = own_world.filter(shared_at__isnull=False).count()
    sharing = set(own_world.filter(shared_at__isnull=False).values_list("teacher_id", flat=True))
    assert summary.started == baseline_started + 1
    assert summary.shared == baseline_shared
    assert reflection.pk not in {e.pk for e in summary.evaluations}
    # Nothing from the unshared reflection's ratings.
    assert all(sum(p.for_all) == 0 for f in summary.features for p in f.prompts)

    second = services.start(teacher2, world.schools["own"], "7A")
    rate_all(teacher2, second, for_all=2, for_gt=2)
    services.share(teacher2, second, True)
    services.share(world.user("teacher@own"), reflection, True)
    summary = queries.school_summary(lead, world.schools["own"])
    assert summary.shared == baseline_shared + 2
    assert summary.teachers_sharing == len(sharing | {teacher2.pk, reflection.teacher_id})
    first = prompts_of(reflection.version)[0]
    row = next(p for f in summary.features for p in f.prompts if p.prompt.pk == first.pk)
    # teacher@own: 3 for all, 1 for G&T (lags); teacher2: 2 and 2.
    assert row.for_all == [0, 1, 1] and row.for_gt == [1, 1, 0] and row.lagging == 1
    later = prompts_of(reflection.version)[1]
    row = next(p for f in summary.features for p in f.prompts if p.prompt.pk == later.pk)
    assert row.for_all == [0, 1, 0] and row.lagging == 0  # teacher@own has not rated it

    services.share(world.user("teacher@own"), reflection, False)
    summary = queries.school_summary(lead, world.schools["own"])
    row = next(p for f in summary.features for p in f.prompts if p.prompt.pk == first.pk)
    assert row.for_all == [0, 1, 0] and row.lagging == 0
    assert reflection.pk not in {e.pk for e in summary.evaluations}


def test_a_teacher_sharing_two_reflections_counts_once_per_rating(world, cqs):
    teacher = world.user("teacher@own")
    for name in ("8B", "9C"):
        e = services.start(teacher, world.schools["own"], name)
        rate_all(teacher, e, for_all=3, for_gt=1)
        services.share(teacher, e, True)
    summary = queries.school_summary(world.user("head@own"), world.schools["own"])
    row = summary.features[-1].prompts[0]
    assert row.for_all == [0, 0, 1] and row.for_gt == [1, 0, 0] and row.lagging == 1


def test_a_coordinator_who_also_teaches_does_not_put_their_unshared_one_in_the_summary(world, cqs):
    both = world.user("teacher+lead@own")
    own = services.start(both, world.schools["own"], "8B")
    rate_all(both, own, for_all=3, for_gt=1)
    assert _sees(both, own)  # their own, through "self"
    summary = queries.school_summary(world.user("teacher+lead@own"), world.schools["own"])
    assert own.pk not in {e.pk for e in summary.evaluations}
    assert all(p.lagging == 0 and sum(p.for_all) == 0 for f in summary.features for p in f.prompts)


def test_only_coordinators_get_the_summary(world):
    for key in ("teacher@own", "leading_teacher@other", "la_lead@own"):
        with pytest.raises(PermissionDenied):
            queries.school_summary(world.user(key), world.schools["own"])


def test_the_summary_reads_a_fixed_number_of_queries(world, cqs):
    teacher = world.user("teacher@own")

    def shared(n):
        for i in range(n):
            e = services.start(teacher, world.schools["own"], f"Set {i}")
            rate_all(teacher, e)
            services.share(teacher, e, True)
        lead = world.user("leading_teacher@own")
        with CaptureQueriesContext(connection) as captured:
            queries.school_summary(lead, world.schools["own"])
        return len(captured)

    shared(0)  # the first read also reads the lead's memberships, kept from then on
    few = shared(2)
    assert shared(18) == few
