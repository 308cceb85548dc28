"""Fifty leading teachers signing up at one instant for a session of ten places, then the ten
booked cancelling at once while the forty wait, for the race test: in threads of this process
on PostgreSQL, or in a child process on a SQLite file (``python -m
risingtide.training.tests.race``). Prints or returns JSON."""

import json
import sys

from risingtide.credits.tests.race import _at_once

CAPACITY = 10


def world(learners: int) -> tuple[int, list[int]]:
    from datetime import timedelta

    from django.utils import timezone

    from risingtide.demo.testing import make_user, member
    from risingtide.people.models import Role
    from risingtide.schools.models import LocalAuthority, Nation, School
    from risingtide.training import services, sessions

    nation = Nation.objects.create(name="Raceland")
    la = LocalAuthority.objects.create(nation=nation, code="R01", name="Race LA")
    school = School.objects.create(
        local_authority=la, name="Race School", establishment_number="0001", urn="600001"
    )
    lead = make_user("race.la.lead")
    member(lead, Role.LA_LEAD, local_authority=la)
    programme = services.create_programme(lead, "Race course", la, ["all_core_passed"])
    start = timezone.now() + timedelta(days=5)
    session = sessions.schedule(
        lead,
        programme,
        la,
        half_day=1,
        venue="Race hall",
        address="1 Fast Lane",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=CAPACITY,
    )
    people = []
    for n in range(learners):
        teacher = make_user(f"race.teacher.{n}")
        member(teacher, Role.LEADING_TEACHER, school=school)
        people.append(teacher.pk)
    return session.pk, people


def race(requests: int = 50) -> dict:
    from risingtide.people.models import User
    from risingtide.training import sessions
    from risingtide.training.models import Session, SignUp

    session_id, people = world(requests)

    def sign_up(pk):
        return lambda: sessions.sign_up(User.objects.get(pk=pk), Session.objects.get(pk=session_id))

    signed = _at_once([sign_up(pk) for pk in people])
    booked = list(
        SignUp.objects.filter(session_id=session_id, status="booked").values_list(
            "learner_id", flat=True
        )
    )
    after_sign_up = {
        "booked": len(booked),
        "waiting": SignUp.objects.filter(session_id=session_id, status="waiting").count(),
        "counter": Session.objects.get(pk=session_id).booked,
    }

    def cancel(pk):
        return lambda: sessions.cancel_place(
            User.objects.get(pk=pk), Session.objects.get(pk=session_id)
        )

    cancelled = _at_once([cancel(pk) for pk in booked])
    return {
        "signed": signed,
        "after_sign_up": after_sign_up,
        "cancelled": cancelled,
        "booked_after_cancel": SignUp.objects.filter(
            session_id=session_id, status="booked"
        ).count(),
        "waiting_after_cancel": SignUp.objects.filter(
            session_id=session_id, status="waiting"
        ).count(),
        "counter_after_cancel": Session.objects.get(pk=session_id).booked,
    }


if __name__ == "__main__":
    import django

    django.setup()
    found = race(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
    print(json.dumps(found))  # noqa: T201 - the parent test reads it
