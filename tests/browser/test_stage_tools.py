"""A pupil lists ideas, scores them in the decision grid and plans the work."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_ideas_decision_grid_and_plan(page: Page, tiny_world):
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{tiny_world.portfolios['own'].pk}/")
    page.get_by_role("link", name="Stage 3: Generate").click()
    page.get_by_role("link", name="Open the thinking tool for Generate").click()
    expect(page.locator("form[data-tool-autosave][data-ready]")).to_have_count(1)
    page.get_by_label("My ideas, one a line").fill("Bamboo tubes\nDrilled log")
    # It saves itself, as a note does; the status line says so.
    expect(page.locator("#tool-status")).to_have_text("All changes saved.")
    page.reload()
    expect(page.get_by_label("My ideas, one a line")).to_have_value("Bamboo tubes\nDrilled log")
    save = page.get_by_role("button", name="Save")
    save.click()
    expect(page.locator("#tool-status")).to_have_text("All changes saved.")
    expect(save).to_be_focused()
    screenshot(page, "stage-tool-ideas")
    on_a_phone(page, "stage-tool-ideas")

    page.goto(f"/portfolios/{tiny_world.portfolios['own'].pk}/tools/decide/")
    page.get_by_label("What makes an idea good?").fill("cost\ntime")
    page.get_by_role("button", name="Save").click()
    page.locator("#s-0-0").select_option("3")
    page.locator("#s-1-0").select_option("1")
    page.get_by_label("Choose Bamboo tubes").check()
    page.get_by_label("Why I chose this idea").fill("Cheapest")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row", name="Bamboo tubes")).to_contain_text("3")
    screenshot(page, "decision-grid")
    assert_accessible(page)
    on_a_phone(page, "decision-grid")

    page.goto(f"/portfolios/{tiny_world.portfolios['own'].pk}/tools/implement/")
    page.get_by_label("Step 1", exact=True).fill("Cut the bamboo")
    page.get_by_label("Step 1: who").fill("Me")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Step 1", exact=True)).to_have_value("Cut the bamboo")
    screenshot(page, "stage-tool-plan")
    assert_accessible(page)
    on_a_phone(page, "stage-tool-plan")
