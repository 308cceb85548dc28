"""Writing training in the browser: an LA lead starts a programme, writes a module as a
document (a page with a picture, a knowledge check with feedback, a reflection), moves a step
with the keyboard, previews it and publishes it; a leading teacher of the LA then reads it,
picture and all."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.training.models import Module
from risingtide.training.tests.world import add_training
from tests.browser.axe import assert_accessible
from tests.browser.steps import (
    on_a_phone,
    open_from_bar,
    screenshot,
    sign_in_and_land_home,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def _chart() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (320, 160), (11, 83, 148)).save(out, "PNG")
    return {"name": "wheel.png", "mimeType": "image/png", "buffer": out.getvalue()}


def _saved(page: Page) -> None:
    expect(page.locator("#save-status")).to_contain_text("All changes saved")


def test_an_la_lead_writes_and_publishes_a_module_that_a_leading_teacher_reads(
    page: Page, tiny_world
):
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Write training")
    assert_accessible(page)
    screenshot(page, "training-authoring-home-1280")
    page.get_by_label("Title").fill("Own LA leading teachers")
    page.get_by_label("Summary").fill("Our two half-days and the modules between them.")
    page.get_by_label("Pass every core module").check()
    page.get_by_role("button", name="Start the programme").click()
    expect(page.get_by_role("status")).to_contain_text("Started “Own LA leading teachers”.")

    page.get_by_label("Title").fill("Spotting potential")
    page.get_by_role("button", name="Add the module").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spotting potential")

    # A page, with a picture.
    page.get_by_role("button", name="+ Page").click()
    page.get_by_label("Title of step 1").fill("What potential looks like")
    page.get_by_label("Text of step 1").fill(
        "Potential shows in **how** a pupil thinks, not only in marks.\n\nLook at the wheel:"
    )
    page.get_by_text("Add a picture, sound or video").click()
    page.get_by_label("File").set_input_files(_chart())
    page.get_by_label(re.compile("^Description")).fill("The TASC wheel, eight stages round")
    page.get_by_role("button", name="Upload and add to this page").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Added “wheel.png” at the end of step 1."
    )
    expect(page.get_by_label("Text of step 1")).to_be_focused()
    expect(page.get_by_label("Text of step 1")).to_have_value(
        re.compile(r"!\[The TASC wheel, eight stages round\]\(media:\d+\)")
    )

    # A knowledge check, with feedback on each answer.
    page.get_by_role("button", name="+ Knowledge check").click()
    page.get_by_label("Title of step 2").fill("Check your understanding")
    page.get_by_label("Question 1 of step 2").fill("Where does potential show?")
    page.get_by_label("Answer 1 to question 1", exact=True).fill("Only in test scores")
    page.get_by_label("Feedback on answer 1 to question 1", exact=True).fill(
        "Scores miss the quiet thinkers and the underachievers."
    )
    page.get_by_label("Answer 2 to question 1", exact=True).fill("In how a pupil thinks and asks")
    page.get_by_label("Feedback on answer 2 to question 1", exact=True).fill(
        "Yes: watch how they think."
    )
    _saved(page)
    expect(page.locator("#problems")).to_contain_text("Step 2, question 1 has no right answer.")
    page.get_by_label("Right answer 2 to question 1", exact=True).check()
    _saved(page)
    expect(page.locator("#problems")).to_be_hidden()

    # A reflection, then moved to the top with the keyboard.
    page.get_by_role("button", name="+ Reflection").click()
    page.get_by_label("Title of step 3").fill("Your school")
    page.get_by_label("What should the learner reflect on?").fill(
        "Which pupils in your school show potential that marks miss?"
    )
    _saved(page)
    assert_accessible(page)
    screenshot(page, "training-authoring-editor-1280")
    on_a_phone(page, "training-authoring-editor")
    page.get_by_role("button", name="Move step 3 up").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Moved “Your school” to step 2.")
    expect(page.locator("#step-1")).to_be_focused()
    expect(page.get_by_label("Title of step 2")).to_have_value("Your school")

    # Preview, as a learner sees it.
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Preview of your draft")).to_be_visible()
    picture = page.get_by_role("img", name="The TASC wheel, eight stages round")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") == 320
    assert_accessible(page)
    screenshot(page, "training-authoring-preview-1280")
    page.get_by_role("link", name="Back to editing").click()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").first).to_contain_text("Published version 1.")
    module = Module.objects.get(title="Spotting potential")
    assert [s["kind"] for s in module.versions.get().steps] == ["page", "reflection", "check"]
    assert_accessible(page)
    screenshot(page, "training-authoring-published-1280")
    sign_out(page)

    # A leading teacher of the LA reads it.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Training")
    page.get_by_role("link", name="Own LA leading teachers").click()
    page.get_by_role("link", name="Spotting potential").click()
    expect(page.get_by_role("heading", name="What potential looks like")).to_be_visible()
    picture = page.get_by_role("img", name="The TASC wheel, eight stages round")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") == 320
    assert_accessible(page)
    screenshot(page, "training-authoring-learner-1280")
    on_a_phone(page, "training-authoring-learner")


def test_an_la_shares_a_module_and_another_la_copies_it(page: Page, tiny_world):
    world = add_training(tiny_world)
    module = world.modules["own"]
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(f"/training/write/modules/{module.pk}/")
    page.get_by_role("button", name="Share version 1").click()
    expect(page.get_by_role("status").first).to_contain_text("Shared version 1 with the other LAs")
    expect(page.locator("#share")).to_be_focused()
    sign_out(page)

    sign_in_and_land_home(page, "la.other", TinyWorld.PASSWORD)
    open_from_bar(page, "Write training")
    page.get_by_role("link", name="Modules other LAs share").click()
    card = page.locator(".card").filter(has_text="Identifying G&T learners")
    expect(card).to_contain_text(f"From {world.las['own'].name}, version 1")
    assert_accessible(page)
    screenshot(page, "training-authoring-shared-1280")
    on_a_phone(page, "training-authoring-shared")
    card.get_by_label("Copy into").select_option(label="Other LA course")
    card.get_by_role("button", name="Copy as a draft").click()
    expect(page.get_by_role("status").first).to_contain_text("as a draft")
    expect(page.locator(".provenance")).to_have_text(
        f"Copied from {world.las['own'].name}, Identifying G&T learners version 1."
    )
    expect(page.get_by_label("Title of step 1")).to_have_value("Who are the more able?")
    assert_accessible(page)
    screenshot(page, "training-authoring-copied-1280")
    page.get_by_role("link", name="Other LA course").click()
    expect(page.get_by_text(f"Copied from {world.las['own'].name}")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "training-authoring-programme-1280")
    on_a_phone(page, "training-authoring-programme")


def test_a_draft_changed_in_another_tab_is_not_written_over(page: Page, tiny_world):
    world = add_training(tiny_world)
    module = world.modules["own"]
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(f"/training/write/modules/{module.pk}/")
    other = page.context.new_page()
    other.goto(f"/training/write/modules/{module.pk}/")

    page.get_by_label("Title of step 1").fill("Who are the more able? (first tab)")
    _saved(page)
    other.get_by_label("Text of step 1").fill("Words from the second tab.")
    conflict = other.locator(".conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("changed in another tab or by another author")
    expect(other.locator("#save-status")).to_contain_text("Not saved")
    assert Module.objects.get(pk=module.pk).draft["steps"][0]["title"].endswith("(first tab)")
    assert_accessible(other)
    screenshot(other, "training-authoring-conflict-1280")

    other.get_by_role("button", name="Keep mine (replace theirs)").click()
    _saved(other)
    assert Module.objects.get(pk=module.pk).draft["steps"][0]["body"] == (
        "Words from the second tab."
    )
    other.close()
