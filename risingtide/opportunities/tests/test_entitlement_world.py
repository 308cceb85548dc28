"""Helpers for the entitlement tests (no tests here): pupils put on the register, the
school's opportunities and participations, and marketplace places, made directly so that each
test reads as the situation it checks."""

from datetime import date, datetime
from itertools import count

from django.utils import timezone

from risingtide.opportunities.models import Opportunity, OpportunityComponent, Participation
from risingtide.register.models import Pupil, RegisterEntry

YEAR = 2026
AUTUMN = "term:2026:autumn"
SPRING = "term:2026:spring"
_upn = count(1)


def identify(record: Pupil, year: int = YEAR, status: str = RegisterEntry.Status.IDENTIFIED):
    """Put a pupil record on the register (a new current entry, the old one kept)."""
    RegisterEntry.objects.filter(pupil=record, academic_year=year, current=True).update(
        current=False
    )
    return RegisterEntry.objects.create(
        pupil=record, school_id=record.school_id, academic_year=year, status=status, current=True
    )


def pupil(school, surname="Pupil", forename="Test", *, on_register=True, **characteristics):
    """A new pupil record at ``school`` (on the register unless told otherwise)."""
    n = next(_upn)
    values = {"gender": "F", "nc_year": "7", "ethnic_group": "White", **characteristics}
    record = Pupil.objects.create(
        school=school,
        upn=f"E{n:012d}",
        legal_surname=surname,
        legal_forename=forename,
        date_of_birth=date(2014, 1, 1),
        **values,
    )
    if on_register:
        identify(record)
    return record


def opportunity(school, title="Chess club", *, components=("curriculum",), term="autumn", **kw):
    values = {
        "kind": "club",
        "wave": 2,
        "domain": "gifted",
        "year_from": 5,
        "year_to": 9,
        "academic_year": YEAR,
        "term": term,
        **kw,
    }
    found = Opportunity.objects.create(school=school, title=title, **values)
    for component in components:
        OpportunityComponent.objects.create(opportunity=found, component=component)
    return found


def take(record, opp, state="place", consent="not_needed"):
    return Participation.objects.create(opportunity=opp, pupil=record, state=state, consent=consent)


def market_place(world, record, starts: datetime, *, key=None, consent_needed=False):
    """A marketplace place for ``record`` (a pupil of "own", on the register) in a new session
    of a published service starting at ``starts``, booked through the marketplace itself."""
    from datetime import timedelta

    from risingtide.credits import services as credits
    from risingtide.provision import bookings
    from risingtide.provision.models import Service, Session

    national = world.users["national_officer@nation"]
    credits.fund(national, world.nation, 20)
    credits.allocate(national, world.nation, world.las["own"], 20, None)
    credits.allocate(world.users["la_lead@own"], world.las["own"], world.schools["own"], 20, None)
    service = Service.objects.create(
        provider=world.providers["own"],
        title="Masterclass",
        kind=Service.Kind.MASTERCLASS,
        audience=Service.Audience.PUPILS,
        format=Service.Format.ONLINE,
        price=10,
        status=Service.Status.PUBLISHED,
        consent_needed=consent_needed,
    )
    starts = timezone.make_aware(starts) if timezone.is_naive(starts) else starts
    session = Session.objects.create(
        service=service, starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=5
    )
    return bookings.book(
        world.users["leading_teacher@own"],
        session,
        world.schools["own"],
        pupil_ids=[record.pk],
        key=key or f"entitlement-{record.pk}-{starts.isoformat()}",
        now=starts - timedelta(days=1),
    )
