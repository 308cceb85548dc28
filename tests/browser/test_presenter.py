"""The presenter view: a teacher puts a project on the board for the class and moves through
its stages with the keyboard (or a clicker) and with the on-screen controls, showing the work
pupils chose to share; it reads on a projector and on a pupil's tablet or phone."""

import re

import pytest
from django.http import QueryDict
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.portfolios import tools
from risingtide.portfolios.services import share_presentation
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def _present_and_share(world) -> None:
    """The pupil picks their picture to present (the Communicate tool) and shares it."""
    pupil, portfolio = world.user("pupil@own"), world.portfolios["own"]
    chosen = QueryDict(mutable=True)
    chosen.setlist("item", [str(world.uploads["own"].pk)])
    chosen["audience"] = "Year 7"
    tools.save_stage_work(pupil, portfolio, "communicate", chosen, 0)
    share_presentation(pupil, portfolio, "class")


def test_teacher_presents_a_project_stage_by_stage(page: Page, tiny_world):
    _present_and_share(tiny_world)
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto(f"/projects/{tiny_world.projects['own'].pk}/")
    page.get_by_role("link", name="Present to the class").click()
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text(re.compile(r"^1\. Gather and Organise"))
    stages = page.get_by_role("navigation", name="Stages")
    expect(stages.get_by_role("link", name=re.compile("^Previous"))).to_have_count(0)

    # The on-screen controls: pick the shared picture and show it to the class.
    pick = page.get_by_role("group", name=re.compile("Pupils' work to show"))
    pick.get_by_role("checkbox", name=re.compile("own picture")).check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="From the class")).to_be_visible()
    expect(page.locator("ol.presented > li").get_by_role("img")).to_be_visible()
    screenshot(page, "presenter-1280")
    assert_accessible(page)
    on_a_phone(page, "presenter")

    # The keyboard, as a clicker sends it: the right arrow moves on a stage, the left back.
    page.keyboard.press("ArrowRight")
    expect(title).to_have_text(re.compile(r"^2\. Identify"))
    page.keyboard.press("ArrowRight")
    expect(title).to_have_text(re.compile(r"^3\. Generate"))
    page.keyboard.press("ArrowLeft")
    expect(title).to_have_text(re.compile(r"^2\. Identify"))
    # Tab and Enter: the page opens at the stage's title, so Previous and Next come next.
    stages.get_by_role("link", name="Next: 3. Generate").focus()
    page.keyboard.press("Enter")
    expect(title).to_have_text(re.compile(r"^3\. Generate"))
    assert page.evaluate("location.hash") == "#lesson-title"
    expect(title).to_be_focused()
    page.keyboard.press("Tab")
    expect(stages.get_by_role("link", name="Previous: 2. Identify")).to_be_focused()

    # The on-screen Next and Previous.
    stages.get_by_role("link", name=re.compile("^Next")).click()
    expect(title).to_have_text(re.compile(r"^4\. Decide"))
    stages.get_by_role("link", name=re.compile("^Previous")).click()
    expect(title).to_have_text(re.compile(r"^3\. Generate"))
    # The last stage has nowhere further to go, by either way.
    page.get_by_label("Stage", exact=True).select_option(label="8. Learn from Experience")
    page.get_by_role("button", name="Show").click()
    expect(title).to_have_text(re.compile(r"^8\. Learn from Experience"))
    expect(stages.get_by_role("link", name=re.compile("^Next"))).to_have_count(0)
    page.keyboard.press("ArrowRight")
    expect(title).to_have_text(re.compile(r"^8\. Learn from Experience"))
