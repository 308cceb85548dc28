"""An account's page and the API read the same statement (``credits.queries.statement``) and the
same balances (``queries.seen_accounts``): for the same period, the same lines in the same order."""

import pytest
from django.urls import reverse

from risingtide.credits import services
from risingtide.credits.tests.conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period", [{}, {"start": in_days(0).isoformat()}, {"end": "2001-01-01"}])
def test_statement_page_and_api_agree(funded, client, period):
    lead = funded.user("la_lead@own")
    services.allocate(lead, funded.las["own"], funded.schools["own"], 120, None, "One")
    services.allocate(lead, funded.las["own"], funded.schools["peer"], 80, None, "Two")
    account = services.account_of(funded.las["own"])
    client.force_login(lead)
    page = client.get(reverse("credits:account", args=[account.pk]), period).context["statement"]
    api = client.get(f"/api/v1/credits/accounts/{account.pk}/statement", period).json()
    assert [(line["transaction"], line["amount"], line["balance"]) for line in api["lines"]] == [
        (line.transaction.pk, line.amount, line.balance) for line in page.lines
    ]
    assert (api["opening"], api["closing"]) == (page.opening, page.closing)


@pytest.mark.parametrize("who", ["la_lead@own", "head@own", "national_officer@nation"])
def test_balances_page_and_api_agree(funded, client, who):
    lead = funded.user("la_lead@own")
    services.allocate(lead, funded.las["own"], funded.schools["own"], 50, None, "For a school")
    client.force_login(funded.user(who))
    page = client.get(reverse("credits:accounts")).context["accounts"]
    api = client.get("/api/v1/credits/accounts").json()
    assert [(row["id"], row["balance"], row["usable"]) for row in api] == [
        (a.pk, a.balance, a.usable) for a in page
    ]
    assert page
