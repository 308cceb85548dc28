"""Credits' page and API tests: a funded programme, and register counts for the formula."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from risingtide.credits import services
from risingtide.register.models import FsmPeriod, RegisterEntry, academic_year


def identify(record):
    RegisterEntry.objects.filter(pupil=record, current=True).update(current=False)
    return RegisterEntry.objects.create(
        pupil=record,
        school=record.school,
        academic_year=academic_year(),
        status=RegisterEntry.Status.IDENTIFIED,
        current=True,
    )


def in_days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def funded(world):
    """The nation holds 5,000 credits; own LA 2,000 of them (expiring in 300 days). Own school's
    pupil@own2 and pupil2@own are identified, pupil2@own disadvantaged (FSM since 2020)."""
    national = world.user("national_officer@nation")
    services.fund(national, world.nation, 5_000, "Programme budget")
    services.allocate(national, world.nation, world.las["own"], 2_000, in_days(300))
    for key in ("own2", "2@own"):
        identify(world.records[key])
    FsmPeriod.objects.create(pupil=world.records["2@own"], start=date(2020, 9, 1))
    return world
