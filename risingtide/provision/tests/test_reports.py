"""Spend and uptake reports: credits spent less refunds by LA, school, provider and kind in a
period; places by pupil group against the register (exact for the school's own staff, under
disclosure control for everyone else); unspent and expiring credits; periods; the pages and
their CSV, scoped by role, in a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from risingtide.credits import services as credits
from risingtide.insights import rollup
from risingtide.provision import bookings, periods, reports
from risingtide.provision.models import Service, Session
from risingtide.provision.reports import Scope
from risingtide.register.models import academic_year

pytestmark = pytest.mark.django_db


def near() -> periods.Period:
    today = timezone.localdate()
    return periods.custom(today, today + timedelta(days=60))


def booked(w, pupils=("own2", "2@own"), key="k1", session=None):
    lead = w.user("leading_teacher@own")
    ids = [w.records[p].pk for p in pupils]
    return bookings.book(lead, session or w.session, w.schools["own"], pupil_ids=ids, key=key)


def figures(w):
    rollup.school_data_changed([s.pk for s in w.schools.values()])
    rollup.rebuild_masks([academic_year()])


def test_spend_counts_places_at_their_price_less_refunds(market):
    w = market
    first = booked(w)
    other = Service.objects.create(
        provider=w.providers["other"],
        title="Poetry online",
        kind=Service.Kind.ONLINE_COURSE,
        audience=Service.Audience.PUPILS,
        format=Service.Format.ONLINE,
        price=30,
        status=Service.Status.PUBLISHED,
    )
    start = timezone.now() + timedelta(days=10)
    session = Session.objects.create(
        service=other, starts_at=start, ends_at=start + timedelta(hours=1), capacity=5
    )
    second = booked(w, pupils=("own2",), key="k2", session=session)
    scope = Scope("la", w.las["own"].pk, "Own LA")
    by_provider = reports.spend(scope, near(), "provider")
    assert [(r.label, r.bookings, r.places, r.spent) for r in by_provider.rows] == [
        ("own provider", 1, 2, 200),
        ("other provider", 1, 1, 30),
    ]
    assert by_provider.total.spent == 230 and by_provider.total.schools == 1
    # Cancelled 10 days before (the rule refunds in full only 14 days before, and none
    # after): the place is no longer taken, and the 30 credits stay spent.
    bookings.cancel(w.user("leading_teacher@own"), second)
    by_kind = reports.spend(scope, near(), "kind")
    assert {r.label: (r.places, r.spent) for r in by_kind.rows} == {
        "Masterclass": (2, 200),
        "Online course": (0, 30),
    }
    # Cancelled in time: everything back, nothing spent.
    bookings.cancel(w.user("leading_teacher@own"), first)
    assert reports.spend(scope, near(), "provider").rows[0].spent == 30
    assert [r.label for r in reports.spend(scope, near(), "la").rows] == ["Own LA"]
    assert [r.label for r in reports.spend(scope, near(), "school").rows] == [str(w.schools["own"])]
    # Another LA, and a period before the sessions, see none of it.
    assert reports.spend(Scope("la", w.las["other"].pk, "Other"), near()).rows == []
    past = periods.custom(date(2020, 1, 1), date(2020, 2, 1))
    assert reports.spend(scope, past).total.spent == 0


def test_places_by_group_are_exact_for_the_school_and_suppressed_outside(market):
    w = market
    booked(w)
    figures(w)
    own = reports.equity(Scope("school", w.schools["own"].pk, "Own", exact=True), near())
    assert own.year == academic_year() and own.exact
    fsm = next(t for t in own.tables if t.dimension.key == "fsm")
    assert fsm.places.value == 2
    assert sum(r.places.value for r in fsm.rows) == 2
    assert {t.dimension.key for t in own.tables} == set(reports.GROUP_DIMENSIONS)
    outside = reports.equity(Scope("la", w.las["own"].pk, "Own LA"), near())
    for table in outside.tables:
        # Two places and a tiny register: every small figure shows as "c".
        assert all(r.places.suppressed for r in table.rows)
        assert table.places.suppressed
        assert all(r.ratio.suppressed for r in table.rows)


@override_settings(SUPPRESSION_THRESHOLD=1)
def test_places_and_register_shares_and_ratio(market):
    w = market
    booked(w)
    figures(w)
    found = reports.equity(Scope("school", w.schools["own"].pk, "Own", exact=True), near())
    table = next(t for t in found.tables if t.dimension.key == "gender")
    assert sum(r.places.value for r in table.rows) == 2
    for row in table.rows:
        if row.places.value and row.register.value:
            assert row.ratio.value == pytest.approx(
                (row.places.value / 2) / (row.register.value / table.register.value), abs=0.01
            )


def test_unspent_and_expiring_credits_by_account(market):
    w = market
    soon = timezone.localdate() + timedelta(days=20)
    credits.allocate(w.user("la_lead@own"), w.las["own"], w.schools["peer"], 300, soon)
    found = reports.unspent(Scope("la", w.las["own"].pk, "Own LA"), days=30)
    by_name = {r.name: r for r in found.rows}
    assert by_name[str(w.schools["peer"])].expiring == 300
    assert by_name[str(w.schools["peer"])].first_expiry == soon
    assert by_name[str(w.schools["own"])].unspent == 1_000
    assert by_name["Own LA"].unspent == 3_000 - 1_000 - 300
    assert found.rows[0].name == str(w.schools["peer"])  # soonest to expire first
    assert found.expiring == 300 and found.total == 3_000
    assert reports.unspent(Scope("la", w.las["own"].pk, "x"), days=10).expiring == 0
    school = reports.unspent(Scope("school", w.schools["own"].pk, "Own"))
    assert [r.unspent for r in school.rows] == [1_000]


def test_periods():
    assert periods.parse("term:2026:autumn").start == date(2026, 9, 1)
    assert periods.parse("term:2026:spring").end == date(2027, 3, 31)
    assert periods.parse("fy:2026").start == date(2026, 4, 1)
    assert periods.parse("fy:2026").end == date(2027, 3, 31)
    assert periods.current(date(2027, 5, 2)).code == "term:2026:summer"
    with pytest.raises(ValueError):
        periods.parse("term:2026:winter")
    with pytest.raises(ValueError):
        periods.parse("nonsense")


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "name", "place", "allowed"),
    [
        ("national_officer@nation", "provision:report_nation", "nation", True),
        ("la_lead@own", "provision:report_nation", "nation", False),
        ("la_lead@own", "provision:report_la", "own", True),
        ("la_lead@own", "provision:report_la", "other", False),
        ("head@own", "provision:report_school", "own", True),
        ("head@own", "provision:report_school", "peer", False),
        ("teacher@own", "provision:report_school", "own", False),
        ("provider_staff@own", "provision:report_school", "own", False),
    ],
)
def test_report_pages_are_scoped(market, client, who, name, place, allowed):
    w = market
    target = {"nation": w.nation, "own": w.las.get("own"), "other": w.las.get("other")}
    if name == "provision:report_school":
        target = w.schools
    client.force_login(w.user(who))
    response = client.get(reverse(name, args=[target[place].pk]))
    assert (response.status_code == 200) is allowed


def test_report_page_chart_table_and_csv(market, client):
    w = market
    booked(w)
    figures(w)
    client.force_login(w.user("la_lead@own"))
    url = reverse("provision:report_la", args=[w.las["own"].pk])
    page = client.get(url, {"period": "custom", "start": near().start, "end": near().end})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-chart="hbar"' in text and "Credits spent by school" in text
    assert "Places by pupil group" in text and ">c<" in text
    csv = client.get(
        reverse("provision:report_la_csv", args=[w.las["own"].pk]),
        {"period": "custom", "start": near().start, "end": near().end, "by": "provider"},
    )
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert "own provider,1,2,0,1,200" in lines
    bad = client.get(url, {"period": "custom", "start": "2027-01-05", "end": "2027-01-01"})
    assert bad.status_code == 400 and "on or after the first" in bad.content.decode()


def test_the_school_sees_its_own_places_by_group_exactly(market, client):
    w = market
    booked(w)
    figures(w)
    client.force_login(w.user("head@own"))
    url = reverse("provision:report_school", args=[w.schools["own"].pk])
    page = client.get(url, {"period": "custom", "start": near().start, "end": near().end})
    assert "your school’s own figures, exact" in page.content.decode()
    assert page.context["report"].equity.exact


def test_the_nation_report_makes_the_same_queries_at_any_size(market, client):
    w = market
    client.force_login(w.user("national_officer@nation"))
    url = reverse("provision:report_nation", args=[w.nation.pk])
    query = {"period": "custom", "start": near().start, "end": near().end, "by": "school"}
    booked(w, pupils=("own2",), key="a")
    figures(w)
    client.get(url, query)
    with CaptureQueriesContext(connection) as few:
        client.get(url, query)
    booked(w, pupils=("2@own",), key="b")
    start = timezone.now() + timedelta(days=5)
    for n in range(4):
        session = Session.objects.create(
            service=w.service, starts_at=start, ends_at=start + timedelta(hours=1), capacity=9
        )
        booked(w, pupils=("own2", "2@own"), key=f"more{n}", session=session)
    credits.allocate(w.user("la_lead@own"), w.las["own"], w.schools["peer"], 5, None)
    figures(w)
    with CaptureQueriesContext(connection) as many:
        client.get(url, query)
    assert len(many) == len(few)


def test_the_nation_report_shows_each_contracts_kpis_against_targets_and_no_one_else_does(
    market, client
):
    from decimal import Decimal

    from risingtide.provision.contract_models import ContractKPI
    from risingtide.provision.tests.contract_world import contract_for

    w = market
    M = ContractKPI.Measure
    contract_for(w, "KPI-1", targets={M.PLACES: Decimal(2), M.DISADVANTAGED: Decimal(30)})
    contract_for(w, "DRAFT-1", targets={M.PLACES: Decimal(1)}, signed=False)
    query = {"period": "custom", "start": near().start, "end": near().end}
    client.force_login(w.user("national_officer@nation"))
    page = client.get(reverse("provision:report_nation", args=[w.nation.pk]), query)
    lines = page.context["report"].kpis
    assert [(line.contract.reference, line.result.kpi.measure) for line in lines] == [
        ("KPI-1", M.PLACES),
        ("KPI-1", M.DISADVANTAGED),
    ]  # a draft contract is not reported
    text = page.content.decode()
    assert "KPIs against their targets" in text and "2.0 places" in text
    assert "Not met so far" in text and "Nothing to measure yet" in text
    csv = client.get(reverse("provision:report_nation_csv", args=[w.nation.pk]), query)
    assert "KPI-1,own provider,Places delivered,2.0 places,0 places,Not met so far" in (
        csv.content.decode("utf-8-sig").splitlines()
    )
    client.force_login(w.user("la_lead@own"))
    la = client.get(reverse("provision:report_la", args=[w.las["own"].pk]), query)
    assert la.context["report"].kpis == [] and "KPI-1" not in la.content.decode()
