"""A teacher adds three pupils to a group, and one of them signs in with the printed card."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.world import DEMO_PASSWORD
from risingtide.people.models import User
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser

# Pasted from a spreadsheet with a header row; the first pupil's name has a stray digit.
PASTED_WITH_A_MISTAKE = """First name\tLast name
Ada3\tLovelace
Alan\tTuring
Grace\tHopper"""
PASTED = PASTED_WITH_A_MISTAKE.replace("Ada3", "Ada")


def test_teacher_adds_pupils_and_a_new_pupil_signs_in(page: Page, demo, browser_log):
    sign_in_and_land_home(page, "teacher", DEMO_PASSWORD)
    page.get_by_role("region", name="Teacher").get_by_role("link", name="7A").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("7A")
    expect(page.get_by_role("heading", name="Pupils (33)")).to_be_visible()

    page.get_by_role("link", name="Add pupils").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add pupils to 7A")
    assert_accessible(page)

    # A bad row: the whole list is refused, with each problem named by its line.
    page.get_by_label("Pupils, one a line").fill(PASTED_WITH_A_MISTAKE)
    page.get_by_role("button", name="Add pupils and print their cards").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("No pupils were added")
    expect(summary).to_contain_text("Correct 1 problem and try again")
    expect(summary.get_by_role("listitem")).to_have_text(
        [re.compile(r"^Line 2, first name: First name 'Ada3' may hold only letters")]
    )
    # What was pasted is still there to correct.
    expect(page.get_by_label("Pupils, one a line")).to_have_value(PASTED_WITH_A_MISTAKE)
    assert not User.objects.filter(last_name__in=["Lovelace", "Turing", "Hopper"]).exists()
    screenshot(page, "add-pupils-error-summary")
    assert_accessible(page)

    page.get_by_label("Pupils, one a line").fill(PASTED)
    page.get_by_role("button", name="Add pupils and print their cards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("3 pupils added to 7A")
    cards = page.get_by_role("list", name="Sign-in cards").get_by_role("listitem")
    expect(cards).to_have_count(3)
    expect(cards.locator(".card-name")).to_have_text(
        ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    )
    first_card = cards.first
    username = first_card.locator("dt:text-is('Sign-in name') + dd").inner_text().strip()
    password = first_card.locator("dt:text-is('Password') + dd").inner_text().strip()
    assert re.fullmatch(r"[a-z0-9._-]{3,40}", username), username
    assert password
    expect(first_card).to_contain_text(page.url.split("/groups/")[0] + "/")
    screenshot(page, "add-pupils-cards")
    assert_accessible(page)

    sign_out(page)
    sign_in_and_land_home(page, username, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ada")
    classes = page.get_by_role("region", name="Pupil")
    expect(classes.get_by_role("listitem")).to_contain_text(["7A"])
    assert_accessible(page)

    browser_log.assert_no_csp_violations()
