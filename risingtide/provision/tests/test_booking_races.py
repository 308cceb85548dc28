"""Fifty simultaneous bookings for ten places by schools whose credits pay for seven: exactly
seven bookings, no balance below zero, the ledger adds up. Real threads, real database."""

import pytest

from risingtide.credits.tests.race import on_this_database
from risingtide.provision.tests import race


def check(found: dict) -> None:
    assert [o for o in found["outcomes"] if o.startswith("error")] == []
    assert found["outcomes"].count("ok") == 7 == found["bookings"] == found["places_taken"]
    assert found["problems"] == []  # includes: no account below zero


@pytest.mark.django_db(transaction=True)
def test_fifty_bookings_at_once(tmp_path):
    check(on_this_database(tmp_path, race.race))
