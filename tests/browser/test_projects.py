"""A teacher sets a TASC project to a class; a pupil finds it and sees the wheel."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.world import DEMO_PASSWORD
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


def test_teacher_sets_a_project_and_a_pupil_sees_it(page: Page, demo):
    sign_in_and_land_home(page, "teacher", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Title").fill("Design a pond dipping survey")
    page.get_by_label("Brief").fill("Find out what solitary bees need, then design them a home.")
    page.get_by_label("Subject or curriculum area").fill("Science")
    page.get_by_label("Key stage").select_option("ks3")
    page.get_by_label("Success criteria").fill("I can explain my design\nI can test it")
    page.get_by_text("Extra prompts for each stage (optional)").click()
    page.get_by_label("Extra prompts for Gather and Organise").fill("Which bees live near school?")
    assert_accessible(page)
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Design a pond dipping survey")

    page.get_by_role("link", name="Set to pupils").click()
    page.get_by_label("7A").check()
    assert_accessible(page)
    page.get_by_role("button", name="Set the project").click()
    expect(page.get_by_text("Class 7A")).to_be_visible()
    page.get_by_role("button", name="Open to pupils").click()
    expect(page.get_by_text("The project is now open.")).to_be_visible()
    screenshot(page, "project-teacher")
    assert_accessible(page)
    on_a_phone(page, "project-teacher")
    sign_out(page)

    sign_in_and_land_home(page, "pupil", DEMO_PASSWORD)
    page.get_by_role("link", name="Design a pond dipping survey", exact=True).click()
    wheel = page.get_by_role("img", name="TASC wheel")
    expect(wheel).to_be_visible()
    expect(page.get_by_text("Which bees live near school?")).to_be_visible()
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    screenshot(page, "project-pupil-wheel")
    assert_accessible(page)
