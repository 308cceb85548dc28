"""Fifty sign-ups at one instant for ten places: exactly ten booked and forty waiting; then
the ten cancel at once and exactly ten from the waiting list take their places. Capacity is
never exceeded. Real threads, real database (SQLite file or PostgreSQL)."""

import pytest

from risingtide.credits.tests.race import on_this_database
from risingtide.training.tests import race


def check(found: dict) -> None:
    assert [o for o in found["signed"] if o != "ok"] == []
    assert found["after_sign_up"] == {"booked": 10, "waiting": 40, "counter": 10}
    assert [o for o in found["cancelled"] if o != "ok"] == []
    assert found["booked_after_cancel"] == 10 == found["counter_after_cancel"]
    assert found["waiting_after_cancel"] == 30


@pytest.mark.django_db(transaction=True)
def test_fifty_sign_ups_at_once_never_exceed_capacity(tmp_path):
    check(on_this_database(tmp_path, race.race))
