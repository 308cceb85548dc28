"""TASC badges in the browser: a teacher awards "Completed a TASC project" from the progress
grid (and is back on the row they acted on, told so); the head lets pupils download their
badges; the pupil finds it in My badges (picture, name, who gave it, when), downloads it, and,
signed out, anyone checks it on the public verification page: it verifies, and names the
pupil by first name and initial only."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import (
    on_a_phone,
    open_from_bar,
    screenshot,
    sign_in,
    sign_in_and_land_home,
    sign_out,
)

pytestmark = pytest.mark.browser


def test_a_badge_from_the_grid_to_the_pupil_and_the_checking_page(page: Page, tiny_world):
    pupil = tiny_world.users["pupil@own"]
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto(f"/projects/{tiny_world.projects['own'].pk}/progress/")
    page.get_by_role("link", name="Award a badge to Ada Own").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Own")
    expect(page.get_by_role("heading", name=re.compile("Award a badge for"))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "badges-award-1280")
    on_a_phone(page, "badges-award")

    page.get_by_role("radio", name=re.compile("Completed a TASC project")).check()
    page.get_by_role("button", name="Award the badge").click()
    expect(page).to_have_url(re.compile(rf"/progress/#award-{pupil.pk}$"))
    expect(page.get_by_text("Awarded “Completed a TASC project” to Ada.")).to_be_visible()
    # The focus is back on the row the teacher acted on.
    expect(page.locator(f"#award-{pupil.pk}")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "badges-awarded-grid-1280")
    sign_out(page)

    # The head lets the school's pupils download their badges.
    sign_in_and_land_home(page, "head.own", TinyWorld.PASSWORD)
    page.goto(f"/badges/schools/{tiny_world.schools['own'].pk}/")
    assert_accessible(page)
    screenshot(page, "badges-school-1280")
    page.get_by_label(re.compile("may download their badges")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the school's badge choices.")).to_be_visible()
    sign_out(page)

    # The pupil finds the badge and downloads it.
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    open_from_bar(page, "My badges")
    expect(page.get_by_role("heading", name="My badges")).to_be_visible()
    card = page.locator(".badge-card").first
    expect(card.get_by_role("heading", name="Completed a TASC project")).to_be_visible()
    expect(
        card.get_by_role("img", name="A gold medal with a star on a blue ribbon")
    ).to_be_visible()
    expect(card).to_contain_text("From Teach Own")
    assert_accessible(page)
    screenshot(page, "badges-mine-1280")
    on_a_phone(page, "badges-mine")
    with page.expect_download() as download:
        card.get_by_role("link", name=re.compile("Download the badge")).click()
    assert download.value.suggested_filename.startswith("badge-completed-a-tasc-project-")
    token = download.value.path().read_text()
    sign_out(page)

    # Anyone, signed out, checks it.
    page.goto("/training/credentials/verify/")
    page.get_by_label("Paste the credential").fill(token)
    page.get_by_role("button", name="Check the credential").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_be_focused()
    expect(verdict.get_by_role("heading", name=re.compile("Valid"))).to_be_visible()
    expect(verdict).to_contain_text("Completed a TASC project")
    expect(verdict).to_contain_text("Ada O.")
    expect(verdict).not_to_contain_text("Ada Own")
    assert_accessible(page)
    screenshot(page, "badges-verified-1280")
    on_a_phone(page, "badges-verified")
    verdict.get_by_role("link", name="This credential’s own page").click()
    expect(page.get_by_text("This badge stands")).to_be_visible()
    assert_accessible(page)


def test_a_carer_sees_their_childs_badge(page: Page, tiny_world):
    from risingtide.badges.tests.world import add_badges

    add_badges(tiny_world)
    sign_in(page, "carer.own", TinyWorld.PASSWORD)
    page.goto("/badges/")
    expect(page.get_by_role("heading", name="Ada’s badges")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "badges-carer-1280")
