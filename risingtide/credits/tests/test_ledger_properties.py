"""Under any sequence of fundings, allocations, holds, releases, payments, redemptions (direct,
or asked for, held, then approved or declined), expiries and reversals: every transaction
balances, no account but the outside world goes below zero, a provider's credits held for
redemption are exactly what waits for a decision, every stored balance is its postings, and the
credits inside the programme change only by what came in and what was redeemed. A refused step
changes nothing."""

from datetime import timedelta

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

from risingtide.credits import queries, redemptions, services
from risingtide.credits.models import Account, Posting, Redemption, Transaction
from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role
from risingtide.schools.models import LocalAuthority, Nation, Provider, School

large = st.integers(min_value=500, max_value=20_000)
# Other amounts are a share of what the giving side holds (up to 120%, so that about one in six
# asks for too much): random sums would almost never reach a school, let alone a booking.
share = st.integers(min_value=1, max_value=120)


def part(total: int, percent: int) -> int:
    return max(1, total * percent // 100)


expiry_days = st.one_of(st.none(), st.integers(min_value=1, max_value=90))


class Ledger(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each example runs in a transaction rolled back at its end: a fresh ledger each time.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        cache.clear()  # ids come round again after a rollback; so would cached memberships
        self.today = timezone.localdate()
        self.nation = Nation.objects.create(name="Propland")
        self.las = [
            LocalAuthority.objects.create(nation=self.nation, code=f"9{n}", name=f"LA {n}")
            for n in range(2)
        ]
        self.schools = [
            School.objects.create(
                local_authority=la,
                name=f"School {la.code}{n}",
                establishment_number=f"{n}{la.code}",
                urn=f"7{la.code}{n}",
            )
            for la, n in ((self.las[0], 0), (self.las[0], 1), (self.las[1], 0))
        ]
        self.provider = Provider.objects.create(nation=self.nation, name="Provider")
        self.national = make_user("prop.national")
        member(self.national, Role.NATIONAL_OFFICER, nation=self.nation)
        self.provider_staff = make_user("prop.provider")
        member(self.provider_staff, Role.PROVIDER_STAFF, provider=self.provider)
        self.requests: list[Redemption] = []  # asked for, decided or not
        self.asked = 0
        self.leads = []
        for la in self.las:
            lead = make_user(f"prop.lead.{la.code}")
            member(lead, Role.LA_LEAD, local_authority=la)
            self.leads.append(lead)
        self.holds: list[Transaction] = []
        self.gifts: list[Transaction] = []  # fundings and allocations, which may be reversed
        self.came_in = 0
        self.went_out = 0

    @initialize(amount=large, percents=st.lists(share, min_size=5, max_size=5))
    def a_funded_programme(self, amount, percents):
        """Every example starts with credits at every level, so that its steps reach bookings
        (the rules below fund and allocate more, and try to over-allocate)."""
        self.fund(amount)
        for la in range(2):
            self.allocate_to_la(la, min(percents[la], 50), None)
        for school in range(3):
            self.allocate_to_school(school, min(percents[2 + school], 60), None)

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _try(self, action):
        """Run a step; a refusal must leave every posting as it was."""
        before = Posting.objects.count()
        try:
            return action()
        except ValidationError:
            assert Posting.objects.count() == before
            return None

    @rule(amount=large)
    def fund(self, amount):
        tx = self._try(lambda: services.fund(self.national, self.nation, amount))
        if tx:
            self.came_in += amount
            self.gifts.append(tx)

    @rule(la=st.integers(0, 1), percent=share, days=expiry_days)
    def allocate_to_la(self, la, percent, days):
        amount = part(services.account_of(self.nation).balance, percent)
        expires = self.today + timedelta(days) if days else None
        tx = self._try(
            lambda: services.allocate(self.national, self.nation, self.las[la], amount, expires)
        )
        if tx:
            self.gifts.append(tx)

    @rule(school=st.integers(0, 2), percent=share, days=expiry_days)
    def allocate_to_school(self, school, percent, days):
        target = self.schools[school]
        la = self.las.index(next(la for la in self.las if la.pk == target.local_authority_id))
        amount = part(services.account_of(self.las[la]).balance, percent)
        expires = self.today + timedelta(days) if days else None
        tx = self._try(
            lambda: services.allocate(self.leads[la], self.las[la], target, amount, expires)
        )
        if tx:
            self.gifts.append(tx)

    @rule(school=st.integers(0, 2), percent=share)
    def hold(self, school, percent):
        amount = part(services.account_of(self.schools[school]).balance // 2, percent)
        tx = self._try(lambda: services.hold(self.schools[school], amount))
        if tx:
            self.holds.append(tx)

    @rule(data=st.data(), percent=share)
    def release(self, data, percent):
        if self.holds:
            held = data.draw(st.sampled_from(self.holds))
            amount = part(services.held_left(held), percent)
            self._try(lambda: services.release(held, amount))

    @rule(data=st.data(), percent=share)
    def settle(self, data, percent):
        if self.holds:
            held = data.draw(st.sampled_from(self.holds))
            amount = part(services.held_left(held), percent)
            self._try(lambda: services.settle(held, self.provider, amount))

    @rule(percent=share)
    def redeem(self, percent):
        amount = part(services.account_of(self.provider).balance, percent)
        if self._try(lambda: services.redeem(self.provider, amount)):
            self.went_out += amount

    @rule(percent=st.integers(min_value=0, max_value=120))
    def ask_to_redeem(self, percent):
        """A provider's request holds its credits (asking for more than it has is refused)."""
        amount = max(part(services.account_of(self.provider).balance, percent), 1)
        self.asked += 1
        done = self._try(
            lambda: redemptions.request(
                self.provider_staff, self.provider, amount, key=f"ask-{self.asked}"
            )
        )
        if done:
            self.requests.append(done)

    @rule(data=st.data(), approve=st.booleans())
    def decide_a_redemption(self, data, approve):
        if self.requests:
            asked = data.draw(st.sampled_from(self.requests))
            decision, reason = ("approve", "") if approve else ("decline", "Not this term")
            done = self._try(lambda: redemptions.decide(self.national, asked, decision, reason))
            if done and approve:
                self.went_out += asked.amount

    @rule(days=st.integers(min_value=0, max_value=120))
    def time_passes(self, days):
        services.expire(self.today + timedelta(days))

    @rule(data=st.data())
    def reverse(self, data):
        if self.gifts:
            tx = data.draw(st.sampled_from(self.gifts))
            lead = self.national
            if tx.kind == Transaction.Kind.ALLOCATION:
                source = tx.postings.get(amount__lt=0).account
                if source.kind == Account.Kind.LA:
                    lead = self.leads[[la.pk for la in self.las].index(source.local_authority_id)]
            done = self._try(lambda: services.reverse(lead, tx, "A mistake"))
            if done and tx.kind == Transaction.Kind.FUNDING:
                self.came_in -= tx.postings.get(amount__gt=0).amount

    @invariant()
    def the_ledger_adds_up(self):
        assert queries.problems() == []

    @invariant()
    def no_booking_pays_out_more_than_was_held_for_it(self):
        assert all(services.held_left(held) >= 0 for held in self.holds)

    @invariant()
    def a_request_holds_exactly_what_waits_for_a_decision(self):
        waiting = Redemption.objects.filter(
            provider=self.provider, status=Redemption.Status.REQUESTED
        ).aggregate(n=Sum("amount"))["n"]
        assert redemptions.redeeming_account(self.provider).balance == (waiting or 0)

    @invariant()
    def only_funding_and_redemption_change_what_is_inside(self):
        inside = (
            Account.objects.exclude(kind=Account.Kind.OUTSIDE).aggregate(n=Sum("balance"))["n"] or 0
        )
        assert inside == self.came_in - self.went_out
        assert not Account.objects.exclude(kind=Account.Kind.OUTSIDE).filter(balance__lt=0)


@pytest.mark.django_db
def test_the_ledger_holds_under_any_sequence():
    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
