"""The library in the browser: a teacher publishes a project to their LA as a template; a
teacher at another school of that LA finds it by searching and copies it into their own
projects; a teacher in another LA cannot find it or open it."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser

TITLE = "Bee hotel design challenge"


def test_a_template_shared_with_the_la_is_found_and_copied_there_only(page: Page, tiny_world):
    project = tiny_world.projects["own"]
    project.brief = "Find out what solitary bees need, then design a bee hotel for the garden."
    project.success_criteria = ["I can explain what solitary bees need", "My design meets them"]
    project.stage_prompts = {"gather": ["Which bees nest near school?"]}
    project.save()

    # A teacher at "own" publishes their project to the LA.
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    page.get_by_role("link", name="own project").click()
    page.get_by_role("link", name="Publish to the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish own project to the library")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill(
        "A KS3 science project on solitary bees. Pupils research, design and test a bee hotel."
    )
    page.get_by_label("Subject").select_option(label="Science")
    page.get_by_role("radio", name="Schools in my local authority").check()
    expect(page.get_by_label("Licence")).to_have_value("cc-by-4.0")  # the default
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published to the library.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    library_url = page.url
    sign_out(page)

    # A teacher at "peer", another school in the same LA, finds it by searching and copies it.
    sign_in_and_land_home(page, "teacher.peer", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_label("Search words").fill("bee hotels")
    page.get_by_label("Subject").select_option(label="Science")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("best match first")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "library-search")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Which bees nest near school?")).to_be_visible()
    expect(page.get_by_text("I can explain what solitary bees need")).to_be_visible()
    screenshot(page, "library-template")
    assert_accessible(page)
    page.get_by_role("radio", name="5 stars").check()
    page.get_by_label("Your review (optional)").fill("Ready to use with Year 7.")
    page.get_by_role("button", name="Add my review").click()
    expect(page.get_by_text("5.0 out of 5 (1 review)")).to_be_visible()
    page.get_by_role("button", name="Copy into my projects").click()
    expect(page.get_by_text("This is your copy")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_text(re.compile(r"Adapted from .* in the library"))).to_be_visible()
    assert_accessible(page)
    page.goto(library_url)
    expect(page.get_by_text("1 time", exact=True)).to_be_visible()  # used once
    sign_out(page)

    # A teacher in the other LA does not find it, and cannot open it by its address.
    sign_in_and_land_home(page, "teacher.other", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_label("Search words").fill("bee hotels")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Results"))).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    response = page.goto(library_url)
    assert response is not None and response.status == 404


def test_a_teacher_shares_a_link_then_withdraws_it(page: Page, tiny_world):
    sign_in_and_land_home(page, "teacher.other", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Share a resource").click()
    page.get_by_role("radio", name="Link").check()
    page.get_by_label("Title").fill("Solitary bee identification guide")
    page.get_by_label("Subject").select_option(label="Science")
    page.get_by_role("radio", name="Every school on Rising Tide").check()
    page.get_by_label("Web address").fill("javascript:alert(1)")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("Web address")
    screenshot(page, "library-share-refused")
    assert_accessible(page)
    page.get_by_label("Web address").fill("https://example.org/bees")
    page.get_by_role("button", name="Publish").click()
    link = page.get_by_role("link", name="https://example.org/bees")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    assert_accessible(page)
    page.get_by_role("link", name="Withdraw").click()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw it").click()
    expect(page.get_by_text("Projects already copied from it stay.").first).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("link", name="Solitary bee identification guide")).to_have_count(0)
    page.get_by_role("link", name="Your resources").click()
    expect(page.get_by_role("link", name="Solitary bee identification guide")).to_be_visible()
    expect(page.get_by_text("withdrawn", exact=True)).to_be_visible()
