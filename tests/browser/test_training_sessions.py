"""Face-to-face training in the browser: the LA lead schedules a session (a mistake in the form
is shown at its field first), a leading teacher signs up on their programme page and downloads
the calendar invitation (a calendar the icalendar library reads back), and on the day the LA
lead takes the register on a tablet: present with a tap, a late arrival with its time, each
row saved where they are, the focus left on what they pressed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.training.models import Session, SignUp
from risingtide.training.tests.world import add_training
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass
TABLET = {"width": 768, "height": 1024}


def test_an_la_lead_schedules_a_teacher_signs_up_and_the_register_is_taken(page: Page, tiny_world):
    add_training(tiny_world)
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto("/training/")
    page.get_by_role("link", name="Face-to-face sessions you run").click()
    page.get_by_role("link", name="Schedule a session of Leading teacher 2026").click()
    page.get_by_label("First half-day").check()
    page.get_by_label("Venue").fill("Riverton Teachers' Centre")
    page.get_by_label("Address").fill("14 Mill Lane\nRiverton RT2 4QP")
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Starts at").fill("13:30")
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_label("Places").fill("0")
    page.get_by_role("button", name="Schedule the session").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The session must end after it starts.")
    expect(summary).to_contain_text("A session needs at least one place.")
    assert_accessible(page)
    screenshot(page, "training-session-form-errors-1280")
    on_a_phone(page, "training-session-form-errors")
    page.get_by_label("Ends at").fill("16:30")
    page.get_by_label("Places").fill("24")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.get_by_role("status")).to_contain_text("Scheduled: Riverton Teachers' Centre")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    session = Session.objects.get()
    assert session.local_authority == tiny_world.las["own"] and session.capacity == 24
    assert_accessible(page)
    screenshot(page, "training-session-scheduled-1280")
    sign_out(page)

    # A leading teacher of the LA signs up on their programme page.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto("/training/")
    page.get_by_role("link", name="Leading teacher 2026").click()
    half_day = page.locator("#half-day-1")
    expect(half_day).to_contain_text("Riverton Teachers' Centre")
    expect(half_day).to_contain_text("24 places left")
    half_day.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status")).to_contain_text("You are booked: Riverton Teachers' Centre")
    mine = SignUp.objects.get()
    expect(page.locator(f"#sign-up-{mine.pk}")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "training-session-booked-1280")
    on_a_phone(page, "training-session-booked")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename == f"training-session-{session.pk}.ics"
    with open(download.value.path(), "rb") as saved:
        calendar = Calendar.from_ical(saved.read())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == session.starts_at
    assert str(event["location"]) == "Riverton Teachers' Centre, 14 Mill Lane Riverton RT2 4QP"
    sign_out(page)

    # The day comes: the session has started, and the LA lead takes the register on a tablet.
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=40)
    Session.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=3)
    )
    page.set_viewport_size(TABLET)
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(f"/training/sessions/{session.pk}/")
    page.get_by_role("link", name="Take the register").click()
    row = page.locator(f"#row-{mine.pk}")
    expect(row).to_contain_text("Not marked yet")
    screenshot(page, "training-register-before-768")
    row.get_by_role("button", name="Present").click()
    expect(row.get_by_role("status")).to_contain_text(
        re.compile(r"^Saved at \d\d:\d\d: present\.$")
    )
    expect(page.locator(f"#row-{mine.pk}-present")).to_be_focused()
    expect(page.locator(f"#row-{mine.pk}-present")).to_have_attribute("aria-pressed", "true")
    row = page.locator(f"#row-{mine.pk}")
    row.get_by_text("Late or left early?").click()
    arrived = (timezone.localtime(start) + timedelta(minutes=25)).strftime("%H:%M")
    row.get_by_label("Arrived at").fill(arrived)
    row.get_by_role("button", name="Save the times").click()
    expect(row.get_by_role("status")).to_contain_text(f": present, arrived {arrived}.")
    expect(page.locator(f"#row-{mine.pk}-save")).to_be_focused()
    mine.refresh_from_db()
    assert mine.present and timezone.localtime(mine.arrived_at).strftime("%H:%M") == arrived
    assert_accessible(page)
    screenshot(page, "training-register-768")
    on_a_phone(page, "training-register")

    # The LA lead's list of sessions and the session's page, with what the register says.
    page.goto("/training/sessions/")
    expect(page.get_by_role("table")).to_contain_text("Riverton Teachers' Centre")
    assert_accessible(page)
    screenshot(page, "training-sessions-list-1280")
    on_a_phone(page, "training-sessions-list")
    page.get_by_role("link", name=timezone.localtime(start).strftime("%a %-d %b %Y, %H:%M")).click()
    expect(page.get_by_role("heading", name="Booked (1)")).to_be_visible()
    expect(page.locator(".people-list")).to_contain_text("Present")
    assert_accessible(page)
    on_a_phone(page, "training-session-page")
