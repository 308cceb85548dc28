"""A pupil clips a page from a local test server (reached only through the test allow-list):
the link is kept at once, the background task fetches it, and the page shows it arriving."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.portfolios.models import Item
from risingtide.portfolios.tasks import fetch_clipping
from tests.browser.axe import assert_accessible
from tests.browser.steps import made, screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_pupil_clips_a_page_and_sees_it_arrive(page: Page, tiny_world, page_server):
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{tiny_world.portfolios['own'].pk}/")
    page.get_by_label("Add to Gather and Organise").fill(page_server)
    page.get_by_role("button", name="Add a Link").click()
    item = made(lambda: Item.objects.filter(url=page_server).first())
    card = page.locator(f"#card-{item.pk}")
    expect(card).to_contain_text("Getting the page")

    # The worker's part, done here: the card is polling and shows the result when it lands.
    assert fetch_clipping.call(item.pk) == "ready"
    expect(card).to_contain_text("Garden Wildlife", timeout=10_000)
    expect(card.get_by_role("link", name="Bee hotels")).to_be_visible()
    card.get_by_role("link", name="Bee hotels").click()
    expect(page.get_by_role("blockquote")).to_contain_text("Solitary bees nest in hollow stems")
    assert page.evaluate("() => window.stolen === undefined")
    screenshot(page, "clipping")
    assert_accessible(page)
