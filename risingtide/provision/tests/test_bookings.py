"""Booking places: eligibility said in words, credits and capacity taken together or not at
all, the same form twice booking once, refunds under the rule, the waiting list, delivery."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.credits import queries as ledger
from risingtide.credits import services as credits
from risingtide.provision import bookings
from risingtide.provision.models import Booking, Session, WaitingEntry
from risingtide.provision.tests.conftest import identify

pytestmark = pytest.mark.django_db


def balance(owner) -> int:
    return credits.account_of(owner).balance


def places_taken(session) -> int:
    return Session.objects.get(pk=session.pk).places_taken


def test_a_coordinator_books_eligible_pupils_and_is_told_why_another_is_not(market):
    w = market
    lead, school = w.user("leading_teacher@own"), w.schools["own"]
    eligible = [w.records["own2"].pk, w.records["2@own"].pk]
    with pytest.raises(ValidationError) as refused:
        bookings.book(lead, w.session, school, pupil_ids=[*eligible, w.records["own"].pk], key="k1")
    assert "Ada Own is not on the G&T register this year." in refused.value.messages
    assert places_taken(w.session) == 0 and balance(school) == 1_000  # nothing half-done
    booking = bookings.book(lead, w.session, school, pupil_ids=eligible, key="k1")
    assert booking.places.count() == 2 and booking.price_each == 100
    assert balance(school) == 800 and credits.held_account(school).balance == 200
    assert places_taken(w.session) == 2
    # The same form sent again (a double click) books once.
    assert bookings.book(lead, w.session, school, pupil_ids=eligible, key="k1").pk == booking.pk
    assert Booking.objects.count() == 1 and balance(school) == 800
    assert ledger.problems() == []


def test_bad_bookings_are_refused_and_change_nothing(market):
    w = market
    lead, school = w.user("leading_teacher@own"), w.schools["own"]
    own2 = w.records["own2"].pk
    cases = [
        ({"pupil_ids": [w.records["other"].pk]}, "Only pupils of this school's register"),
        ({"pupil_ids": []}, "Choose at least one"),
        ({"staff_ids": [w.user("teacher@own").pk]}, "for pupils: choose pupils"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            bookings.book(lead, w.session, school, key="bad", **kwargs)
    w.service.year_from, w.service.year_to = 10, 11
    w.service.save()
    with pytest.raises(ValidationError, match="is in Year 7; this is for Year 10 to 11"):
        bookings.book(lead, w.session, school, pupil_ids=[own2], key="bad")
    w.service.year_from, w.service.year_to, w.service.price = 7, 9, 600
    w.service.save()
    with pytest.raises(ValidationError, match="has 1,000 credits; this needs 1,200"):
        bookings.book(lead, w.session, school, pupil_ids=[own2, w.records["2@own"].pk], key="b")
    Session.objects.filter(pk=w.session.pk).update(closed=True)
    w.session.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        bookings.book(lead, w.session, school, pupil_ids=[own2], key="c")
    assert Booking.objects.count() == 0 and places_taken(w.session) == 0
    assert balance(school) == 1_000 and ledger.problems() == []


def test_only_the_schools_coordinators_book(market):
    w = market
    for who in ("teacher@own", "leading_teacher@other", "la_lead@own", "provider_staff@own"):
        with pytest.raises(PermissionDenied):
            bookings.book(
                w.user(who), w.session, w.schools["own"], pupil_ids=[w.records["own2"].pk], key="x"
            )


def test_a_stale_page_cannot_overbook(market):
    w = market
    lead, school = w.user("leading_teacher@own"), w.schools["own"]
    Session.objects.filter(pk=w.session.pk).update(places_taken=2, general_taken=2)
    pupils = [w.records["own2"].pk, w.records["2@own"].pk]
    with pytest.raises(ValidationError, match="Only 1 place left"):
        bookings.book(lead, w.session, school, pupil_ids=pupils, key="late")
    assert balance(school) == 1_000


def test_cancelling_refunds_under_the_rule_and_offers_the_place_to_the_waiting_school(market):
    w = market
    lead, school = w.user("leading_teacher@own"), w.schools["own"]
    booking = bookings.book(
        lead, w.session, school, pupil_ids=[w.records["own2"].pk, w.records["2@own"].pk], key="a"
    )
    Session.objects.filter(pk=w.session.pk).update(places_taken=3, general_taken=3)  # now full
    identify(w.records["own"])
    with pytest.raises(ValidationError, match="full: join the waiting list"):
        bookings.book(
            w.user("head@own"), w.session, school, pupil_ids=[w.records["own"].pk], key="z"
        )
    peer = w.schools["peer"]
    waiting = bookings.join_waiting_list(w.user("leading_teacher@peer"), w.session, peer, 2)
    # Cancelled 20 days before: more than 14, so all 200 come back.
    bookings.cancel(lead, booking, now=w.session.starts_at - timedelta(days=20))
    assert balance(school) == 1_000 and balance(w.providers["own"]) == 0
    waiting.refresh_from_db()
    assert waiting.status == WaitingEntry.Status.OFFERED and waiting.offer_expires_at
    assert places_taken(w.session) == 3  # the two freed places are held for the offer
    with pytest.raises(ValidationError, match="not yet cancelled"):
        bookings.cancel(lead, booking)
    assert ledger.problems() == []


def test_a_late_cancellation_keeps_the_stated_share_for_the_provider(market):
    w = market
    lead, school = w.user("leading_teacher@own"), w.schools["own"]
    booking = bookings.book(lead, w.session, school, pupil_ids=[w.records["own2"].pk], key="a")
    # The provider changes its rule afterwards: the booking keeps the rule it was made under.
    w.service.late_refund_percent = 0
    w.service.save()
    bookings.cancel(lead, booking, now=w.session.starts_at - timedelta(days=3))
    assert balance(school) == 950 and balance(w.providers["own"]) == 50
    assert ledger.problems() == []


def test_delivery_pays_the_provider_and_records_attendance(market):
    w = market
    lead, school = w.user("leading_teacher@own"), w.schools["own"]
    booking = bookings.book(
        lead, w.session, school, pupil_ids=[w.records["own2"].pk, w.records["2@own"].pk], key="a"
    )
    staff = w.user("provider_staff@own")
    with pytest.raises(ValidationError, match="once the session has begun"):
        bookings.deliver(staff, booking, set())
    with pytest.raises(PermissionDenied):
        bookings.deliver(w.user("provider_staff@other"), booking, set(), now=w.session.starts_at)
    first = booking.places.first()
    bookings.deliver(staff, booking, {first.pk}, now=w.session.starts_at + timedelta(hours=1))
    assert balance(w.providers["own"]) == 200 and credits.held_left(booking.hold) == 0
    assert [p.attended for p in booking.places.order_by("pk")] == [True, False]
    assert ledger.problems() == []


def test_places_kept_for_pupils_eligible_for_free_school_meals(market):
    from datetime import date

    from risingtide.register.models import FsmPeriod

    w = market
    lead, school = w.user("leading_teacher@own"), w.schools["own"]
    w.service.fsm_priority_places = 2
    w.service.save()
    other_pupils = [w.records["own2"].pk, w.records["2@own"].pk]
    with pytest.raises(ValidationError, match="2 places are kept for pupils eligible for free"):
        bookings.book(lead, w.session, school, pupil_ids=other_pupils, key="a")
    FsmPeriod.objects.create(pupil=w.records["own2"], start=date(2020, 1, 1))
    booking = bookings.book(lead, w.session, school, pupil_ids=other_pupils, key="b")
    assert sorted(p.fsm_priority for p in booking.places.all()) == [False, True]
    identify(w.records["own"])


def test_a_pupil_has_one_place_at_a_session_until_it_is_cancelled(market):
    w = market
    lead, school = w.user("leading_teacher@own"), w.schools["own"]
    first = bookings.book(lead, w.session, school, pupil_ids=[w.records["own2"].pk], key="a")
    with pytest.raises(ValidationError, match="Pupil Eight already has a place"):
        bookings.book(lead, w.session, school, pupil_ids=[w.records["own2"].pk], key="b")
    bookings.cancel(lead, first)
    again = bookings.book(lead, w.session, school, pupil_ids=[w.records["own2"].pk], key="c")
    assert again.pk != first.pk
