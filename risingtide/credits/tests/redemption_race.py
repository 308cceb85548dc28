"""Many redemption requests at one instant, for the race tests (as ``race``): threads of this
process on PostgreSQL, a child process on a database file for SQLite
(``python -m risingtide.credits.tests.redemption_race``). Prints or returns plain JSON."""

import json
import sys

from risingtide.credits.tests.race import _at_once

EARNED, EACH = 700, 100  # credits that allow exactly 7 requests of 100


def race(requests: int = 50) -> dict:
    """``requests`` requests of 100 at once by the staff of a provider that earned 700, then
    ten copies of one request with one key, and a request for "all" against one for 100."""
    from risingtide.credits import ledger, queries, redemptions, services
    from risingtide.credits.models import Account, Redemption, Transaction
    from risingtide.people.models import Membership, Role, User
    from risingtide.schools.models import Nation, Provider

    nation = Nation.objects.create(name="Raceland")
    provider = Provider.objects.create(nation=nation, name="Race provider")
    staff = User.objects.create(username="race.staff")
    Membership.objects.create(user=staff, role=Role.PROVIDER_STAFF, provider=provider)
    ledger.transfer(
        Transaction.Kind.FUNDING, services.outside(), services.account_of(provider), EARNED
    )
    asked = _at_once(
        [
            (lambda n=n: redemptions.request(staff, provider, EACH, key=f"k{n}"))
            for n in range(requests)
        ]
    )
    # Give one back, then the same request ten times at once (a double click, a retry).
    first = Redemption.objects.order_by("pk").first()
    officer = User.objects.create(username="race.officer")
    Membership.objects.create(user=officer, role=Role.NATIONAL_OFFICER, nation=nation)
    redemptions.decide(officer, first, "decline", "Asked twice")
    repeats = _at_once(
        [(lambda: redemptions.request(staff, provider, EACH, key="retry")) for _ in range(10)]
    )
    return {
        "asked": asked,
        "repeats": repeats,
        "requests": Redemption.objects.count(),
        "held": sum(Redemption.objects.filter(status="requested").values_list("amount", flat=True)),
        "balance": Account.objects.get(pk=services.account_of(provider).pk).balance,
        "negative": list(
            Account.objects.exclude(kind="outside")
            .filter(balance__lt=0)
            .values_list("pk", flat=True)
        ),
        "problems": queries.problems(),
    }


if __name__ == "__main__":
    import django

    django.setup()
    found = race(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
    print(json.dumps(found))  # noqa: T201 - the parent test reads it
