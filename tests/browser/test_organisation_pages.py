"""The school, local authority and nation pages, reached from the main navigation."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.world import DEMO_PASSWORD
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_coordinator_opens_their_school(page: Page, demo):
    sign_in_and_land_home(page, "coordinator", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverton Academy")
    expect(page.get_by_role("table", name="Teaching groups at Riverton Academy")).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_text(["7A", "8A", "9A", "10A", "11A"])
    expect(page.get_by_role("heading", name="Staff with a G&T role")).to_be_visible()
    screenshot(page, "school")
    assert_accessible(page)


def test_la_lead_opens_their_local_authority(page: Page, demo):
    sign_in_and_land_home(page, "la.lead", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My LA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverton LA 991")
    expect(page.get_by_role("rowheader")).to_have_text(
        [
            re.compile(r"^Brookside Primary School"),
            re.compile(r"^Kingfisher Community Primary"),
            re.compile(r"^Oakhurst Church of England Primary"),
            "Riverton Academy",
        ]
    )
    screenshot(page, "local-authority")
    assert_accessible(page)


def test_national_officer_opens_the_nation(page: Page, demo):
    sign_in_and_land_home(page, "national", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Nation", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Westmarch")
    expect(page.get_by_text("2 local authorities, 6 schools")).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_text(["Hollowmere", "Riverton"])
    screenshot(page, "nation")
    assert_accessible(page)
