"""The plan's rules, called directly: the target limit (said with its length, nothing saved),
five working targets, evidence only of the pupil's own, the voice of each message, who reviews."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from risingtide.audit.models import AuditEvent
from risingtide.learners.models import LearningGuide
from risingtide.learning_plans import queries, services
from risingtide.learning_plans.models import (
    MESSAGE_LIMIT,
    TARGET_LIMIT,
    Evidence,
    LearningPlan,
    Message,
    Target,
)
from risingtide.opportunities.models import Opportunity, Participation

pytestmark = pytest.mark.django_db


def _plan(world, key="own", who="pupil@own"):
    return services.plan_for(world.user(who), world.records[key])


def opportunity(world, title="Maths circle", school="own") -> Opportunity:
    return Opportunity.objects.create(
        school=world.schools[school],
        title=title,
        kind="club",
        wave=2,
        domain="gifted",
        year_from=7,
        year_to=8,
        academic_year=2026,
        term="autumn",
    )


def took_part(world, key="own", state=Participation.State.TOOK_PART, title="Maths circle"):
    school = "other" if key == "other" else "own"
    return Participation.objects.create(
        opportunity=opportunity(world, title, school), pupil=world.records[key], state=state
    )


def test_a_plan_is_made_on_first_use_once(world):
    first = _plan(world)
    again = services.plan_for(world.user("teacher@own"), world.records["own"])
    assert first == again
    assert LearningPlan.objects.count() == 1
    assert AuditEvent.objects.filter(action="learning_plans.open").count() == 1


def test_nobody_makes_a_plan_for_a_pupil_they_cannot_see(world):
    with pytest.raises(PermissionDenied):
        services.plan_for(world.user("pupil2@own"), world.records["own"])
    with pytest.raises(PermissionDenied):
        services.plan_for(world.user("la_lead@own"), world.records["own"])
    assert not LearningPlan.objects.exists()


def test_a_pupil_writes_a_target_in_their_words(world):
    plan = _plan(world)
    target = services.add_target(world.user("pupil@own"), plan, "  I want to explain my maths  ")
    assert target.text == "I want to explain my maths"
    assert target.state == Target.State.WORKING
    assert target.written_by == world.user("pupil@own")
    assert AuditEvent.objects.filter(action="learning_plans.add_target").count() == 1


def test_a_target_longer_than_the_limit_says_the_limit_and_its_length(world):
    plan = _plan(world)
    with pytest.raises(ValidationError) as refused:
        services.add_target(world.user("pupil@own"), plan, "x" * (TARGET_LIMIT + 32))
    message = refused.value.message_dict["text"][0]
    assert f"up to {TARGET_LIMIT} characters" in message
    assert f"this one is {TARGET_LIMIT + 32}" in message
    assert not Target.objects.exists()
    # Exactly the limit is fine.
    services.add_target(world.user("pupil@own"), plan, "y" * TARGET_LIMIT)


def test_an_empty_target_is_refused(world):
    with pytest.raises(ValidationError, match="Write the target first"):
        services.add_target(world.user("pupil@own"), _plan(world), "   ")


def test_at_most_five_targets_are_worked_on_at_once(world):
    pupil = world.user("pupil@own")
    plan = _plan(world)
    made = [services.add_target(pupil, plan, f"Target {n}") for n in range(5)]
    with pytest.raises(ValidationError, match="at most 5 targets"):
        services.add_target(pupil, plan, "A sixth")
    assert plan.targets.count() == 5
    # Achieving one makes room; working on it again is refused while five are worked on.
    services.set_target_state(pupil, made[0], Target.State.ACHIEVED)
    services.add_target(pupil, plan, "A sixth")
    with pytest.raises(ValidationError, match="already being worked on"):
        services.set_target_state(pupil, made[0], Target.State.WORKING)
    services.set_target_state(pupil, made[1], Target.State.SET_ASIDE)
    services.set_target_state(pupil, made[0], Target.State.WORKING)
    assert plan.targets.count() == 6  # nothing is ever deleted
    assert [p for p in plan.targets.values_list("position", flat=True)] == [0, 1, 2, 3, 4, 5]


def test_the_guide_and_the_coordinator_may_add_a_target_a_teacher_may_not(world):
    plan = _plan(world)
    with pytest.raises(PermissionDenied):
        services.add_target(world.user("teacher@own"), plan, "From the class teacher")
    services.add_target(world.user("leading_teacher@own"), plan, "From the coordinator")
    LearningGuide.objects.create(pupil=world.records["own"], guide=world.user("teacher@own"))
    services.add_target(world.user("teacher@own"), plan, "From the guide")
    with pytest.raises(PermissionDenied):
        services.add_target(world.user("carer@own"), plan, "From the family")
    assert plan.targets.count() == 2


def test_evidence_of_the_pupils_own_kinds_is_linked(world):
    pupil = world.user("pupil@own")
    target = services.add_target(pupil, _plan(world), "Explain my thinking")
    place = took_part(world)
    services.link_evidence(pupil, target, "item", world.items["own"].pk)
    services.link_evidence(pupil, target, "next_step", world.comments["own"].pk)
    services.link_evidence(pupil, target, "participation", place.pk)
    assert target.evidence.count() == 3
    with pytest.raises(ValidationError, match="already evidence"):
        services.link_evidence(pupil, target, "item", world.items["own"].pk)
    assert target.evidence.count() == 3


@pytest.mark.parametrize("who", ["pupil@own", "leading_teacher@own"])
def test_evidence_of_another_pupil_is_refused_and_nothing_changes(world, who):
    target = services.add_target(world.user("pupil@own"), _plan(world), "Explain my thinking")
    actor = world.user(who)
    others = [
        ("item", world.items["own2"].pk),  # pupil@own2's note: the coordinator sees it too
        ("item", world.items["other"].pk),
        ("next_step", world.comments["own2"].pk),
        ("participation", took_part(world, "2@own").pk),
        ("participation", took_part(world, "own", Participation.State.REQUESTED, "Asked").pk),
        ("item", 999_999),
    ]
    for kind, object_id in others:
        with pytest.raises(ValidationError, match="not something of this pupil's"):
            services.link_evidence(actor, target, kind, object_id)
    with pytest.raises(ValidationError, match="Choose a portfolio item"):
        services.link_evidence(actor, target, "register_entry", 1)
    assert not Evidence.objects.exists()


def test_the_picker_lists_only_the_pupils_own_things(world):
    took_part(world)
    took_part(world, "2@own", title="Not mine")
    groups = {
        g.kind: g for g in queries.choice_groups(world.user("pupil@own"), world.records["own"])
    }
    assert [c.title for c in groups["item"].choices] == ["own picture", "own note"]
    assert [c.id for c in groups["next_step"].choices] == [world.comments["own"].pk]
    assert [c.title for c in groups["participation"].choices] == ["Maths circle"]


def test_voice_follows_from_who_writes(world):
    plan = _plan(world)
    LearningGuide.objects.create(pupil=world.records["own"], guide=world.user("teacher@own"))
    for who, voice in (
        ("pupil@own", Message.Voice.PUPIL),
        ("carer@own", Message.Voice.FAMILY),
        ("teacher@own", Message.Voice.GUIDE),
        ("leading_teacher@own", Message.Voice.STAFF),
        ("head@own", Message.Voice.STAFF),
        ("leading_teacher@cluster", Message.Voice.STAFF),  # coordinates the cluster's schools
    ):
        message = services.add_message(world.user(who), plan, f"From {who}")
        assert message.voice == voice, who
        assert message.author_name == world.user(who).get_full_name()
    assert AuditEvent.objects.filter(action="learning_plans.message").count() == 6


def test_a_guide_who_does_not_teach_the_class_writes_as_the_guide(world):
    plan = _plan(world, "own2", "pupil@own2")  # teacher@own does not teach own2
    with pytest.raises(PermissionDenied):
        services.add_message(world.user("teacher@own"), plan, "Hello")
    LearningGuide.objects.create(pupil=world.records["own2"], guide=world.user("teacher@own"))
    assert services.add_message(world.user("teacher@own"), plan, "Hello").voice == "guide"


def test_a_carer_writes_on_their_childs_plan_only(world):
    carer = world.user("carer@own")
    plan = services.plan_for(carer, world.records["own"])
    assert services.add_message(carer, plan, "We read together every night.").voice == "family"
    other = _plan(world, "2@own", "pupil2@own")
    with pytest.raises(PermissionDenied):
        services.add_message(carer, other, "Not my child")
    assert not other.messages.exists()


@pytest.mark.parametrize(
    "who", ["pupil2@own", "pupil@other", "teacher@other", "la_lead@own", "nobody@nowhere"]
)
def test_anyone_else_may_not_write_in_the_conversation(world, who):
    plan = _plan(world)
    with pytest.raises(PermissionDenied):
        services.add_message(world.user(who), plan, "Hello")
    assert not Message.objects.exists()


def test_a_message_longer_than_the_limit_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.add_message(world.user("pupil@own"), _plan(world), "z" * (MESSAGE_LIMIT + 1))
    assert f"up to {MESSAGE_LIMIT:,} characters" in refused.value.messages[0]
    assert f"this one is {MESSAGE_LIMIT + 1:,}" in refused.value.messages[0]
    assert not Message.objects.exists()


def test_a_review_sets_the_next_review_date(world):
    plan = _plan(world)
    today = timezone.localdate()
    LearningGuide.objects.create(pupil=world.records["own"], guide=world.user("teacher@own"))
    review = services.add_review(
        world.user("teacher@own"),
        plan,
        reviewed_on=today,
        summary="Two targets going well.",
        next_review_on=today + timedelta(days=42),
    )
    plan.refresh_from_db()
    assert plan.next_review_on == today + timedelta(days=42)
    assert review.reviewed_by == world.user("teacher@own")


def test_a_review_is_refused_with_wrong_dates_or_by_the_wrong_person(world):
    plan = _plan(world)
    today = timezone.localdate()
    lead = world.user("leading_teacher@own")
    with pytest.raises(ValidationError, match="once it has happened"):
        services.add_review(lead, plan, reviewed_on=today + timedelta(1), summary="s")
    with pytest.raises(ValidationError, match="comes after this one"):
        services.add_review(lead, plan, reviewed_on=today, summary="s", next_review_on=today)
    with pytest.raises(ValidationError, match="Write the summary"):
        services.add_review(lead, plan, reviewed_on=today, summary="")
    for who in ("pupil@own", "teacher@own", "carer@own"):  # teacher@own is not the guide
        with pytest.raises(PermissionDenied):
            services.add_review(world.user(who), plan, reviewed_on=today, summary="s")
    assert not plan.reviews.exists()


def test_the_caseload_lists_the_guides_pupils_not_reviewed_first(world):
    guide = world.user("leading_teacher@own")
    today = timezone.localdate()
    for key in ("own", "own2", "2@own"):
        LearningGuide.objects.create(pupil=world.records[key], guide=guide)
    LearningGuide.objects.create(pupil=world.records["other"], guide=world.user("teacher@other"))
    overdue = _plan(world, "own2", "leading_teacher@own")
    services.add_review(guide, overdue, reviewed_on=today - timedelta(30), summary="s")
    services.set_next_review(guide, overdue, today)
    overdue.__class__.objects.filter(pk=overdue.pk).update(next_review_on=today - timedelta(1))
    plan = _plan(world)
    services.add_target(world.user("pupil@own"), plan, "One")
    done = services.add_target(world.user("pupil@own"), plan, "Two")
    services.set_target_state(world.user("pupil@own"), done, Target.State.ACHIEVED)
    services.add_review(
        guide, plan, reviewed_on=today, summary="s", next_review_on=today + timedelta(9)
    )
    rows = queries.caseload_rows(guide)
    assert [r.pupil for r in rows] == [
        world.records["2@own"],  # never reviewed
        world.records["own2"],  # overdue
        world.records["own"],
    ]
    assert [r.not_reviewed for r in rows] == [True, False, False]
    assert [r.overdue for r in rows] == [False, True, False]
    assert (rows[2].working_targets, rows[2].achieved_targets) == (1, 1)
    assert rows[2].last_review_on == today
    assert all(r.entitlement is None for r in rows)
    assert queries.caseload_rows(world.user("teacher@own")) == []


def test_evidence_waits_until_a_set_aside_target_is_worked_on_again(world):
    pupil = world.user("pupil@own")
    target = services.add_target(pupil, _plan(world), "Later")
    services.set_target_state(pupil, target, Target.State.SET_ASIDE)
    with pytest.raises(ValidationError, match="work on it again first"):
        services.link_evidence(pupil, target, "item", world.items["own"].pk)
    services.set_target_state(pupil, target, Target.State.WORKING)
    services.link_evidence(pupil, target, "item", world.items["own"].pk)
