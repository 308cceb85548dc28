"""Leading-teacher training end to end, as issue 18's "Done when" names it, in one journey
through the real pages: the LA lead schedules both half-days; a leading teacher signs up to
both and downloads the calendar invitation; on the day the LA lead marks them present at each;
the teacher passes a core module's knowledge check (a wrong answer first, with its feedback),
plays a SCORM core module to the end, and makes the school's improvement plan; the programme
then shows complete, the certificate and the badge download, the badge verifies on the public
page signed out, and a copy with one character of its payload changed fails, saying why.

The programme is the nation's "Leading teacher 2026" with the issue's three completion rules.
Two things are set up in the world rather than in the browser, each already walked through in
its own browser test: the SCORM package is built in code and published by the national officer
(test_training_scorm uploads one through its page), and the school's IQS self-evaluation is
judged and submitted (test_standards does all 14 elements by hand); the plan itself is made on
the judgement's page. The SCORM player plays from its own origin, ``127.0.0.1``, as in
test_training_scorm."""

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from risingtide.demo.testing import TinyWorld
from risingtide.standards import services as standards
from risingtide.standards.models import ImprovementPlan, Judgement
from risingtide.training import completion
from risingtide.training.models import Completion, Programme, Session, SignUp
from risingtide.training.scorm import packages
from risingtide.training.tests import scorm_packages as make
from risingtide.training.tests.world import add_training
from tests.browser.axe import assert_accessible
from tests.browser.steps import (
    on_a_phone,
    open_from_bar,
    screenshot,
    sign_in_and_land_home,
    sign_out,
)
from tests.browser.test_training_credentials import check, tampered

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass
RULES = ["all_core_passed", "both_half_days_attended", "improvement_plan"]
PROGRAMME = "Leading teacher 2026"


def _world(world, settings, tmp_path, port):
    """The nation's programme with the issue's three rules: its authored core module
    (a knowledge check and a reflection) and a SCORM core module; the school's self-evaluation
    submitted (the improvement plan is made from it in the browser)."""
    settings.TRAINING_SCORM_DIR = tmp_path / "scorm"
    settings.TRAINING_PLAYER_ORIGIN = f"http://127.0.0.1:{port}"
    add_training(world)
    programme = world.programmes["nation"]
    # No page edits a programme's rules yet: set them as data, checked as the service checks.
    Programme.objects.filter(pk=programme.pk).update(rules=completion.clean_rules(RULES))
    packages.publish_package(
        world.users["national_officer@nation"],
        programme,
        SimpleUploadedFile("spotting.zip", make.package("1.2", title="Spotting the more able")),
    )
    evaluation = world.evaluations["own"]
    Judgement.objects.filter(evaluation=evaluation).update(
        level=1,
        evidence="Seen in lesson observations and the governors' report.",
        next_steps="Share what works with the cluster.",
    )
    standards.submit(world.users["leading_teacher@own"], evaluation)
    return programme


def _schedule(page: Page, half_day: str, venue: str, day) -> Session:
    page.goto("/training/")
    page.get_by_role("link", name="Face-to-face sessions you run").click()
    page.get_by_role("link", name=f"Schedule a session of {PROGRAMME}").click()
    page.get_by_label(half_day).check()
    page.get_by_label("Venue").fill(venue)
    page.get_by_label("Address").fill("14 Mill Lane\nRiverton RT2 4QP")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts at").fill("13:30")
    page.get_by_label("Ends at").fill("16:30")
    page.get_by_label("Places").fill("24")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.get_by_role("status")).to_contain_text(f"Scheduled: {venue}")
    return Session.objects.get(venue=venue)


def _sign_up(page: Page, number: int, venue: str) -> SignUp:
    half_day = page.locator(f"#half-day-{number}")
    expect(half_day).to_contain_text(venue)
    half_day.get_by_role("button", name=re.compile("^Sign up")).click()
    expect(page.get_by_role("status")).to_contain_text(f"You are booked: {venue}")
    mine = SignUp.objects.get(session__venue=venue)
    expect(page.locator(f"#sign-up-{mine.pk}")).to_be_focused()
    return mine


def _mark_present(page: Page, session: Session, sign_up: SignUp) -> None:
    page.goto(f"/training/sessions/{session.pk}/")
    page.get_by_role("link", name="Take the register").click()
    row = page.locator(f"#row-{sign_up.pk}")
    expect(row).to_contain_text("Not marked yet")
    row.get_by_role("button", name="Present").click()
    expect(row.get_by_role("status")).to_contain_text(
        re.compile(r"^Saved at \d\d:\d\d: present\.$")
    )
    expect(page.locator(f"#row-{sign_up.pk}-present")).to_be_focused()


def test_a_leading_teacher_goes_from_sign_up_to_a_verified_badge(
    page: Page, server, tiny_world, settings, tmp_path
):
    programme = _world(tiny_world, settings, tmp_path, server.thread.port)
    teacher = tiny_world.users["leading_teacher@own"]

    # --- The LA lead schedules both half-days. ---
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    tomorrow = timezone.localdate() + timedelta(days=1)
    first = _schedule(page, "First half-day", "Riverton Teachers' Centre", tomorrow)
    assert_accessible(page)
    screenshot(page, "journey-01-first-half-day-scheduled-1280")
    second = _schedule(page, "Second half-day", "Brook Lane Library", tomorrow + timedelta(7))
    assert (first.half_day, second.half_day) == (1, 2)
    assert {first.local_authority, second.local_authority} == {tiny_world.las["own"]}
    assert_accessible(page)
    sign_out(page)

    # --- The leading teacher signs up to both and downloads the invitation. ---
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Training")
    page.get_by_role("link", name=PROGRAMME).click()
    expect(page.get_by_text("Still to do: Attend both half-days face to face")).to_be_visible()
    first_place = _sign_up(page, 1, "Riverton Teachers' Centre")
    second_place = _sign_up(page, 2, "Brook Lane Library")
    assert_accessible(page)
    screenshot(page, "journey-02-booked-both-1280")
    on_a_phone(page, "journey-02-booked-both")
    with page.expect_download() as download:
        page.locator(f"#sign-up-{first_place.pk}").get_by_role(
            "link", name=re.compile(r"^Add to calendar \(\.ics\)")
        ).click()
    assert download.value.suggested_filename == f"training-session-{first.pk}.ics"
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == first.starts_at
    assert event.decoded("dtend") == first.ends_at
    assert timezone.localtime(event.decoded("dtstart")).strftime("%H:%M") == "13:30"
    assert str(event["location"]) == "Riverton Teachers' Centre, 14 Mill Lane Riverton RT2 4QP"
    assert PROGRAMME in str(event["summary"])
    sign_out(page)

    # --- The days come (moved into the past here): the LA lead marks them present at both. ---
    for session, days_ago in ((first, 8), (second, 1)):
        day = timezone.localdate() - timedelta(days=days_ago)
        started = timezone.make_aware(datetime.combine(day, time(13, 30)))
        Session.objects.filter(pk=session.pk).update(
            starts_at=started, ends_at=started + timedelta(hours=3)
        )
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    _mark_present(page, first, first_place)
    _mark_present(page, second, second_place)
    assert_accessible(page)
    screenshot(page, "journey-03-register-1280")
    assert list(SignUp.objects.order_by("pk").values_list("present", flat=True)) == [True, True]
    sign_out(page)

    # --- The teacher passes the authored core module: a wrong answer first. ---
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Training")
    page.get_by_role("link", name=PROGRAMME).click()
    expect(page.get_by_text("✓ Done: Attend both half-days face to face")).to_be_visible()
    expect(page.get_by_text("2 core modules left.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "journey-04-programme-attended-1280")
    page.get_by_role("link", name="Identifying G&T learners").click()
    page.get_by_role("link", name="Next step").click()
    page.get_by_label("Only those with the top test scores").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Not passed yet: 0 of 1 right")
    expect(page.get_by_text("Test scores miss underachievers and quiet thinkers.")).to_be_visible()
    expect(page.locator("#check-result")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "journey-05-check-wrong-1280")
    page.get_by_label("Any pupil who shows high potential, in any way").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Passed: 1 of 1 right.")
    expect(page.get_by_text("Yes: look for potential, not only attainment.")).to_be_visible()
    page.get_by_role("link", name="Next step").click()
    page.get_by_label(re.compile("^Your reflection")).fill("The quiet ones in Year 8.")
    expect(page.locator(".save-status")).to_have_text("All changes saved.")
    page.get_by_role("button", name="Finish this module").click()
    expect(page.get_by_role("status")).to_contain_text(
        "You have finished “Identifying G&T learners”."
    )
    expect(page.get_by_text("1 core module left.")).to_be_visible()
    assert_accessible(page)

    # --- It plays the SCORM core module to the end. ---
    page.get_by_role("link", name="Spotting the more able").click()
    sco = page.frame_locator("#scorm-frame").frame_locator("#sco")
    expect(sco.locator("#out")).to_have_text("First visit")
    sco.get_by_role("button", name="Finish").click()
    expect(page.locator("#scorm-status")).to_have_text("Module complete: your result is saved.")
    assert_accessible(page, frames=False)
    screenshot(page, "journey-06-scorm-done-1280")
    page.get_by_role("link", name=f"Back to {PROGRAMME}").click()
    expect(page.get_by_text("Every core module is done.")).to_be_visible()
    expect(page.get_by_text("Still to do: Write a G&T improvement plan")).to_be_visible()
    assert not Completion.objects.exists()  # the plan is still to come

    # --- It makes the school's improvement plan from the submitted self-evaluation. ---
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Quality standards"
    ).click()
    page.get_by_role("link", name="Open the judgement: evidence and next steps").click()
    page.get_by_role("button", name="Make an improvement plan from the next steps").click()
    expect(page.get_by_role("heading", name=re.compile("G&T improvement plan"))).to_be_visible()
    plan = ImprovementPlan.objects.get(evaluation__isnull=False, school=tiny_world.schools["own"])
    assert plan.actions.count() == 14
    assert_accessible(page)
    screenshot(page, "journey-07-improvement-plan-1280")

    # --- The programme shows complete; the certificate and the badge download. ---
    open_from_bar(page, "Training")
    page.get_by_role("link", name=PROGRAMME).click()
    expect(page.get_by_text("you completed this programme on")).to_be_visible()
    for label in (
        "Pass every core module",
        "Attend both half-days face to face",
        "Write a G&T improvement plan",
    ):
        expect(page.get_by_text(f"✓ Done: {label}")).to_be_visible()
    recorded = Completion.objects.get(learner=teacher, programme=programme)
    assert set(recorded.evidence) == set(RULES)
    assert [s["session"] for s in recorded.evidence["both_half_days_attended"]["sessions"]] == [
        first.pk,
        second.pk,
    ]
    assert recorded.evidence["improvement_plan"]["plan"] == plan.pk
    assert_accessible(page)
    screenshot(page, "journey-08-programme-complete-1280")
    on_a_phone(page, "journey-08-programme-complete")

    with page.expect_download() as certificate:
        page.get_by_role("link", name="Download certificate (PDF)").click()
    pdf = certificate.value.path().read_bytes()
    assert pdf[:4] == b"%PDF"
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Lead Own" in text and PROGRAMME in text and "Certificate" in text
    with page.expect_download() as badge:
        page.get_by_role("link", name="Download badge").click()
    assert badge.value.suggested_filename == "badge-leading-teacher-2026.jwt"
    token = badge.value.path().read_text()
    sign_out(page)

    # --- Anyone, signed out, checks the badge; a tampered copy fails with its reason. ---
    check(page, token)
    expect(
        page.get_by_role("heading", name=re.compile("Valid: this credential stands"))
    ).to_be_visible()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Lead Own")
    expect(verdict).to_contain_text(PROGRAMME)
    assert_accessible(page)
    screenshot(page, "journey-09-badge-valid-1280")
    check(page, tampered(token))
    expect(page.get_by_role("heading", name=re.compile("Not valid"))).to_be_visible()
    expect(verdict).to_contain_text("The signature does not match")
    expect(verdict).not_to_contain_text("Lead Own")
    assert_accessible(page)
    screenshot(page, "journey-10-badge-tampered-1280")
