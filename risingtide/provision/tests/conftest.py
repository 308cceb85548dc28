from datetime import timedelta

import pytest
from django.utils import timezone

from risingtide.credits import services as credits
from risingtide.provision.models import Service, Session
from risingtide.register.models import RegisterEntry, academic_year


def identify(record):
    RegisterEntry.objects.filter(pupil=record, current=True).update(current=False)
    return RegisterEntry.objects.create(
        pupil=record,
        school=record.school,
        academic_year=academic_year(),
        status=RegisterEntry.Status.IDENTIFIED,
        current=True,
    )


@pytest.fixture
def market(world):
    """Own school holds 1,000 credits; own provider's masterclass (Years 7–9, register only,
    100 a place) has a session in 30 days with 3 places. pupil@own2 and pupil2@own are on the
    register; pupil@own is only nominated."""
    national, la_lead = world.user("national_officer@nation"), world.user("la_lead@own")
    credits.fund(national, world.nation, 5_000)
    credits.allocate(national, world.nation, world.las["own"], 3_000, None)
    credits.allocate(la_lead, world.las["own"], world.schools["own"], 1_000, None)
    for key in ("own2", "2@own"):
        identify(world.records[key])
    service = Service.objects.create(
        provider=world.providers["own"],
        title="Number theory masterclass",
        kind=Service.Kind.MASTERCLASS,
        audience=Service.Audience.PUPILS,
        year_from=7,
        year_to=9,
        format=Service.Format.IN_PERSON,
        price=100,
        full_refund_days=14,
        late_refund_percent=50,
        status=Service.Status.PUBLISHED,
    )
    start = timezone.now() + timedelta(days=30)
    world.service = service
    world.session = Session.objects.create(
        service=service, starts_at=start, ends_at=start + timedelta(hours=3), capacity=3
    )
    return world
