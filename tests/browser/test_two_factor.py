"""Two-factor sign-in in the browser: a leading teacher sets up an authenticator app (the test
computes its codes with django-otp's own TOTP, from the secret the page shows as text), signs
out and in with a code, and exports the register only after a fresh second factor; a head makes
a passkey with Chromium's virtual authenticator and signs in with it."""

import base64
import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.twofactor import policy
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


def _code(secret: str, step: int, user=None) -> str:
    """What the app would show, from the key typed off the page: ``step`` 30-second steps on
    from now (a device takes one step either side, and never the same step twice).

    Counted from the ``user``'s app's drift: if a step ended between a code being typed and
    checked, the server took it as the step before and now counts the app one step behind."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
    return f"{totp(key, drift=step + (device.drift if device else 0)):06d}"


def _wait_for_a_new_step(user) -> None:
    """The device refuses a step it has already taken: wait for the clock to reach a new one."""
    last = TOTPDevice.objects.get(user=user, confirmed=True).last_t
    while int(time.time()) // 30 < last:
        time.sleep(0.5)


def _age_the_check(page: Page, minutes: int = 16) -> None:
    """As if the last check were ``minutes`` ago (the session is the server's, by its cookie)."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[policy.CHECKED_AT] = time.time() - minutes * 60
    session.save()


def test_a_leading_teacher_sets_up_an_app_and_exports_only_after_a_fresh_factor(
    page: Page, tiny_world
):
    lead = tiny_world.users["leading_teacher@own"]
    school = tiny_world.schools["own"]
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.locator("#menu-account > summary").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("#secret").inner_text()
    screenshot(page, "two-factor-setup-app")
    assert_accessible(page)
    on_a_phone(page, "two-factor-setup-app")
    page.get_by_label("Code from the app").fill(_code(secret, 0))
    page.get_by_role("button", name="Check and finish").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").locator("li")
    expect(codes).to_have_count(10)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the codes").click()
    assert codes.first.inner_text() in download.value.path().read_text()
    screenshot(page, "two-factor-recovery-codes")
    assert_accessible(page)
    on_a_phone(page, "two-factor-recovery-codes")
    page.get_by_role("button", name="I have kept them: carry on").click()
    expect(page.get_by_role("table", name="Your second factors")).to_contain_text(
        "Authenticator app"
    )
    sign_out(page)

    # Signing in again: the second step comes before any page.
    sign_in(page, "lead.own", TinyWorld.PASSWORD)
    expect(page.get_by_role("heading", name="Second step of sign-in")).to_be_visible()
    page.goto(f"/schools/{school.pk}/register/export/")
    expect(page.get_by_role("heading", name="Second step of sign-in")).to_be_visible()
    screenshot(page, "two-factor-step")
    assert_accessible(page)
    on_a_phone(page, "two-factor-step")
    page.reload()  # back at full width, as a person would start
    page.get_by_label("Code").fill(_code(secret, 1, lead))
    page.get_by_role("button", name="Check the code").click()
    # On to the page they asked for.
    expect(page).to_have_url(re.compile(rf"/schools/{school.pk}/register/export/$"))

    # Later (the check is older than the set time): the export asks again.
    _age_the_check(page)
    page.get_by_label("The register (CSV)").check()
    page.get_by_label("Why").select_option("governors")
    page.get_by_role("button", name="Export").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    screenshot(page, "two-factor-confirm")
    assert_accessible(page)
    on_a_phone(page, "two-factor-confirm")
    page.reload()
    _wait_for_a_new_step(lead)
    page.get_by_label("Code").fill(_code(secret, 1, lead))
    page.get_by_role("button", name="Check the code").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.pk}/register/export/$"))
    page.get_by_label("The register (CSV)").check()
    page.get_by_label("Why").select_option("governors")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export").click()
    assert download.value.path().read_text(encoding="utf-8-sig").startswith("UPN,Surname")


def test_a_head_makes_a_passkey_and_signs_in_with_it(page: Page, tiny_world, server, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [server.url.replace("127.0.0.1", "localhost")]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    base = server.url.replace("127.0.0.1", "localhost")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Sign-in name").fill("head.own")
    page.get_by_label("Password", exact=True).fill(TinyWorld.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/two-factor/account/")
    page.get_by_role("button", name="Add a passkey").click()
    # The first factor comes with recovery codes, shown once.
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("button", name="I have kept them: carry on").click()
    expect(page.get_by_role("table", name="Your second factors")).to_contain_text("Passkey")
    assert_accessible(page)
    sign_out(page)

    page.get_by_label("Sign-in name").fill("head.own")
    page.get_by_label("Password", exact=True).fill(TinyWorld.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Second step of sign-in")).to_be_visible()
    page.get_by_role("button", name="Use my passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, "))
