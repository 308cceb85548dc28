"""The teacher's progress grid in the browser: a teacher with five minutes opens the grid of a
class part-way through a project, sorts it by who needs help, sees the pupil stuck longest at
the top and goes straight into the stage that pupil is stuck at; at a desk's width and a
phone's."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.grid_world import fill_class
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_teacher_sorts_by_who_needs_help_and_opens_a_stuck_pupils_stage(page: Page, tiny_world):
    portfolios = fill_class(tiny_world)
    project = tiny_world.projects["own"]
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress own project")
    expect(page.get_by_text("2 of 10 need help")).to_be_visible()
    grid = page.get_by_role("table", name="10 pupils, sorted by name")
    expect(grid.locator("tbody th").first).to_have_text("Adams, Chloe")
    assert_accessible(page)

    page.get_by_label("Sort by").select_option(label="Who needs help first")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?sort=help$"))
    grid = page.get_by_role("table", name="10 pupils, sorted by who needs help first")
    names = grid.locator("tbody th")
    # Dev, quiet for 12 days, then Finn, quiet for 8; then Ella and Hamza, waiting for a reply.
    expect(names.nth(0)).to_have_text("Patel, Dev")
    expect(names.nth(1)).to_have_text("Clarke, Finn")
    expect(names.nth(2)).to_have_text("Ali, Hamza")
    expect(names.nth(3)).to_have_text("Brown, Ella")
    dev = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Patel, Dev"))
    expect(dev).to_contain_text("12 days ago")
    expect(dev).to_contain_text("stuck")
    stuck_cell = dev.get_by_role("link", name="Dev Patel, Identify: stuck, 1 item")
    expect(stuck_cell.locator("[aria-hidden]")).to_have_text(["!", "1"])  # seen: a mark, a count
    screenshot(page, "progress-grid-1280")
    assert_accessible(page)

    # At a phone's width the grid scrolls inside its own region, pupils' names kept in view.
    page.set_viewport_size({"width": 390, "height": 844})
    region = page.get_by_role("region", name="10 pupils, sorted by who needs help first")
    expect(region).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "progress-grid-390")
    assert_accessible(page)
    region.focus()
    for _ in range(30):  # the region scrolls by keyboard; the names column stays put
        page.keyboard.press("ArrowRight")
    # Smooth scrolling animates each press; wait for it to settle rather than read mid-flight.
    region.element_handle().wait_for_element_state("stable")
    page.wait_for_function("el => el.scrollLeft > 200", arg=region.element_handle(), timeout=5000)
    expect(dev.get_by_role("rowheader")).to_be_in_viewport()
    expect(dev.get_by_text("12 days ago")).to_be_in_viewport()
    screenshot(page, "progress-grid-390-scrolled")

    page.set_viewport_size({"width": 1280, "height": 800})
    stuck_cell.click()
    dev_portfolio = portfolios["Dev"].pk
    expect(page).to_have_url(
        re.compile(rf"/portfolios/{dev_portfolio}/\?stage=identify#stage-identify$")
    )
    expect(page.locator("#stage-identify")).to_be_visible()
    expect(page.get_by_text("Idea 1")).to_be_visible()
    assert_accessible(page)


def test_teacher_shows_only_the_pupils_who_need_feedback(page: Page, tiny_world):
    fill_class(tiny_world)
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto(f"/projects/{tiny_world.projects['own'].pk}/progress/?sort=help")
    page.get_by_label("Only pupils who need feedback").check()
    page.get_by_role("button", name="Show").click()
    grid = page.get_by_role(
        "table", name="5 of 10 pupils, only those who need feedback, sorted by who needs help first"
    )
    expect(grid.locator("tbody th")).to_have_text(
        ["Patel, Dev", "Clarke, Finn", "Ali, Hamza", "Brown, Ella", "Jones, Isla"]
    )
    expect(page.get_by_label("Sort by")).to_have_value("help")
    assert_accessible(page)
