"""KPI actuals from bookings, attendance and ratings: places delivered, the Ever-6 share of
pupil places and mean satisfaction, met or not in words, for a small known world and its edge
cases (no bookings, zero places, no ratings, sessions outside the period), in a fixed number of
queries for any number of contracts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from risingtide.provision import kpis, ratings
from risingtide.provision.contract_models import ContractKPI
from risingtide.provision.tests.contract_world import contract_for, deliver_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(market):
    """The market's session delivered: own2 (Ever-6) attended, 2@own did not."""
    return deliver_market(market)


M = ContractKPI.Measure
ALL_TARGETS = {
    M.PLACES: Decimal(2),
    M.DISADVANTAGED: Decimal(50),
    M.SATISFACTION: Decimal(4),
}


def states(figures):
    return {k.kpi.measure: (k.actual, k.state) for k in figures.kpis}


def test_a_contract_with_no_bookings_has_nothing_to_measure_but_places(market):
    contract = contract_for(market, targets=ALL_TARGETS)
    figures = kpis.contract_figures([contract])[contract.pk]
    assert states(figures) == {
        M.PLACES: (Decimal(0), kpis.NOT_MET_SO_FAR),
        M.DISADVANTAGED: (None, kpis.NO_DATA),
        M.SATISFACTION: (None, kpis.NO_DATA),
    }
    # In the order the form asks for them, and said in words.
    assert [k.kpi.measure for k in figures.kpis] == [M.PLACES, M.DISADVANTAGED, M.SATISFACTION]
    assert [k.words for k in figures.kpis][1] == "Nothing to measure yet"


def test_a_zero_target_is_met_by_zero_places(market):
    contract = contract_for(market, targets={M.PLACES: Decimal(0)})
    (result,) = kpis.contract_figures([contract])[contract.pk].kpis
    assert (result.actual, result.state, result.words) == (Decimal(0), kpis.MET, "Met")


def test_actuals_from_attendance_the_ever_6_group_and_ratings(delivered):
    w = delivered
    contract = contract_for(w, targets=ALL_TARGETS)
    # No ratings yet: satisfaction has nothing to measure.
    figures = kpis.contract_figures([contract])[contract.pk]
    assert states(figures)[M.SATISFACTION] == (None, kpis.NO_DATA)
    # A pupil who went loves it (5); the coordinator says 3: a mean of 4.0.
    ratings.rate(w.user("pupil@own2"), w.session, 5)
    ratings.rate(w.user("leading_teacher@own"), w.session, 3, "Good, but long.")
    figures = kpis.contract_figures([contract])[contract.pk]
    assert states(figures) == {
        M.PLACES: (Decimal(1), kpis.NOT_MET_SO_FAR),  # one of two booked attended
        M.DISADVANTAGED: (Decimal("50.0"), kpis.MET),  # own2 is Ever-6, 2@own is not
        M.SATISFACTION: (Decimal("4.0"), kpis.MET),
    }
    d = figures.delivery
    assert (d.sessions_delivered, d.places_booked, d.places_attended) == (1, 2, 1)
    assert (d.staff_mean, d.pupil_mean) == (Decimal("3.0"), Decimal("5.0"))
    assert figures.met == 2


def test_sessions_outside_the_period_or_services_not_covered_do_not_count(delivered):
    w = delivered
    today = timezone.localdate()
    ended = contract_for(
        w,
        "C-OLD",
        targets={M.PLACES: Decimal(1)},
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=35),
    )
    uncovered = contract_for(w, "C-NONE", services=[], targets={M.PLACES: Decimal(1)})
    figures = kpis.contract_figures([ended, uncovered])
    assert states(figures[ended.pk])[M.PLACES] == (Decimal(0), kpis.NOT_MET)  # ended: missed
    assert states(figures[uncovered.pk])[M.PLACES] == (Decimal(0), kpis.NOT_MET_SO_FAR)


def test_cancelled_places_and_staff_places_are_not_pupil_places(delivered):
    w = delivered
    w.booking.places.filter(pupil=w.records["2@own"]).update(active=False)
    contract = contract_for(w, targets={M.DISADVANTAGED: Decimal(60)})
    (result,) = kpis.contract_figures([contract])[contract.pk].kpis
    assert (result.actual, result.state) == (Decimal("100.0"), kpis.MET)


def test_the_query_count_does_not_grow_with_contracts(delivered):
    w = delivered
    ratings.rate(w.user("pupil@own2"), w.session, 3)
    few = [contract_for(w, "Q-1", targets=ALL_TARGETS)]
    many = few + [contract_for(w, f"Q-{n}", targets=ALL_TARGETS) for n in range(2, 8)]

    def count(found):
        with CaptureQueriesContext(connection) as queries:
            kpis.contract_figures(found)
        return len(queries)

    assert count(few) == count(many) == 4
