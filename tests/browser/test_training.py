"""Training in the browser: a leading teacher finds Training under More, opens a core module,
answers its knowledge check wrongly (and reads that answer's feedback), then rightly, writes a
reflection that saves as they type, and finishes; the programme then shows the module done and
the programme complete."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.training.models import Reflection
from risingtide.training.tests.world import add_training
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, open_from_bar, screenshot, sign_in_and_land_home

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def test_a_leading_teacher_works_through_a_core_module(page: Page, tiny_world):
    world = add_training(tiny_world)
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Training")
    page.get_by_role("link", name="Leading teacher 2026").click()
    expect(page.get_by_text("1 core module left.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "training-programme-before-1280")

    page.get_by_role("link", name="Identifying G&T learners").click()
    expect(page.get_by_role("heading", name="Who are the more able?")).to_be_visible()
    page.get_by_role("link", name="Next step").click()

    page.get_by_label("Only those with the top test scores").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Not passed yet: 0 of 1 right")
    expect(page.get_by_text("Test scores miss underachievers and quiet thinkers.")).to_be_visible()
    expect(page.locator("#check-result")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "training-check-wrong-1280")
    on_a_phone(page, "training-check-wrong")

    page.get_by_label("Any pupil who shows high potential, in any way").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Passed: 1 of 1 right.")
    expect(page.get_by_text("Yes: look for potential, not only attainment.")).to_be_visible()
    page.get_by_role("link", name="Next step").click()

    page.get_by_label(re.compile("^Your reflection")).fill("The quiet ones in Year 8 who")
    expect(page.locator(".save-status")).to_have_text("All changes saved.")
    page.get_by_label(re.compile("^Your reflection")).press_sequentially(" never put a hand up.")
    expect(page.locator(".save-status")).to_have_text("All changes saved.")
    assert Reflection.objects.get().body == "The quiet ones in Year 8 who never put a hand up."
    expect(page.locator("[data-left-step='2']")).to_be_hidden()
    expect(page.get_by_text("Everything is done: finish to record it.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "training-reflection-1280")
    on_a_phone(page, "training-reflection")

    page.get_by_role("button", name="Finish this module").click()
    expect(page.get_by_role("status")).to_contain_text(
        "You have finished “Identifying G&T learners”."
    )
    module = world.modules["nation"]
    expect(page.locator(f"#module-{module.pk}")).to_be_focused()
    expect(page.locator(f"#module-{module.pk}")).to_contain_text("Done")
    expect(page.get_by_text("you completed this programme on")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "training-programme-done-1280")
    on_a_phone(page, "training-programme-done")
