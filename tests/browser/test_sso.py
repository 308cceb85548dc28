"""Signing in through a school's identity provider, end to end in the browser, against the test
OpenID provider running as its own process on 127.0.0.1: a teacher types the school's sign-in
code on the sign-in page, follows "Sign in with ..." to the provider and back, and lands on
their home page; someone the school does not know gets the clear page, signed in nowhere. The
coordinator's connection pages are looked at too. Every page is axe-clean and pictured at 1280
and 390 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.sso.tests.helpers import connect
from risingtide.sso.tests.running import start_provider
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def oidc(settings):
    running = start_provider()
    settings.FETCH_ALLOW_HOSTS = [running.host]
    yield running
    running.stop()


def both_widths(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"{name}-1280")
    on_a_phone(page, name)


def test_a_teacher_signs_in_through_the_schools_provider(page: Page, tiny_world, server, oidc):
    w = tiny_world
    teacher = w.users["teacher@own"]
    teacher.email = "tom@own.example.sch.uk"
    teacher.save(update_fields=["email"])
    provider = connect(oidc, school=w.schools["own"], name="Own School Google")
    oidc.control(redirect_uris=[f"{server.url}/sso/{provider.slug}/callback/"])

    # The coordinator's page shows the connection and the address to share.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/schools/{w.schools['own'].pk}/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in providers for Own School")
    # Each connection's own redirect URI, to register with its provider.
    expect(page.get_by_text(f"{server.url}/sso/{provider.slug}/callback/").first).to_be_visible()
    both_widths(page, "sso-connections")
    page.get_by_role("link", name="Own School Google").click()
    expect(page.get_by_text("Client secret: set.")).to_be_visible()
    both_widths(page, "sso-connection")
    page.get_by_role("button", name="Test the discovery URL").click()
    expect(page.get_by_text(f"The provider answered. Its issuer is {oidc.base}.")).to_be_visible()
    sign_out(page)

    # The teacher types the school's sign-in code on the sign-in page.
    page.goto("/accounts/login/")
    both_widths(page, "sso-sign-in-page")
    page.get_by_label("School sign-in code").fill(provider.slug)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Rising Tide")
    both_widths(page, "sso-landing")
    page.get_by_role("link", name="Sign in with Own School Google").click()
    # Through the provider and back: their own home page.
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, Teach"))
    sign_out(page)

    # Someone the school does not know: the clear page, signed in nowhere.
    oidc.control(
        claims={"sub": "stranger", "email": "who@own.example.sch.uk", "email_verified": True}
    )
    page.goto(f"/sso/{provider.slug}/")
    page.get_by_role("link", name="Sign in with Own School Google").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "We couldn't find your Rising Tide account"
    )
    expect(page.get_by_text("G&T coordinator")).to_be_visible()
    both_widths(page, "sso-unknown")
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to Rising Tide")).to_be_visible()
