"""Under any sequence of allocations, bookings (with or without room or credits), cancellations
early and late, deliveries, waiting-list offers, expiries and redemptions: every transaction
balances, no account but the outside world goes below zero, a session never holds more places
than its capacity and its counters are its places, and the credits inside the programme change
only by funding in and redemptions out. A refused step changes nothing."""

from datetime import timedelta
from itertools import count

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from risingtide.credits import queries
from risingtide.credits import services as credits
from risingtide.credits.models import Account, Posting
from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role
from risingtide.provision import bookings
from risingtide.provision.models import Booking, Place, Service, Session, WaitingEntry
from risingtide.register.models import Pupil, RegisterEntry, academic_year
from risingtide.schools.models import LocalAuthority, Nation, Provider, School

PRICE = 40
CAPACITY = 4
PUPILS_EACH = 5


class Marketplace(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each example runs in a transaction rolled back at its end: a fresh world each time.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        cache.clear()  # ids come round again after a rollback; so would cached memberships
        self.keys = count()
        self.now = timezone.now()
        self.nation = Nation.objects.create(name="Marketland")
        self.la = LocalAuthority.objects.create(nation=self.nation, code="881", name="Market LA")
        self.national = make_user("prop.national")
        member(self.national, Role.NATIONAL_OFFICER, nation=self.nation)
        self.lead = make_user("prop.lead")
        member(self.lead, Role.LA_LEAD, local_authority=self.la)
        self.provider = Provider.objects.create(nation=self.nation, name="Stretch Ltd")
        self.provider_staff = make_user("prop.provider")
        member(self.provider_staff, Role.PROVIDER_STAFF, provider=self.provider)
        self.schools, self.coordinators, self.pupils = [], [], []
        for n in range(2):
            school = School.objects.create(
                local_authority=self.la,
                name=f"School {n}",
                establishment_number=f"500{n}",
                urn=f"88100{n}",
            )
            coordinator = make_user(f"prop.coordinator.{n}")
            member(coordinator, Role.LEADING_TEACHER, school=school)
            pupils = []
            for k in range(PUPILS_EACH):
                pupil = Pupil.objects.create(
                    school=school,
                    upn=f"P{n}{k:011}",
                    legal_surname=f"Pupil{k}",
                    legal_forename=f"School{n}",
                    date_of_birth="2013-01-01",
                    gender="F",
                    nc_year="8",
                )
                RegisterEntry.objects.create(
                    pupil=pupil,
                    school=school,
                    academic_year=academic_year(),
                    status=RegisterEntry.Status.IDENTIFIED,
                )
                pupils.append(pupil.pk)
            self.schools.append(school)
            self.coordinators.append(coordinator)
            self.pupils.append(pupils)
        service = Service.objects.create(
            provider=self.provider,
            title="Cryptography masterclass",
            kind=Service.Kind.MASTERCLASS,
            audience=Service.Audience.PUPILS,
            format=Service.Format.ONLINE,
            price=PRICE,
            full_refund_days=14,
            late_refund_percent=50,
            status=Service.Status.PUBLISHED,
        )
        start = self.now + timedelta(days=30)
        self.session = Session.objects.create(
            service=service, starts_at=start, ends_at=start + timedelta(hours=2), capacity=CAPACITY
        )
        self.came_in = 0
        self.went_out = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _try(self, action):
        """Run a step; a refusal must leave every posting and every place as it was."""
        before = (Posting.objects.count(), Place.objects.count(), self._counters())
        try:
            return action()
        except ValidationError:
            assert (Posting.objects.count(), Place.objects.count(), self._counters()) == before
            return None

    def _counters(self):
        session = Session.objects.get(pk=self.session.pk)
        return session.places_taken, session.general_taken

    @initialize(funded=st.integers(min_value=100, max_value=1_000))
    def a_funded_la(self, funded):
        credits.fund(self.national, self.nation, funded)
        credits.allocate(self.national, self.nation, self.la, funded, None)
        self.came_in += funded

    @rule(
        school=st.integers(0, 1),
        amount=st.integers(min_value=1, max_value=400),
        days=st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
    )
    def allocate(self, school, amount, days):
        expires = timezone.localdate() + timedelta(days) if days else None
        self._try(
            lambda: credits.allocate(self.lead, self.la, self.schools[school], amount, expires)
        )

    @rule(school=st.integers(0, 1), who=st.sets(st.integers(0, PUPILS_EACH - 1), min_size=1))
    def book(self, school, who):
        pupil_ids = [self.pupils[school][k] for k in sorted(who)]
        key = f"k{next(self.keys)}"
        self._try(
            lambda: bookings.book(
                self.coordinators[school],
                Session.objects.get(pk=self.session.pk),
                self.schools[school],
                pupil_ids=pupil_ids,
                key=key,
                now=self.now,
            )
        )

    @rule(data=st.data())
    def book_twice_with_one_key(self, data):
        """The same request again (a double click, a retry) books once."""
        school = data.draw(st.integers(0, 1))
        pupil = data.draw(st.sampled_from(self.pupils[school]))
        key = f"k{next(self.keys)}"

        def twice():
            session = Session.objects.get(pk=self.session.pk)
            first = bookings.book(
                self.coordinators[school], session, self.schools[school], pupil_ids=[pupil], key=key
            )
            again = bookings.book(
                self.coordinators[school], session, self.schools[school], pupil_ids=[pupil], key=key
            )
            assert again.pk == first.pk

        self._try(twice)

    @rule(data=st.data(), late=st.booleans())
    def cancel(self, data, late):
        current = list(Booking.objects.filter(session=self.session, status="booked"))
        if current:
            booking = data.draw(st.sampled_from(current))
            school = self.schools.index(next(s for s in self.schools if s.pk == booking.school_id))
            when = self.session.starts_at - timedelta(days=2 if late else 20)
            bookings.cancel(self.coordinators[school], booking, now=when)

    @rule(school=st.integers(0, 1), places=st.integers(1, 2))
    def join_waiting_list(self, school, places):
        self._try(
            lambda: bookings.join_waiting_list(
                self.coordinators[school], self.session, self.schools[school], places
            )
        )

    @rule(data=st.data())
    def deliver(self, data):
        current = list(Booking.objects.filter(session=self.session, status="booked"))
        if current:
            booking = data.draw(st.sampled_from(current))
            attended = {p.pk for p in booking.places.all() if data.draw(st.booleans())}
            later = self.session.starts_at + timedelta(hours=1)
            bookings.deliver(self.provider_staff, booking, attended, now=later)

    @rule(percent=st.integers(min_value=1, max_value=120))
    def redeem(self, percent):
        amount = max(1, credits.account_of(self.provider).balance * percent // 100)
        if self._try(lambda: credits.redeem(self.provider, amount)):
            self.went_out += amount

    @rule(days=st.integers(min_value=0, max_value=90))
    def time_passes(self, days):
        credits.expire(timezone.localdate() + timedelta(days))

    @invariant()
    def the_ledger_adds_up(self):
        assert queries.problems() == []

    @invariant()
    def only_funding_and_redemption_change_what_is_inside(self):
        inside = Account.objects.exclude(kind=Account.Kind.OUTSIDE)
        assert (inside.aggregate(n=Sum("balance"))["n"] or 0) == self.came_in - self.went_out
        assert not inside.filter(balance__lt=0)

    @invariant()
    def a_session_never_holds_more_than_its_capacity(self):
        taken, _ = self._counters()
        active = Place.objects.filter(session=self.session, active=True).count()
        offered = (
            WaitingEntry.objects.filter(session=self.session, status="offered").aggregate(
                n=Sum("places")
            )["n"]
            or 0
        )
        assert taken == active + offered
        assert 0 <= taken <= CAPACITY

    @invariant()
    def every_live_booking_is_paid_for(self):
        for booking in Booking.objects.filter(session=self.session, status="booked"):
            assert credits.held_left(booking.hold) == booking.price_each * booking.places.count()


@pytest.mark.django_db
def test_the_marketplace_holds_under_any_sequence():
    run_state_machine_as_test(
        Marketplace,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
