"""OneRoster in the browser: a coordinator uploads a bundle, watches it being checked, reads the
preview, confirms, watches it being written and reads the result; a new pupil from the bundle
signs in with the card their teacher prints, and another through the school's own sign-in
provider (the test OpenID provider on 127.0.0.1), matched by the MIS id the bundle gave them."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.people.models import User
from risingtide.people.services import reissue_passwords
from risingtide.rostering.models import RosterImport
from risingtide.rostering.tasks import check_roster, write_roster
from risingtide.rostering.tests import bundles
from risingtide.sso.models import IdentityProvider
from risingtide.sso.tests.helpers import connect
from risingtide.sso.tests.running import start_provider
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


@pytest.fixture
def oidc(settings):
    running = start_provider()
    settings.FETCH_ALLOW_HOSTS = [running.host]
    yield running
    running.stop()


def test_a_coordinator_imports_a_oneroster_bundle(page: Page, tiny_world, tmp_path, server, oidc):
    bundle = tmp_path / "own-school-oneroster.zip"
    bundle.write_bytes(bundles.zip_of(bundles.files()))

    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Roster import")
    expect(page.get_by_role("heading", name="Import a roster")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "oneroster-upload")
    page.get_by_label("OneRoster 1.2 CSV bundle (zip)").set_input_files(str(bundle))
    page.get_by_role("button", name="Check the bundle").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_text("Checking the bundle")).to_be_visible()
    assert_accessible(page)
    batch = RosterImport.objects.get()
    assert check_roster.call(batch.pk) == "checked"  # the worker's part

    # The page polls its progress and shows the preview by itself once the check is done.
    expect(page.get_by_role("heading", name="What this bundle would do")).to_be_visible()
    summary = page.get_by_role("table", name="Summary")
    expect(summary.get_by_role("row", name="Pupils")).to_contain_text("4")
    expect(page.get_by_role("cell", name='7K, "Kingfishers"')).to_be_visible()
    expect(page.get_by_text("carers are linked by the school's invitation")).to_be_visible()
    screenshot(page, "oneroster-preview")
    assert_accessible(page)
    on_a_phone(page, "oneroster-preview")

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Writing the roster")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert write_roster.call(batch.pk) == "written"
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    expect(page.get_by_text("Nobody's account or work was deleted")).to_be_visible()
    screenshot(page, "oneroster-result")
    assert_accessible(page)
    on_a_phone(page, "oneroster-result")
    sign_out(page)

    # The new pupil signs in with the card the coordinator prints for them.
    pupil = User.objects.get(mis_id="P0001")
    [card] = reissue_passwords(User.objects.get(username="lead.own"), [pupil])
    sign_in(page, pupil.username, card.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Amira")
    sign_out(page)

    # Another new pupil signs in through the school's provider: no card, no password. The
    # provider sends the MIS id the bundle gave her; the school's connection matches on it.
    provider = connect(
        oidc,
        school=tiny_world.schools["own"],
        name="Own School accounts",
        slug="own-school",
        match_on=IdentityProvider.MatchOn.MIS_ID,
        mis_id_claim="mis_id",
    )
    oidc.control(
        redirect_uris=[f"{server.url}/sso/{provider.slug}/callback/"],
        claims={"sub": "ben-oneill", "mis_id": "P0002"},
    )
    page.goto("/accounts/login/")
    page.get_by_label("School sign-in code").fill(provider.slug)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Sign in with Own School accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ben")
    assert_accessible(page)
    screenshot(page, "oneroster-pupil-signed-in-by-sso")
