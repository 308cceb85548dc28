"""A booking linked to an action of the school's improvement plan shows on the plan as credits
spent against the action's budget: held less what a cancellation gave back."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from risingtide.provision import bookings, plan_hooks
from risingtide.standards.models import ImprovementPlan, PlanAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(market):
    w = market
    plan = ImprovementPlan.objects.create(
        school=w.schools["own"],
        title="G&T plan",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 8, 31),
    )
    w.actions = [
        PlanAction.objects.create(
            plan=plan, what="Masterclasses for Year 8", credits=300, position=1
        ),
        PlanAction.objects.create(plan=plan, what="Staff CPD", credits=100, position=2),
    ]
    return plan


def test_spent_is_what_linked_bookings_held_less_refunds(market, plan):
    w = market
    lead = w.user("leading_teacher@own")
    masterclasses = w.actions[0]
    kept = bookings.book(
        lead,
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk],
        key="a",
        plan_action=masterclasses,
    )
    late = bookings.book(
        lead,
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["2@own"].pk],
        key="b",
        plan_action=masterclasses,
    )
    # Cancelled inside the refund window: half of the 100 comes back (the market's rule).
    bookings.cancel(lead, late, now=w.session.starts_at - timedelta(days=2))
    assert kept.price_each == 100
    assert plan_hooks.credits_spent([a.pk for a in w.actions]) == {masterclasses.pk: 150}
    assert plan_hooks.credits_spent([]) == {}


def test_the_plan_page_shows_budgeted_against_spent(market, plan, client):
    w = market
    bookings.book(
        w.user("leading_teacher@own"),
        w.session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk],
        key="a",
        plan_action=w.actions[0],
    )
    client.force_login(w.user("head@own"))
    page = client.get(reverse("standards:plan", args=[plan.pk]))
    assert page.status_code == 200
    row = next(r for r in page.context["rows"] if r["action"] == w.actions[0])
    assert (row["action"].credits, row["spent"]) == (300, 100)
    assert page.context["spent"] == 100
    assert "E-credits spent on bookings" in page.content.decode()
