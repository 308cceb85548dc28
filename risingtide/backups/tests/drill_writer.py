"""The drill's writer, run as its own process (``manage shell -c``): it builds the tiny world
with notes, uploads and a booking, makes the key material, says "ready", then writes notes
(each one created, then saved again: two transactions, an item and its revisions) until the
file named by RISINGTIDE_DRILL_STOP exists."""

import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

if connection.vendor == "sqlite":  # a fresh file from the demo's schema snapshot
    call_command("migrate", verbosity=0, skip_checks=True)
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from risingtide.credits import services as credits  # noqa: E402
from risingtide.demo.testing import build_tiny_world  # noqa: E402
from risingtide.lti import keys  # noqa: E402
from risingtide.portfolios.services import add_note, save_note  # noqa: E402
from risingtide.provision import bookings  # noqa: E402
from risingtide.provision.models import Service, Session  # noqa: E402
from risingtide.provision.tests.conftest import identify  # noqa: E402
from risingtide.training import credential_keys  # noqa: E402

w = build_tiny_world()
national, la_lead = w.user("national_officer@nation"), w.user("la_lead@own")
credits.fund(national, w.nation, 5_000)
credits.allocate(national, w.nation, w.las["own"], 3_000, None)
credits.allocate(la_lead, w.las["own"], w.schools["own"], 1_000, None)
record = w.records["own2"]
identify(record)  # on the register, so the service may be booked for them
service = Service.objects.create(
    provider=w.providers["own"],
    title="Drill masterclass",
    kind=Service.Kind.MASTERCLASS,
    audience=Service.Audience.PUPILS,
    year_from=7,
    year_to=9,
    format=Service.Format.IN_PERSON,
    price=100,
    status=Service.Status.PUBLISHED,
)
start = timezone.now() + timedelta(days=30)
session = Session.objects.create(
    service=service, starts_at=start, ends_at=start + timedelta(hours=2), capacity=5
)
bookings.book(
    w.user("leading_teacher@own"), session, w.schools["own"], pupil_ids=[record.pk], key="drill"
)
credential_keys.signing_key()
keys.tool_key()

pupil, portfolio = w.user("pupil@own"), w.portfolios["own"]
stop = Path(os.environ["RISINGTIDE_DRILL_STOP"])
print("ready", flush=True)  # noqa: T201 - the test waits for this line
written = 0
while not stop.exists():
    written += 1
    item = add_note(pupil, portfolio, "gather", f"Drill {written}", "First words")
    save_note(pupil, item, "Second words", 1)
print(f"wrote {written}", flush=True)  # noqa: T201
