"""The site administrator's security overview: found from the bar, it says plainly that there
is no backup yet; once one is made, how old it is. Axe-clean at 1280 and 390 px."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.backups import archive
from risingtide.backups.tests.test_archive import site
from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, open_from_bar, screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_the_site_administrator_checks_the_sites_defences(
    page: Page, tiny_world, settings, tmp_path
):
    settings.BACKUP_DIR = tmp_path / "backups"
    sign_in_and_land_home(page, "siteadmin", TinyWorld.PASSWORD)
    open_from_bar(page, "Security")
    expect(page.get_by_role("heading", level=1)).to_have_text("Security overview")
    backups = page.locator("section").filter(has=page.get_by_role("heading", name="Backups"))
    expect(backups).to_contain_text("No backup yet")
    expect(backups).to_contain_text("Needs attention")
    for title in ("Deployment checks", "Two-factor sign-in", "Failed sign-ins"):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "security-overview-no-backup-1280")

    archive.make_backup(site(tmp_path / "site"), settings.BACKUP_DIR)
    page.reload()
    expect(backups).to_contain_text("Newest backup made 0\xa0minutes ago.")
    expect(backups).to_contain_text("OK")
    assert_accessible(page)
    screenshot(page, "security-overview-1280")
    on_a_phone(page, "security-overview")

    requirement = page.get_by_role("link", name="Change the site's requirement")
    expect(requirement).to_have_attribute("href", "/two-factor/site/")
