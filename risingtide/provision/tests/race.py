"""Fifty bookings at one instant for a session of ten places, by five schools whose credits pay
for seven, for the race test: in threads of this process on PostgreSQL, or in a child process
on a SQLite file (``python -m risingtide.provision.tests.race``). Prints or returns JSON."""

import json
import sys
from datetime import timedelta

from risingtide.credits.tests.race import _at_once

PRICE = 100


def world() -> tuple[int, list[tuple[int, int, list[int]]]]:
    """The session, and for each school its coordinator and ten pupils on its register."""
    from django.utils import timezone

    from risingtide.credits.tests.race import world as ledger_world
    from risingtide.demo.testing import make_user, member
    from risingtide.people.models import Role
    from risingtide.provision.models import Service, Session
    from risingtide.register.models import Pupil, RegisterEntry, academic_year
    from risingtide.schools.models import Provider, School

    school_ids = ledger_world()  # five schools with 300, 200, 100, 100 and 0 credits
    schools = list(School.objects.filter(pk__in=school_ids).order_by("pk"))
    provider = Provider.objects.create(nation=schools[0].local_authority.nation, name="Racers")
    service = Service.objects.create(
        provider=provider,
        title="Race masterclass",
        kind=Service.Kind.MASTERCLASS,
        audience=Service.Audience.PUPILS,
        format=Service.Format.ONLINE,
        price=PRICE,
        status=Service.Status.PUBLISHED,
    )
    start = timezone.now() + timedelta(days=10)
    session = Session.objects.create(service=service, starts_at=start, ends_at=start, capacity=10)
    people = []
    for n, school in enumerate(schools):
        lead = make_user(f"race.lead.{n}")
        member(lead, Role.LEADING_TEACHER, school=school)
        pupils = []
        for k in range(10):
            pupil = Pupil.objects.create(
                school=school,
                upn=f"R{n:02}{k:010}",
                legal_surname=f"Racer{k}",
                legal_forename=f"School{n}",
                date_of_birth="2013-01-01",
                gender="F",
                nc_year="8",
            )
            RegisterEntry.objects.create(
                pupil=pupil,
                school=school,
                academic_year=academic_year(),
                status=RegisterEntry.Status.IDENTIFIED,
            )
            pupils.append(pupil.pk)
        people.append((school.pk, lead.pk, pupils))
    return session.pk, people


def race(requests: int = 50) -> dict:
    from risingtide.credits import queries
    from risingtide.people.models import User
    from risingtide.provision import bookings
    from risingtide.provision.models import Booking, Session
    from risingtide.schools.models import School

    session_id, people = world()

    def one(n):
        school_id, lead_id, pupils = people[n % len(people)]
        return lambda: bookings.book(
            User.objects.get(pk=lead_id),
            Session.objects.get(pk=session_id),
            School.objects.get(pk=school_id),
            pupil_ids=[pupils[n // len(people)]],
            key=f"race-{n}",
        )

    outcomes = _at_once([one(n) for n in range(requests)])
    session = Session.objects.get(pk=session_id)
    return {
        "outcomes": outcomes,
        "bookings": Booking.objects.filter(session=session).count(),
        "places_taken": session.places_taken,
        "problems": queries.problems(),
    }


if __name__ == "__main__":
    import django

    django.setup()
    found = race(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
    print(json.dumps(found))  # noqa: T201 - the parent test reads it
