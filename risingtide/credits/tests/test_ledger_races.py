"""The ledger under concurrent requests, with real threads on a real database: 50 holds at once
by schools whose credits allow 7 make exactly 7, no balance goes below zero and the ledger still
adds up; one request sent ten times at once with one idempotency key moves credits once."""

import pytest

from risingtide.credits.tests import race
from risingtide.credits.tests.race import on_this_database


def check(found: dict) -> None:
    errors = [o for o in found["holds"] + found["repeats"] if o.startswith("error")]
    assert errors == []
    assert found["holds"].count("ok") == 7
    assert set(found["holds"]) == {"ok", "too_few_credits"}
    assert found["repeat_transactions"] == 1 and found["repeats"].count("ok") == 10
    assert found["negative"] == [] and found["problems"] == []
    # 3 + 2 + 1 + 1 holds took every credit; one was released and the retried request took it.
    assert found["school_balances"] == [0, 0, 0, 0, 0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_holds_on_this_database(tmp_path):
    check(on_this_database(tmp_path, race.race))
