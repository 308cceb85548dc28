"""Redemption requests under concurrency, with real threads on a real database: 50 requests of
100 at once by a provider that earned 700 make exactly 7, and never hold more than it had; one
request sent ten times at once with one key makes one."""

import pytest

from risingtide.credits.tests import redemption_race
from risingtide.credits.tests.race import on_this_database


def check(found: dict) -> None:
    errors = [o for o in found["asked"] + found["repeats"] if o.startswith("error")]
    assert errors == []
    assert found["asked"].count("ok") == 7
    assert set(found["asked"]) == {"ok", "too_few_credits"}
    assert found["repeats"].count("ok") == 10
    # Seven, one of them declined (its 100 came back), and the retried request once.
    assert found["requests"] == 8 and found["held"] == 700 and found["balance"] == 0
    assert found["negative"] == [] and found["problems"] == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemption_requests_on_this_database(tmp_path):
    check(on_this_database(tmp_path, redemption_race.race))
