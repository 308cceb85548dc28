"""Provision-map test data on the tiny world: an opportunity from a few words, and a
marketplace service booked by a school for a session on a given day."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from risingtide.credits import services as credits
from risingtide.opportunities import map_services
from risingtide.opportunities.map_services import OpportunityData
from risingtide.provision import bookings
from risingtide.provision.models import Service, Session
from risingtide.register.models import academic_year

YEAR = academic_year()


def data(**changes) -> OpportunityData:
    """A Year 7–8 maths club, small group, autumn term of this academic year."""
    fields = {
        "title": "Maths circle",
        "kind": "club",
        "wave": 2,
        "components": ["curriculum", "beyond"],
        "domain": "gifted",
        "subjects": ["maths"],
        "year_from": 7,
        "year_to": 8,
        "academic_year": YEAR,
        "term": "autumn",
        "capacity": 12,
        "cost_pounds": Decimal("0"),
    }
    fields.update(changes)
    return OpportunityData(**fields)


def add(world, school="own", by="leading_teacher@own", **changes):
    return map_services.create_opportunity(world.user(by), world.schools[school], data(**changes))


def book_service(
    world,
    *,
    title="Physics masterclass",
    kind=Service.Kind.MASTERCLASS,
    on=None,
    years=(7, 9),
    school="own",
    pupils=("own",),
    audience=Service.Audience.PUPILS,
    provider="own",
    staff=(),
):
    """``school``'s coordinator books ``pupils`` (keys of world.records) at a new session of a
    new published service on day ``on`` (default: 10 February of this academic year)."""
    if not getattr(world, f"_funded_{school}", False):
        national = world.user("national_officer@nation")
        la = world.schools[school].local_authority
        credits.fund(national, world.nation, 5_000)
        credits.allocate(national, world.nation, la, 2_000, None)
        lead = world.user(f"la_lead@{'own' if la == world.las['own'] else 'other'}")
        credits.allocate(lead, la, world.schools[school], 2_000, None)
        setattr(world, f"_funded_{school}", True)
    service = Service.objects.create(
        provider=world.providers[provider],
        title=title,
        kind=kind,
        audience=audience,
        year_from=years[0],
        year_to=years[1],
        format=Service.Format.IN_PERSON,
        price=20,
        register_only=False,
        status=Service.Status.PUBLISHED,
    )
    day = on or date(YEAR + 1, 2, 10)
    start = timezone.make_aware(datetime.combine(day, time(10)))
    session = Session.objects.create(
        service=service, starts_at=start, ends_at=start + timedelta(hours=3), capacity=10
    )
    coordinator = world.user("leading_teacher@own" if school == "own" else f"head@{school}")
    booking = bookings.book(
        coordinator,
        session,
        world.schools[school],
        pupil_ids=[world.records[p].pk for p in pupils],
        staff_ids=[world.user(s).pk for s in staff],
        key=f"map-{service.pk}",
        now=start - timedelta(days=20),
    )
    return service, booking
