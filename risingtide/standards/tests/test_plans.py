"""The improvement plan: made from a judgement's next steps, actions updated with their history
kept, RAG status, exports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from risingtide.standards import exports, plans, services
from risingtide.standards.models import (
    ImprovementPlan,
    Judgement,
    Milestone,
    PlanAction,
    PlanChange,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 3)


def test_a_plan_has_one_action_per_next_step_linked_to_its_element(world):
    plan = world.plans["other"]
    assert plan.evaluation == world.evaluations["other"]
    actions = list(plan.actions.select_related("element"))
    assert len(actions) == 14
    assert {a.what for a in actions} == {"Share practice."}
    assert [a.element.number for a in actions] == list(range(1, 15))
    assert plan.changes.get().summary.endswith("with 14 actions")


def test_elements_without_next_steps_make_no_action_and_the_lowest_come_first(world):
    lead = world.user("leading_teacher@other")
    evaluation = world.evaluations["other"]
    Judgement.objects.filter(evaluation=evaluation).exclude(element__number__in=[3, 8]).update(
        next_steps=""
    )
    Judgement.objects.filter(evaluation=evaluation, element__number=8).update(level=1)
    world.plans["other"].delete()
    plan = plans.create_from(lead, evaluation)
    assert [a.element.number for a in plan.actions.all()] == [8, 3]


def test_a_draft_makes_no_plan_and_only_the_school_makes_one(world):
    with pytest.raises(ValidationError):
        plans.create_from(world.user("leading_teacher@own"), world.evaluations["own"])
    with pytest.raises(PermissionDenied):
        plans.create_from(world.user("teacher@other"), world.evaluations["other"])
    with pytest.raises(PermissionDenied):
        plans.create_from(world.user("la_lead@other"), world.evaluations["other"])


def test_updating_an_action_keeps_each_change_in_the_history(world):
    lead = world.user("leading_teacher@other")
    plan = world.plans["other"]
    action = plan.actions.first()
    plans.update_action(
        lead,
        plan,
        action.pk,
        plans.ActionInput(
            what="Share practice in departments",
            who="Ms Khan",
            due_on=dt.date(2027, 3, 1),
            cost="£1,250.50",
            credits=4,
            status="in_progress",
            element_id=action.element_id,
        ),
    )
    action.refresh_from_db()
    assert (action.who, action.cost, action.credits) == ("Ms Khan", Decimal("1250.50"), 4)
    change = plan.changes.first()
    assert change.actor == lead
    assert change.changes["who"] == ["", "Ms Khan"]
    assert change.changes["what"] == ["Share practice.", "Share practice in departments"]
    assert change.changes["by when"] == ["", "2027-03-01"]
    assert "element" not in change.changes  # unchanged fields are not logged
    with pytest.raises(ValueError):
        change.delete()  # the history is kept


def test_saving_without_a_change_writes_no_history(world):
    lead = world.user("leading_teacher@other")
    plan = world.plans["other"]
    action = plan.actions.first()
    before = PlanChange.objects.count()
    plans.update_action(
        lead,
        plan,
        action.pk,
        plans.ActionInput(what=action.what, element_id=action.element_id),
    )
    assert PlanChange.objects.count() == before


@pytest.mark.parametrize(
    "data,field",
    [
        ({"what": "  "}, "what"),
        ({"what": "x", "cost": "lots"}, "cost"),
        ({"what": "x", "cost": "-5"}, "cost"),
        ({"what": "x", "cost": "1.234"}, "cost"),
        ({"what": "x", "credits": -1}, "credits"),
        ({"what": "x", "status": "finished"}, "status"),
        ({"what": "x", "element_id": 999999}, "element_id"),
        ({"what": "x" * 2001}, "what"),
    ],
)
def test_a_bad_action_is_refused_on_its_field(world, data, field):
    plan = world.plans["other"]
    with pytest.raises(ValidationError) as refused:
        plans.add_action(world.user("leading_teacher@other"), plan, plans.ActionInput(**data))
    assert field in refused.value.message_dict
    assert plan.actions.count() == 14


def test_done_actions_carry_the_day_they_were_done(world):
    lead = world.user("leading_teacher@other")
    plan = world.plans["other"]
    action = plans.add_action(lead, plan, plans.ActionInput(what="Audit", status="done"))
    assert action.done_on == timezone.localdate()
    again = plans.update_action(
        lead, plan, action.pk, plans.ActionInput(what="Audit", status="in_progress")
    )
    assert again.done_on is None


def _action(status="not_started", due=None):
    return PlanAction(what="x", status=status, due_on=due)


@pytest.mark.parametrize(
    "status,due,rag",
    [
        ("not_started", TODAY - dt.timedelta(days=1), "red"),
        ("in_progress", TODAY - dt.timedelta(days=1), "red"),
        ("done", TODAY - dt.timedelta(days=30), "green"),
        ("dropped", TODAY - dt.timedelta(days=30), "green"),
        ("not_started", TODAY + dt.timedelta(days=14), "amber"),
        ("not_started", TODAY + dt.timedelta(days=15), "green"),
        ("in_progress", TODAY + dt.timedelta(days=3), "green"),
        ("not_started", None, "green"),
        ("not_started", TODAY, "amber"),
    ],
)
def test_action_rag(status, due, rag):
    assert plans.action_rag(_action(status, due), TODAY) == rag


def test_plan_rag():
    on_track = [_action("in_progress", TODAY + dt.timedelta(days=40))]
    assert plans.plan_rag(on_track, [], TODAY) == "green"
    assert plans.plan_rag([], [], TODAY) == "amber"  # a plan with no actions yet
    late_milestone = Milestone(title="Review", due_on=TODAY - dt.timedelta(days=1))
    assert plans.plan_rag(on_track, [late_milestone], TODAY) == "red"
    assert plans.plan_rag([*on_track, _action("not_started", TODAY)], [], TODAY) == "amber"


def test_milestones_are_added_and_reached_with_history(world):
    lead = world.user("leading_teacher@other")
    plan = world.plans["other"]
    m = plans.add_milestone(lead, plan, "Governors review", dt.date(2027, 2, 1))
    plans.mark_milestone(lead, plan, m.pk, True)
    m.refresh_from_db()
    assert m.done_on == timezone.localdate()
    assert plan.changes.first().summary == "Milestone reached: Governors review"
    with pytest.raises(ValidationError):
        plans.add_milestone(lead, plan, "", dt.date(2027, 2, 1))


def test_only_the_schools_leading_teacher_or_head_edits_the_plan(world):
    plan = world.plans["other"]
    for who in ("teacher@other", "la_lead@other", "leading_teacher@own"):
        with pytest.raises(PermissionDenied):
            plans.add_action(world.user(who), plan, plans.ActionInput(what="x"))


def test_the_plan_csv_has_every_action_and_milestone(world):
    lead = world.user("leading_teacher@other")
    plan = world.plans["other"]
    plans.add_action(lead, plan, plans.ActionInput(what="=HYPERLINK(1)", cost="10"))
    plans.add_milestone(lead, plan, "Review", dt.date(2027, 2, 1))
    rows = list(exports.plan_rows(plan))
    assert rows[0] == exports.PLAN_HEADER
    assert len(rows) == 1 + 15 + 1
    assert rows[15][2] == "=HYPERLINK(1)"  # csv_response makes it inert: see the view test
    assert rows[15][6] == "10.00"
    assert rows[-1][:3] == ["Milestone", "", "Review"]


def test_the_current_plan_is_the_newest_still_running(world):
    school = world.schools["other"]
    assert plans.current_plan(school) == world.plans["other"]
    world.plans["other"].__class__.objects.filter(pk=world.plans["other"].pk).update(
        ends_on=timezone.localdate() - dt.timedelta(days=1),
        starts_on=timezone.localdate() - dt.timedelta(days=30),
    )
    assert plans.current_plan(school) is None


@pytest.mark.parametrize("cost", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_a_cost_that_is_not_a_number_is_refused(world, cost):
    with pytest.raises(ValidationError) as refused:
        plans.add_action(
            world.user("leading_teacher@other"),
            world.plans["other"],
            plans.ActionInput(what="x", cost=cost),
        )
    assert "cost" in refused.value.message_dict


def test_too_many_credits_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        plans.add_action(
            world.user("leading_teacher@other"),
            world.plans["other"],
            plans.ActionInput(what="x", credits=10**23),
        )
    assert "credits" in refused.value.message_dict


def test_making_a_plan_twice_returns_the_same_plan(world):
    lead = world.user("leading_teacher@other")
    again = plans.create_from(lead, world.evaluations["other"])
    assert again == world.plans["other"]
    assert world.evaluations["other"].plans.count() == 1


def test_a_superseded_judgement_makes_no_plan(world):
    lead = world.user("leading_teacher@other")
    services.submit(lead, services.start(lead, world.schools["other"]))
    old = world.evaluations["other"]
    old.refresh_from_db()
    with pytest.raises(ValidationError):
        plans.create_from(lead, old)


@pytest.mark.parametrize(
    "today,title,end",
    [
        (dt.date(2026, 10, 1), "G&T improvement plan 2026–2027", dt.date(2027, 8, 31)),
        (dt.date(2027, 2, 1), "G&T improvement plan 2026–2027", dt.date(2027, 8, 31)),
        (dt.date(2027, 7, 1), "G&T improvement plan 2027–2028", dt.date(2028, 8, 31)),
    ],
)
def test_a_plan_runs_to_the_end_of_the_school_year(world, monkeypatch, today, title, end):
    monkeypatch.setattr(timezone, "localdate", lambda: today)
    lead = world.user("leading_teacher@other")
    world.plans["other"].delete()
    plan = plans.create_from(lead, world.evaluations["other"])
    assert (plan.title, plan.ends_on) == (title, end)


def test_a_plan_not_started_yet_is_not_the_current_one(world):
    today = timezone.localdate()
    ImprovementPlan.objects.create(
        school=world.schools["other"],
        title="Next year",
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=400),
    )
    assert plans.current_plan(world.schools["other"]) == world.plans["other"]
