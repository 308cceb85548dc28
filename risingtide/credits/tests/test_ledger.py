"""The e-credit ledger: funding down the tree, holds and their release or payment, expiry back
up, reversals, and every refusal leaving the ledger as it was."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from risingtide.credits import queries, services
from risingtide.credits.ledger import transfer, whole_credits
from risingtide.credits.models import Account, Lot, Posting, Transaction

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def balance(owner) -> int:
    return Account.objects.get(pk=services.account_of(owner).pk).balance


def ledger_is_true():
    assert queries.problems() == []


@pytest.fixture
def funded(world):
    """100,000 into the nation; 10,000 to own LA (expiring in 60 days); 3,000 from it to own
    school (expiring in 30 days)."""
    national, la_lead = world.user("national_officer@nation"), world.user("la_lead@own")
    services.fund(national, world.nation, 100_000, "Year 1 budget")
    services.allocate(national, world.nation, world.las["own"], 10_000, TODAY + timedelta(60))
    services.allocate(la_lead, world.las["own"], world.schools["own"], 3_000, TODAY + timedelta(30))
    return world


def test_credits_flow_down_the_tree_in_balanced_transactions(funded):
    w = funded
    assert balance(w.nation) == 90_000 and balance(w.las["own"]) == 7_000
    assert balance(w.schools["own"]) == 3_000
    assert services.outside().balance == -100_000  # what came in from outside
    for tx in Transaction.objects.all():
        assert sum(p.amount for p in tx.postings.all()) == 0
    ledger_is_true()


def test_a_hold_is_released_into_its_lots_or_paid_to_the_provider(funded):
    w = funded
    school, provider = w.schools["own"], w.providers["own"]
    held = services.hold(school, 500, memo="Two places")
    assert balance(school) == 2_500 and services.held_account(school).balance == 500
    services.release(held, 200, memo="One place cancelled")
    services.settle(held, provider, 300, memo="Delivered")
    assert balance(school) == 2_700 and balance(provider) == 300
    assert services.held_left(held) == 0
    with pytest.raises(ValidationError, match="More would leave this booking"):
        services.release(held, 1)
    services.redeem(provider, 300, memo="Invoice 7")
    assert balance(provider) == 0 and services.outside().balance == -99_700
    ledger_is_true()


def test_a_school_cannot_spend_more_than_it_has_and_nothing_changes(funded):
    w = funded
    before = list(Posting.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="has 3,000 credits; this needs 3,001"):
        services.hold(w.schools["own"], 3_001)
    assert list(Posting.objects.values_list("pk", flat=True)) == before
    assert balance(w.schools["own"]) == 3_000
    ledger_is_true()


@pytest.mark.parametrize("bad", [0, -5, 2.5, "2.5", "ten", True, None, "1e3", 10**13])
def test_credits_are_whole_numbers_above_zero(bad):
    with pytest.raises(ValidationError):
        whole_credits(bad)


def test_whole_numbers_given_as_text_are_read():
    assert whole_credits("250") == 250 and whole_credits(" 7 ") == 7


def test_who_may_fund_and_allocate(funded):
    w = funded
    with pytest.raises(PermissionDenied):
        services.fund(w.user("la_lead@own"), w.nation, 5)
    with pytest.raises(PermissionDenied):  # another LA's credits
        services.allocate(w.user("la_lead@other"), w.las["own"], w.schools["own"], 5, None)
    with pytest.raises(PermissionDenied):  # the nation allocates to LAs, not to schools
        services.allocate(
            w.user("national_officer@nation"), w.las["own"], w.schools["own"], 5, None
        )
    with pytest.raises(PermissionDenied):
        services.allocate(w.user("leading_teacher@own"), w.las["own"], w.schools["own"], 5, None)
    with pytest.raises(ValidationError, match="directly below"):  # a school of another LA
        services.allocate(w.user("la_lead@own"), w.las["own"], w.schools["other"], 5, None)
    with pytest.raises(ValidationError, match="has 7,000"):
        services.allocate(w.user("la_lead@own"), w.las["own"], w.schools["peer"], 7_001, None)
    ledger_is_true()


def test_a_lower_expiry_cannot_outlive_the_credits_it_came_from(funded):
    w = funded
    with pytest.raises(ValidationError, match="expire on"):
        services.allocate(
            w.user("la_lead@own"), w.las["own"], w.schools["peer"], 10, TODAY + timedelta(90)
        )
    with pytest.raises(ValidationError, match="after today"):
        services.allocate(w.user("la_lead@own"), w.las["own"], w.schools["peer"], 10, TODAY)
    assert balance(w.schools["peer"]) == 0
    ledger_is_true()


def test_expired_credits_go_back_up_the_tree(funded):
    w = funded
    school, la = w.schools["own"], w.las["own"]
    held = services.hold(school, 1_000)  # held credits are the booking's: they do not expire
    school_account = services.account_of(school)
    assert queries.usable(school_account) == 2_000
    # Day 31: the school's lot has expired, and cannot be spent even before the task runs.
    day_31 = TODAY + timedelta(31)
    assert queries.usable(school_account, day_31) == 0
    with pytest.raises(ValidationError, match="expired"):
        transfer(
            Transaction.Kind.HOLD, school_account, services.held_account(school), 1, today=day_31
        )
    (back,) = services.expire(day_31)
    assert back.kind == "expiry" and balance(school) == 0 and balance(la) == 9_000
    # What came back to the LA expires when the LA's own credits do (day 60), then goes on up.
    returned = Lot.objects.get(posting__transaction=back)
    assert returned.expires_on == TODAY + timedelta(60)
    assert services.expire(day_31) == []  # nothing more to do that day
    services.expire(TODAY + timedelta(61))
    assert balance(la) == 0 and balance(w.nation) == 99_000
    # A refund after expiry goes into the lot it came from, and goes back up at the next run.
    services.release(held, 400)
    assert balance(school) == 400
    services.expire(TODAY + timedelta(62))
    assert balance(school) == 0 and balance(la) == 0 and balance(w.nation) == 99_400
    ledger_is_true()


def test_a_mistaken_allocation_is_reversed_while_unspent(funded):
    w = funded
    la_lead = w.user("la_lead@own")
    wrong = services.allocate(la_lead, w.las["own"], w.schools["peer"], 700, None)
    with pytest.raises(ValidationError, match="Say why"):
        services.reverse(la_lead, wrong, " ")
    with pytest.raises(PermissionDenied):
        services.reverse(w.user("la_lead@other"), wrong, "Typo")
    services.reverse(la_lead, wrong, "Meant for another school")
    assert balance(w.schools["peer"]) == 0 and balance(w.las["own"]) == 7_000
    with pytest.raises(ValidationError):
        services.reverse(la_lead, wrong, "Again")  # reversed once only
    # Once some is spent, it cannot be reversed: allocate back instead.
    spent = services.allocate(la_lead, w.las["own"], w.schools["peer"], 700, None)
    services.hold(w.schools["peer"], 1)
    with pytest.raises(ValidationError, match="1 of these credits have been used"):
        services.reverse(la_lead, spent, "Too late")
    ledger_is_true()


def test_the_same_key_moves_credits_once(funded):
    w = funded
    national = w.user("national_officer@nation")
    first = services.allocate(national, w.nation, w.las["other"], 250, None, key="form-1")
    again = services.allocate(national, w.nation, w.las["other"], 250, None, key="form-1")
    assert again.pk == first.pk and balance(w.las["other"]) == 250
    with pytest.raises(ValidationError, match="already used for a different"):
        services.allocate(national, w.nation, w.las["other"], 999, None, key="form-1")
    # Keys are each person's own: someone else's "form-1" is another request.
    other = services.allocate(
        w.user("la_lead@own"), w.las["own"], w.schools["peer"], 5, None, key="form-1"
    )
    assert other.pk != first.pk
    ledger_is_true()


def test_statement_shows_each_movement_with_a_running_balance(funded):
    w = funded
    school = w.schools["own"]
    held = services.hold(school, 500)
    services.release(held, 100)
    report = queries.statement(services.account_of(school))
    assert [line.amount for line in report.lines] == [3_000, -500, 100]
    assert [line.balance for line in report.lines] == [3_000, 2_500, 2_600]
    assert report.lines[0].other == services.account_of(w.las["own"])
    assert (report.money_in, report.money_out, report.closing) == (3_100, 500, 2_600)


def test_check_ledger_finds_a_tampered_balance(funded, capsys):
    call_command("check_ledger")
    assert "adds up" in capsys.readouterr().out
    Account.objects.filter(pk=services.account_of(funded.schools["own"]).pk).update(balance=5)
    found = queries.problems()
    assert any("shows 5 but its postings add up to 3000" in p for p in found)
    with pytest.raises(Exception, match="does not add up"):
        call_command("check_ledger")


def test_the_database_refuses_a_negative_balance(funded):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=services.account_of(funded.schools["own"]).pk).update(balance=-1)
