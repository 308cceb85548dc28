"""Redemption: a provider asks (credits held at once, never more than it has, "all" for its
balance, one request per key), the contract manager approves (credits leave the programme) or
declines with a reason (they come back), once; the remittance in credits and pounds; the pages
through the test client with their refusals and query budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from risingtide.credits import ledger, queries, redemptions, services
from risingtide.credits.models import Account, Redemption, Transaction
from risingtide.provision.models import ProviderProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def earned(world):
    """Own provider has earned 500 credits (paid in from outside, as a settlement would)."""
    ledger.transfer(
        Transaction.Kind.FUNDING,
        services.outside(),
        services.account_of(world.providers["own"]),
        500,
    )
    world.staff = world.user("provider_staff@own")
    world.officer = world.user("national_officer@nation")
    return world


def balance(owner):
    return Account.objects.get(pk=services.account_of(owner).pk).balance


def test_a_request_holds_the_credits_and_approval_sends_them_out(earned):
    w, provider = earned, earned.providers["own"]
    r = redemptions.request(w.staff, provider, 200, key="k1", note="Spring term")
    assert r.status == Redemption.Status.REQUESTED and r.amount == 200
    assert balance(provider) == 300
    assert redemptions.redeeming_account(provider).balance == 200
    outside_before = services.outside().balance
    done = redemptions.decide(w.officer, r, "approve")
    assert done.status == Redemption.Status.APPROVED and done.decided_by == w.officer
    assert done.outcome.kind == Transaction.Kind.REDEMPTION and done.outcome.against == r.hold
    assert Account.objects.get(pk=redemptions.redeeming_account(provider).pk).balance == 0
    assert services.outside().balance == outside_before + 200
    assert queries.problems() == []


def test_a_decline_needs_a_reason_and_gives_the_credits_back(earned):
    w, provider = earned, earned.providers["own"]
    r = redemptions.request(w.staff, provider, "all", key="k1")
    assert r.amount == 500 and balance(provider) == 0
    with pytest.raises(ValidationError) as refused:
        redemptions.decide(w.officer, r, "decline", "  ")
    assert "Say why" in str(refused.value)
    done = redemptions.decide(w.officer, r, "decline", "Invoice missing")
    assert done.status == Redemption.Status.DECLINED and done.reason == "Invoice missing"
    assert balance(provider) == 500
    assert done.outcome.kind == Transaction.Kind.REDEEM_BACK
    with pytest.raises(ValidationError, match="decided by someone else"):
        redemptions.decide(w.officer, r, "approve")
    assert queries.problems() == []


def test_requests_cannot_ask_for_more_than_the_provider_has(earned):
    w, provider = earned, earned.providers["own"]
    redemptions.request(w.staff, provider, 400, key="k1")
    with pytest.raises(ValidationError) as refused:
        redemptions.request(w.staff, provider, 200, key="k2")
    assert refused.value.code == "too_few_credits"
    assert Redemption.objects.count() == 1 and balance(provider) == 100
    redemptions.request(w.staff, provider, "all", key="k3")
    with pytest.raises(ValidationError, match="no credits to redeem"):
        redemptions.request(w.staff, provider, "ALL", key="k4")


@pytest.mark.parametrize("amount", [0, -5, "1.5", "ten", ""])
def test_an_amount_that_is_not_whole_credits_is_refused(earned, amount):
    with pytest.raises(ValidationError):
        redemptions.request(earned.staff, earned.providers["own"], amount, key="k1")
    assert Redemption.objects.count() == 0 and balance(earned.providers["own"]) == 500


def test_the_same_key_makes_one_request(earned):
    w, provider = earned, earned.providers["own"]
    first = redemptions.request(w.staff, provider, 100, key="same")
    again = redemptions.request(w.staff, provider, 100, key="same")
    assert first.pk == again.pk and balance(provider) == 400
    with pytest.raises(ValidationError, match="expired"):
        redemptions.request(w.staff, provider, 100, key="")


def test_only_the_providers_staff_ask_and_only_the_contract_manager_decides(earned):
    w = earned
    with pytest.raises(PermissionDenied):
        redemptions.request(w.user("provider_staff@other"), w.providers["own"], 10, key="x")
    with pytest.raises(PermissionDenied):
        redemptions.request(w.officer, w.providers["own"], 10, key="x")
    r = redemptions.request(w.staff, w.providers["own"], 10, key="x")
    for key in ("provider_staff@own", "la_lead@own", "head@own"):
        with pytest.raises(PermissionDenied):
            redemptions.decide(w.user(key), r, "approve")
    with pytest.raises(ValidationError, match="approve or decline"):
        redemptions.decide(w.officer, r, "maybe")


@override_settings(CREDIT_VALUE_GBP=Decimal("2.50"))
def test_the_remittance_lists_approved_redemptions_in_the_period_in_pounds(earned):
    w, provider = earned, earned.providers["own"]
    ProviderProfile.objects.create(
        provider=provider, contact_name="Ada Finance", contact_email="pay@own.example"
    )
    approved = redemptions.decide(
        w.officer, redemptions.request(w.staff, provider, 120, key="a"), "approve"
    )
    redemptions.decide(
        w.officer, redemptions.request(w.staff, provider, 30, key="b"), "decline", "No"
    )
    redemptions.request(w.staff, provider, 40, key="c")  # still waiting
    today = timezone.localdate()
    rows = redemptions.remittance(w.nation, today, today)
    assert len(rows) == 1
    row = rows[0]
    assert (row.provider, row.credits, row.pounds, row.transaction) == (
        "own provider",
        120,
        Decimal("300.00"),
        approved.outcome_id,
    )
    assert row.contact == "Ada Finance, pay@own.example"
    assert redemptions.remittance(w.nation, today + timedelta(days=1), None) == []


# --- pages ---------------------------------------------------------------------------------


def test_provider_asks_on_its_page_and_sees_its_history(earned, client):
    w, provider = earned, earned.providers["own"]
    client.force_login(w.staff)
    url = reverse("credits:provider_redemptions", args=[provider.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Available to redeem" in page.content.decode()
    key = page.context["form"]["key"].value()
    done = client.post(url, {"amount": "150", "note": "Term 1", "key": key}, follow=True)
    text = done.content.decode()
    assert "You asked to redeem 150 credits" in text and "Waiting for a decision" in text
    again = client.post(url, {"amount": "150", "key": key})  # a double submit
    assert again.status_code == 302 and Redemption.objects.count() == 1
    too_much = client.post(url, {"amount": "9999", "key": "11111111-1111-1111-1111-111111111111"})
    assert too_much.status_code == 400
    assert "has 350 credits; this needs 9,999" in too_much.content.decode()
    bad = client.post(url, {"amount": "-3", "key": "21111111-1111-1111-1111-111111111111"})
    assert "above zero" in bad.content.decode() and Redemption.objects.count() == 1
    other = client.get(reverse("credits:provider_redemptions", args=[w.providers["other"].pk]))
    assert other.status_code in (403, 404)


def test_contract_manager_approves_declines_and_downloads_the_remittance(
    earned, client, django_assert_max_num_queries
):
    w, provider = earned, earned.providers["own"]
    first = redemptions.request(w.staff, provider, 100, key="a")
    second = redemptions.request(w.staff, provider, 50, key="b")
    client.force_login(w.officer)
    queue = reverse("credits:redemption_queue", args=[w.nation.pk])
    with django_assert_max_num_queries(12):
        page = client.get(queue)
    assert "own provider: 100 credits" in page.content.decode()
    decide = reverse("credits:redemption_decide", args=[first.pk])
    done = client.post(decide, {"decision": "approve", "reason": ""}, follow=True)
    assert "request for 100 was approved" in done.content.decode()
    no_reason = client.post(
        reverse("credits:redemption_decide", args=[second.pk]), {"decision": "decline"}, follow=True
    )
    assert "Say why the redemption is declined." in no_reason.content.decode()
    client.post(
        reverse("credits:redemption_decide", args=[second.pk]),
        {"decision": "decline", "reason": "Duplicate"},
    )
    csv = client.get(reverse("credits:remittance", args=[w.nation.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Approved on,Provider,Provider reference")
    assert len(lines) == 2 and ",own provider," in lines[1] and ",100,100.00," in lines[1]
    bad = client.get(reverse("credits:remittance", args=[w.nation.pk]), {"start": "2026-13-01"})
    assert bad.status_code == 400


def test_the_queue_makes_the_same_number_of_queries_for_more_requests(earned, client):
    w, provider = earned, earned.providers["own"]
    client.force_login(w.officer)
    queue = reverse("credits:redemption_queue", args=[w.nation.pk])
    redemptions.request(w.staff, provider, 1, key="one")
    client.get(queue)
    with CaptureQueriesContext(connection) as few:
        client.get(queue)
    for n in range(8):
        r = redemptions.request(w.staff, provider, 2, key=f"more{n}")
        if n % 2:
            redemptions.decide(w.officer, r, "approve")
    with CaptureQueriesContext(connection) as many:
        client.get(queue)
    assert len(many) == len(few)


def test_accounts_link_to_redemption_and_the_marketplace_reports(earned, client):
    w = earned
    client.force_login(w.staff)
    provider_account = services.account_of(w.providers["own"])
    page = client.get(reverse("credits:account", args=[provider_account.pk])).content.decode()
    assert reverse("credits:provider_redemptions", args=[w.providers["own"].pk]) in page
    client.force_login(w.officer)
    nation = client.get(
        reverse("credits:account", args=[services.account_of(w.nation).pk])
    ).content.decode()
    assert reverse("credits:redemption_queue", args=[w.nation.pk]) in nation
    assert reverse("provision:report_nation", args=[w.nation.pk]) in nation
    client.force_login(w.user("head@own"))
    school = client.get(
        reverse("credits:account", args=[services.account_of(w.schools["own"]).pk])
    ).content.decode()
    assert reverse("provision:report_school", args=[w.schools["own"].pk]) in school


def test_the_providers_page_makes_the_same_number_of_queries_for_more_requests(earned, client):
    w, provider = earned, earned.providers["own"]
    client.force_login(w.staff)
    url = reverse("credits:provider_redemptions", args=[provider.pk])
    redemptions.request(w.staff, provider, 1, key="one")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        r = redemptions.request(w.staff, provider, 3, key=f"more{n}")
        if n % 2:
            redemptions.decide(w.officer, r, "decline", "Not yet")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
