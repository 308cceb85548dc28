"""E-credits in the API: balances, statements, keyed allocations and their refusals."""

import pytest

from risingtide.credits import services
from risingtide.credits.models import Transaction
from risingtide.credits.tests.conftest import in_days

pytestmark = pytest.mark.django_db
ALLOCATIONS = Transaction.objects.filter(kind=Transaction.Kind.ALLOCATION)


def _as(client, world, key):
    client.force_login(world.user(key))
    return client


def _post(client, url, body, key="key-1"):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, body, content_type="application/json", headers=headers)


def test_balances_are_the_accounts_the_caller_may_see(funded, client):
    answer = _as(client, funded, "la_lead@own").get("/api/v1/credits/accounts").json()
    mine = {row["name"]: row for row in answer}
    assert mine[str(funded.las["own"])]["balance"] == 2_000
    assert mine[str(funded.las["own"])]["usable"] == 2_000
    assert str(funded.nation) not in mine and str(funded.las["other"]) not in mine
    assert _as(client, funded, "teacher@own").get("/api/v1/credits/accounts").status_code == 403


def test_statement_with_date_filters(funded, client):
    account = services.account_of(funded.nation)
    client = _as(client, funded, "national_officer@nation")
    whole = client.get(f"/api/v1/credits/accounts/{account.pk}/statement").json()
    assert [line["amount"] for line in whole["lines"]] == [5_000, -2_000]
    assert whole["closing"] == 3_000 and whole["money_in"] == 5_000
    assert whole["lines"][1]["other"] == str(funded.las["own"])
    later = client.get(
        f"/api/v1/credits/accounts/{account.pk}/statement", {"start": in_days(1).isoformat()}
    ).json()
    assert later["lines"] == [] and later["opening"] == 3_000
    backwards = client.get(
        f"/api/v1/credits/accounts/{account.pk}/statement",
        {"start": in_days(1).isoformat(), "end": in_days(0).isoformat()},
    )
    assert backwards.status_code == 400


def test_statement_of_an_account_out_of_reach_is_not_found(funded, client):
    account = services.account_of(funded.las["other"])
    response = _as(client, funded, "la_lead@own").get(
        f"/api/v1/credits/accounts/{account.pk}/statement"
    )
    assert response.status_code == 404


def test_allocation_with_the_same_key_twice_allocates_once(funded, client):
    url = f"/api/v1/credits/las/{funded.las['own'].pk}/allocations"
    body = {"to": funded.schools["own"].pk, "amount": 300, "expires_on": in_days(60).isoformat()}
    client = _as(client, funded, "la_lead@own")
    first = _post(client, url, body)
    again = _post(client, url, body)
    assert first.status_code == again.status_code == 201
    assert first.json()["transaction"] == again.json()["transaction"]
    assert ALLOCATIONS.count() == 2  # the fixture's one, and this one
    assert services.account_of(funded.schools["own"]).balance == 300
    other = _post(client, url, {**body, "amount": 301})
    assert other.status_code == 400  # the key was used for a different movement


def test_allocation_without_a_key_is_refused(funded, client):
    url = f"/api/v1/credits/las/{funded.las['own'].pk}/allocations"
    body = {"to": funded.schools["own"].pk, "amount": 300}
    response = _post(_as(client, funded, "la_lead@own"), url, body, key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert ALLOCATIONS.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": -5}, "amount"),
        ({"amount": 2.5}, "amount"),
        ({"amount": 10_000}, None),  # more than the LA has
        ({"amount": 5, "expires_on": "2001-01-01"}, "expires_on"),
        ({"amount": 5, "to": 999_999}, "to"),
    ],
)
def test_bad_allocations_are_refused_in_the_apis_shape(funded, client, body, field):
    url = f"/api/v1/credits/las/{funded.las['own'].pk}/allocations"
    body = {"to": funded.schools["own"].pk, **body}
    response = _post(_as(client, funded, "la_lead@own"), url, body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"]
    if field:
        assert field in answer["errors"]
    assert ALLOCATIONS.count() == 1


def test_only_the_giver_allocates(funded, client):
    url = f"/api/v1/credits/las/{funded.las['own'].pk}/allocations"
    body = {"to": funded.schools["own"].pk, "amount": 5}
    assert _post(_as(client, funded, "head@own"), url, body).status_code == 404
    assert _post(_as(client, funded, "national_officer@nation"), url, body).status_code == 403


def test_national_officer_allocates_to_an_la(funded, client):
    url = f"/api/v1/credits/nations/{funded.nation.pk}/allocations"
    body = {"to": funded.las["other"].pk, "amount": 700, "memo": "Top-up"}
    response = _post(_as(client, funded, "national_officer@nation"), url, body, key="n-1")
    assert response.status_code == 201
    assert services.account_of(funded.las["other"]).balance == 700
