"""A pupil lists ideas, scores them in the decision grid and plans the work."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_ideas_decision_grid_and_plan(page: Page, tiny_world):
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{tiny_world.portfolios['own'].pk}/")
    page.get_by_role("link", name="Open the thinking tool for Generate").click()
    page.get_by_label("My ideas, one a line").fill("Bamboo tubes\nDrilled log")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

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

    page.goto(f"/portfolios/{tiny_world.portfolios['own'].pk}/tools/implement/")
    page.get_by_label("Step 1", exact=True).fill("Cut the bamboo")
    page.get_by_label("Step 1: who").fill("Me")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Step 1", exact=True)).to_have_value("Cut the bamboo")
    assert_accessible(page)
