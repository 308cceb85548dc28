"""An exported portfolio opens from disk, with no server, and shows its items, media and graph."""

import zipfile

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.portfolios import services
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_the_downloaded_zip_opens_offline(page: Page, tiny_world, tmp_path):
    pupil = tiny_world.users["pupil@own"]
    portfolio = tiny_world.portfolios["own"]
    services.connect(
        pupil, portfolio, tiny_world.uploads["own"].pk, tiny_world.items["own"].pk, "supports", ""
    )
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{portfolio.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything (ZIP)").click()
    archive = download.value.path()
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path)
        assert z.read("portfolio.pdf").startswith(b"%PDF")

    page.context.clear_cookies()  # nothing from the server from here on
    offline = page.context.new_page()
    offline.goto((tmp_path / "index.html").as_uri())
    expect(offline.get_by_role("heading", name="own project")).to_be_visible()
    expect(offline.locator("#stage-gather article").first).to_contain_text("What I know")
    expect(offline.locator("#feedback")).to_contain_text("Next step on own note")
    picture = offline.get_by_role("img", name="own picture")
    expect(picture).to_be_visible()
    assert offline.evaluate("(img) => img.naturalWidth", picture.element_handle()) > 0
    graph = offline.get_by_role("img", name="Graph of the connections between items")
    expect(graph).to_be_visible()
    expect(offline.locator("#connections li")).to_contain_text("own picture supports own note")
    screenshot(offline, "export-offline")
    assert_accessible(offline)
