"""A learner's profile in the browser, as issue 19 names it: a Year 4 pupil fills in their
profile in their own words (one answer too long first: refused beside its question with every
word kept), sees the save confirmed with the focus on the confirmation; their teacher reads it
and adds an observation; the pupil then reads it under "What my teachers have noticed". Axe
finds nothing at each step, and each page is pictured at 1280 and 390 px."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.learners.models import Observation, Personalisation, ProfileChange
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser

ANSWERS = {
    "What are you interested in?": "Volcanoes, chess and making comics with my brother.",
    "What are you good at?": "Mental maths. I can do my 12 times tables really fast.",
    "What would you like to get better at?": "Writing longer stories with a proper ending.",
    "What would you like to do one day?": "Be a scientist who studies volcanoes.",
    "What helps you learn?": "A quiet place and a really hard puzzle to work on.",
}


def _pictured(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"{name}-1280")
    on_a_phone(page, name)


def test_a_pupil_writes_their_profile_and_reads_what_their_teacher_noticed(page: Page, tiny_world):
    w = tiny_world
    record = w.records["own"]
    record.nc_year = "4"
    record.save()
    Personalisation.objects.create(school=w.schools["own"], profiles_on=True)

    # --- The pupil fills in their profile. ---
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto("/me/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    _pictured(page, "learner-profile-empty")
    for question, answer in ANSWERS.items():
        page.get_by_label(question).fill(answer)
    too_long = "I am good at lots of things. " * 40  # 1,160 characters
    page.get_by_label("What are you good at?").fill(too_long)
    page.get_by_role("button", name="Save my profile").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nothing was saved yet")
    strengths = page.get_by_label("What are you good at?")
    expect(strengths).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#answer-strengths_error")).to_contain_text(
        "“What are you good at?” is too long"
    )
    expect(strengths).to_have_value(too_long)  # every word kept
    expect(page.get_by_label("What helps you learn?")).to_have_value(
        ANSWERS["What helps you learn?"]
    )
    assert not ProfileChange.objects.exists()
    _pictured(page, "learner-profile-too-long")

    strengths.fill(ANSWERS["What are you good at?"])
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("status")).to_contain_text("Saved! Your profile is up to date.")
    expect(page.locator("#saved")).to_be_focused()
    # Saved, the page is the pupil's own again: their words in their voice, not a form.
    expect(page.get_by_text(ANSWERS["What are you interested in?"])).to_be_visible()
    expect(page.get_by_text("What I am interested in")).to_be_visible()
    assert ProfileChange.objects.count() == 5
    _pictured(page, "learner-profile-saved")
    page.get_by_role("link", name="Change my answers").click()
    expect(page.get_by_label("What are you interested in?")).to_have_value(
        ANSWERS["What are you interested in?"]
    )
    page.get_by_role("link", name="Back without saving").click()
    sign_out(page)

    # --- Their teacher reads it and adds an observation. ---
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto(f"/pupils/{record.pk}/profile/")
    expect(page.get_by_text(ANSWERS["What would you like to do one day?"])).to_be_visible()
    page.get_by_label("What have you noticed?").fill(
        "Ada explained to her group why lava cools into different rocks. Brilliant listening "
        "and questions."
    )
    page.get_by_role("button", name="Add the observation").click()
    expect(page.get_by_role("status")).to_contain_text("Ada can read it now.")
    made = Observation.objects.get()
    expect(page.locator(f"#observation-{made.pk}")).to_be_focused()
    _pictured(page, "learner-profile-staff")
    sign_out(page)

    # --- The pupil reads what their teacher noticed. ---
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto("/me/profile/")
    noticed = page.locator("#noticed")
    expect(noticed.get_by_role("heading")).to_have_text("What my teachers have noticed")
    expect(noticed).to_contain_text("why lava cools into different rocks")
    expect(noticed).to_contain_text("Teach Own")
    _pictured(page, "learner-profile-noticed")


def test_the_youngest_pupils_page_and_the_coordinators_pages_are_clear(page: Page, tiny_world):
    """A Year 1 pupil gets "All about me" with an example under each question, and reads what
    we use and why; the coordinator turns profiles on and names a learning guide. Each page is
    axe-clean and pictured at both widths."""
    from risingtide.register.models import RegisterEntry, academic_year

    w = tiny_world
    record = w.records["own"]
    record.nc_year = "1"
    record.save()
    RegisterEntry.objects.filter(pupil=record).update(current=False)
    RegisterEntry.objects.create(
        pupil=record,
        school=record.school,
        academic_year=academic_year(),
        status=RegisterEntry.Status.IDENTIFIED,
        domains=["maths"],
        gifted=True,
    )
    school = w.schools["own"].pk

    # --- The coordinator turns profiles on, then names a learning guide. ---
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/schools/{school}/personalisation/")
    expect(page.get_by_label("Learner profiles")).not_to_be_checked()
    expect(page.get_by_label("Suggestions")).not_to_be_checked()
    page.get_by_label("Learner profiles").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("learner profiles are on")
    expect(page.locator("#switches")).to_be_focused()
    _pictured(page, "learner-personalisation")
    page.goto(f"/schools/{school}/guides/")
    row = page.locator(f"#guide-{record.pk}")
    row.get_by_label("Learning guide").select_option(label="Teach Own")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Teach Own is now Ada Own's learning guide.")
    expect(row).to_be_focused()
    expect(row).to_contain_text("guide: Teach Own")
    _pictured(page, "learner-guides")
    sign_out(page)

    # --- A Year 1 pupil's own page, and what we use and why. ---
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto("/me/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("All about me")
    expect(page.get_by_label("What do you like?")).to_be_visible()
    expect(page.get_by_text("For example: “I like dinosaurs and drawing.”")).to_be_visible()
    expect(page.locator("#guide-title + p")).to_contain_text("Teach Own is your learning guide")
    _pictured(page, "learner-profile-year-1")
    page.get_by_role("link", name="What we use and why").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we use and why")
    expect(page.get_by_role("row", name="Own School")).to_contain_text("On")
    _pictured(page, "learner-what-we-use")
