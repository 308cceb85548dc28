"""A booking is all or nothing even when the server dies in the middle of it: the server is killed
(SIGKILL, no clean shutdown) while a booking's places are taken but its credits not yet held, and
again when everything is written but not yet committed. After a restart nothing of the booking
is left (places, credits, ledger all as before), and the same form sent again books once.
SQLite, as the demo runs."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from risingtide.lib.testing import migrated_data_dir
from tests.test_demo_command import free_port
from tests.test_note_durability import Browser, serve, wait_up

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from risingtide.credits import services as credits
from risingtide.people.models import User
from risingtide.provision.models import Service, Session
from risingtide.register.models import Pupil, RegisterEntry, academic_year
from risingtide.schools.models import Nation, Provider, School

school = School.objects.get(name="Riverton Academy")
national = User.objects.get(username="national")
lead = User.objects.get(username="la.lead")
credits.fund(national, Nation.objects.get(), 2000)
credits.allocate(national, Nation.objects.get(), school.local_authority, 1000, None)
credits.allocate(lead, school.local_authority, school, 500, None)
pupils = list(Pupil.objects.filter(school=school, on_roll=True).order_by("pk")[:2])
for pupil in pupils:
    RegisterEntry.objects.filter(pupil=pupil, current=True).update(current=False)
    RegisterEntry.objects.create(pupil=pupil, school=school, academic_year=academic_year(),
                                 status=RegisterEntry.Status.IDENTIFIED, current=True)
service = Service.objects.create(
    provider=Provider.objects.first(), title="Durable masterclass", kind="masterclass",
    audience="pupils", format="online", price=60, status="published")
start = timezone.now() + timedelta(days=30)
session = Session.objects.create(service=service, starts_at=start, ends_at=start, capacity=5)
print(json.dumps({"school": school.pk, "session": session.pk, "pupils": [p.pk for p in pupils]}))
"""

STATE = """
import json
from risingtide.credits.queries import problems
from risingtide.credits.services import account_of
from risingtide.provision.models import Booking, Place, Session
from risingtide.schools.models import School

session = Session.objects.get(pk={session})
print(json.dumps({{
    "bookings": Booking.objects.filter(session=session).count(),
    "places": Place.objects.filter(session=session).count(),
    "taken": session.places_taken,
    "balance": account_of(School.objects.get(pk={school})).balance,
    "problems": problems(),
}}))
"""


def manage_json(env, code):
    out = subprocess.run(
        [*_cli(), "manage", "shell", "-c", code], env=env, check=True, capture_output=True
    ).stdout
    return json.loads(out.decode().strip().splitlines()[-1])


def _cli():
    return [sys.executable, "-m", "risingtide.cli"]


@pytest.mark.parametrize("point", ["booking.places_taken", "booking.before_commit"])
def test_a_booking_killed_half_way_leaves_nothing_and_books_once_when_sent_again(tmp_path, point):
    env = {
        **os.environ,
        "RISINGTIDE_DATA_DIR": str(tmp_path),
        "RISINGTIDE_DATABASE_URL": "",
        "RISINGTIDE_SECRET_KEY": "durability-test-" + "k" * 50,
        "RISINGTIDE_HTTPS": "0",
    }
    migrated_data_dir(tmp_path, env, demo=True)
    world = manage_json(env, SETUP)
    state = STATE.format(**world)
    before = manage_json(env, state)
    balance = before.pop("balance")  # the demo's own round, and the 500 given above
    assert before == {"bookings": 0, "places": 0, "taken": 0, "problems": []}
    before["balance"] = balance

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    paused = tmp_path / "paused"
    server = serve({**env, "RISINGTIDE_PAUSE_AT": f"{point}:{paused}"}, port)
    book = f"/provision/schools/{world['school']}/sessions/{world['session']}/book/"
    form = {"pupils": world["pupils"], "key": "one-form-one-booking"}
    coordinator = Browser(base)
    try:
        wait_up(base)
        coordinator.get("/accounts/login/")
        coordinator.post(
            "/accounts/login/", {"username": "coordinator", "password": "rising-tide-demo"}
        )
        coordinator.get(book)
        lost = threading.Thread(target=_post_ignoring_the_crash, args=(coordinator, book, form))
        lost.start()
        deadline = time.monotonic() + 30
        while not paused.exists():
            assert time.monotonic() < deadline, "the booking never reached the pause point"
            time.sleep(0.05)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    lost.join(timeout=15)

    assert manage_json(env, state) == before  # nothing of the half-made booking is left
    subprocess.run([*_cli(), "manage", "check_ledger"], env=env, check=True, capture_output=True)

    server = serve(env, port)
    try:
        wait_up(base)
        for _ in range(2):  # the page sent again (a retry, a double click) books once
            url, page = coordinator.post(book, form)
            assert "/provision/bookings/" in url
            assert "Booked 2 places for 120 e-credits" in page
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    after = manage_json(env, state)
    assert after == {
        "bookings": 1,
        "places": 2,
        "taken": 2,
        "balance": balance - 120,
        "problems": [],
    }


def _post_ignoring_the_crash(browser, path, form):
    with contextlib.suppress(OSError):  # the server dies under it, as the test intends
        browser.post(path, form)
