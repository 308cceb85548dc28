"""A pupil clips a page from a local test server (reached only through the test allow-list):
the link is kept at once, the background task fetches it, and the page shows it arriving."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.portfolios.models import Item
from risingtide.portfolios.tasks import fetch_clipping
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_pupil_clips_a_page_and_sees_it_arrive(page: Page, tiny_world, page_server):
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{tiny_world.portfolios['own'].pk}/")
    page.get_by_label("Web address to clip into Gather and Organise").fill(page_server)
    page.locator("#stage-gather").get_by_role("button", name="Clip").click()
    expect(page.get_by_text("Fetching the page")).to_be_visible()

    # The worker's part, done here: the page is polling and shows the result when it lands.
    item = Item.objects.get(url=page_server)
    assert fetch_clipping.call(item.pk) == "ready"
    expect(page.get_by_text("Garden Wildlife")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("blockquote")).to_contain_text("Solitary bees nest in hollow stems")
    assert page.evaluate("() => window.stolen === undefined")
    screenshot(page, "clipping")
    assert_accessible(page)
