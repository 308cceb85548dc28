"""Pictures of the board and the graph, at a desk's width and a phone's, for people to look at
(and for docs/img/), and the README's picture: the demo pupil's board with her work in it."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.demo.world import DEMO_PASSWORD
from risingtide.portfolios.models import Portfolio
from tests.browser.axe import assert_accessible
from tests.browser.board_world import fill_portfolio
from tests.browser.steps import SCREENSHOTS, screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_pictures_of_the_board_and_the_graph(page: Page, tiny_world):
    portfolio = fill_portfolio(tiny_world)
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/portfolios/{portfolio.pk}/")
        screenshot(page, f"board-{width}")
        page.goto(f"/portfolios/{portfolio.pk}/connections/")
        expect(page.locator("#graph.ready")).to_be_visible()
        page.wait_for_timeout(300)
        screenshot(page, f"graph-{width}")


def test_the_readme_picture_is_the_demo_pupils_board(page: Page, demo):
    """docs/img/pupil-board.png is this picture (copied by hand when the board changes): Maya's
    bee hotel, open at the stage where she gathered a note and three clippings."""
    portfolio = Portfolio.objects.get(
        members__username="pupil", project__title="Design a bee hotel"
    )
    sign_in_and_land_home(page, "pupil", DEMO_PASSWORD)
    page.goto(f"/portfolios/{portfolio.pk}/?stage=gather")
    cards = page.locator(".board .card")
    expect(cards).to_have_count(4)
    expect(cards.filter(has_text="Solitary bees")).to_contain_text("Garden Wildlife Notes")
    pictures = page.locator(".board .card img")
    expect(pictures).to_have_count(3)
    # The cards' pictures are loading="lazy", which Chromium does not count in the load event: wait
    # for each to arrive (and be a real picture) rather than read them the moment the page is up.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.board .card img')]
                   .every(i => i.complete && i.naturalWidth > 0)""",
        timeout=20_000,
    )
    assert_accessible(page)
    # From the top of the page to the stage's last button: the header, the wheel, the cards.
    bottom = page.locator("#finish").bounding_box()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / "pupil-board.png",
        clip={"x": 0, "y": 0, "width": 1280, "height": bottom["y"] + bottom["height"] + 24},
        full_page=True,
    )
