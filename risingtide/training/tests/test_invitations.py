"""A session's .ics: parsed back with the icalendar library, fields as scheduled, the venue's
text escaped, a stable UID, a time zone on the times; and reminders sent once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from risingtide.training import invitations, sessions
from risingtide.training.session_tasks import send_reminders
from risingtide.training.tests.session_world import session
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):
    return add_training(world)


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    assert str(calendar["method"]) == "PUBLISH"
    assert str(calendar["version"]) == "2.0"
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_invitation_parses_back_with_every_field(w):
    lead = w.users["la_lead@own"]
    lead.email, lead.first_name, lead.last_name = "lead@example.org", "Lena", "Lead"
    lead.save()
    made = session(
        w,
        "own",
        venue='Hall 2; "The Annexe", by the gym',
        address="Riverton High School\nRiver Lane, Riverton",
    )
    calendar, event = _event(invitations.invitation(made))
    assert str(event["uid"]) == f"session-{made.pk}@training.risingtide"
    assert event.decoded("dtstart") == made.starts_at
    assert event.decoded("dtend") == made.ends_at
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/London"
    location = str(event["location"])
    assert location == 'Hall 2; "The Annexe", by the gym, Riverton High School River Lane, Riverton'
    assert str(event["summary"]) == "Leading teacher 2026: first half-day"
    assert str(event["organizer"]) == "mailto:lead@example.org"
    assert event["organizer"].params["CN"] == "Lena Lead"
    assert str(event["status"]) == "CONFIRMED"
    # Escaped by the library, as RFC 5545 asks: a ; or , in text is data, not structure.
    raw = invitations.invitation(made).decode()
    assert r'LOCATION:Hall 2\; "The Annexe"\, by the gym\, Riverton' in raw.replace("\r\n ", "")


def test_the_uid_is_stable_and_a_cancellation_replaces_the_event(w):
    made = session(w, "own")
    _, before = _event(invitations.invitation(made))
    sessions.cancel_session(w.users["la_lead@own"], made, "Snow; the roads are shut")
    made.refresh_from_db()
    _, after = _event(invitations.invitation(made))
    assert str(after["uid"]) == str(before["uid"])
    assert after["sequence"] > before["sequence"]
    assert str(after["status"]) == "CANCELLED"
    assert "Snow; the roads are shut" in str(after["description"])


def test_reminders_go_the_day_before_once(w, settings):
    for key in ("leading_teacher@own", "leading_teacher@peer"):
        w.users[key].email = f"{key.split('@')[1]}@example.org"
        w.users[key].save()
    now = timezone.localtime()
    tomorrow = now.replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    due = session(w, "own", days=0, starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=3))
    later = session(
        w,
        "own",
        days=0,
        half_day=2,
        starts_at=tomorrow + timedelta(days=3),
        ends_at=tomorrow + timedelta(days=3, hours=3),
    )
    sessions.sign_up(w.users["leading_teacher@own"], due)
    sessions.sign_up(w.users["leading_teacher@peer"], later)
    assert send_reminders.call() == 1
    assert mail.outbox[0].to == ["own@example.org"]
    assert due.venue in mail.outbox[0].body and "tomorrow" in mail.outbox[0].body
    assert send_reminders.call() == 0  # recorded: never twice
    assert len(mail.outbox) == 1


def test_the_daily_command_sends_or_queues_the_reminders(w, settings):
    out = StringIO()
    call_command("training_reminders", stdout=out)
    assert out.getvalue().strip() == "0 reminder(s) sent."
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("training_reminders", "--enqueue", stdout=out)
    assert "queued for the background worker" in out.getvalue()
