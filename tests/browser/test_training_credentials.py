"""Training credentials in the browser: a leading teacher who has completed their LA's
programme downloads the certificate (a PDF that says who, what, who issued it and where to
check it) and the badge; anyone, signed out, checks the badge on the public page and it
verifies; a tampered copy fails with the reason; the LA lead revokes it (issued in error) with
a reason, and the checking page and the credential's own page then show it revoked."""

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from risingtide.demo.testing import TinyWorld
from risingtide.training.tests.world import complete
from tests.browser.axe import assert_accessible
from tests.browser.steps import (
    on_a_phone,
    open_from_bar,
    screenshot,
    sign_in_and_land_home,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def check(page: Page, credential: str) -> None:
    page.goto("/training/credentials/verify/")
    page.get_by_label("Paste the credential").fill(credential)
    page.get_by_role("button", name="Check the credential").click()
    expect(page.locator("#verdict")).to_be_focused()


def tampered(token: str) -> str:
    """The same badge with one character of its payload changed (say, to alter the name)."""
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    changed = "B" if payload[middle] != "B" else "C"
    return f"{header}.{payload[:middle]}{changed}{payload[middle + 1 :]}.{signature}"


def test_a_leading_teacher_downloads_a_badge_that_anyone_can_check(page: Page, tiny_world):
    completion = complete(tiny_world, "own", "leading_teacher@own")
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Training")
    page.get_by_role("link", name="Own LA essentials").click()
    expect(page.get_by_text("you completed this programme on")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "credentials-programme-complete-1280")

    with page.expect_download() as certificate:
        page.get_by_role("link", name="Download certificate (PDF)").click()
    pdf = certificate.value.path().read_bytes()
    assert pdf[:4] == b"%PDF"
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Lead Own" in text and "Own LA essentials" in text and "Certificate" in text

    with page.expect_download() as badge:
        page.get_by_role("link", name="Download badge").click()
    assert badge.value.suggested_filename == "badge-own-la-essentials.jwt"
    token = badge.value.path().read_text()
    sign_out(page)

    # Anyone, signed out, checks the badge.
    check(page, token)
    expect(
        page.get_by_role("heading", name=re.compile("Valid: this credential stands"))
    ).to_be_visible()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Lead Own")
    expect(verdict).to_contain_text("Own LA essentials")
    expect(verdict).to_contain_text("Own LA")
    assert_accessible(page)
    screenshot(page, "credentials-verify-valid-1280")
    on_a_phone(page, "credentials-verify-valid")

    check(page, tampered(token))
    expect(page.get_by_role("heading", name=re.compile("Not valid"))).to_be_visible()
    expect(page.locator("#verdict")).to_contain_text("The signature does not match")
    expect(page.locator("#verdict")).not_to_contain_text("Lead Own")
    assert_accessible(page)
    screenshot(page, "credentials-verify-tampered-1280")

    # The LA lead finds it was issued in error and revokes it, saying why.
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(f"/training/programmes/{completion.programme_id}/")
    page.get_by_role("link", name="Credentials issued for this programme").click()
    expect(page.get_by_role("heading", name="Credentials issued")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "credentials-issued-1280")
    on_a_phone(page, "credentials-issued")
    page.get_by_role("button", name="Revoke the credential of Lead Own").click()
    expect(page.get_by_label("Why revoke it?")).to_be_focused()  # required: nothing sent yet
    page.get_by_label("Why revoke it?").fill("Issued before the attendance was corrected.")
    page.get_by_role("button", name="Revoke the credential of Lead Own").click()
    expect(page.get_by_role("status")).to_contain_text("Revoked the credential of Lead Own")
    row = page.locator("tr").filter(has_text="Lead Own")
    expect(row).to_be_focused()
    expect(row).to_contain_text("Revoked")
    assert_accessible(page)
    screenshot(page, "credentials-issued-revoked-1280")
    on_a_phone(page, "credentials-issued-revoked")
    sign_out(page)

    check(page, token)
    expect(page.get_by_role("heading", name=re.compile("Revoked"))).to_be_visible()
    expect(page.locator("#verdict")).to_contain_text("Issued before the attendance was corrected.")
    assert_accessible(page)
    screenshot(page, "credentials-verify-revoked-1280")
    page.get_by_role("link", name="This credential’s own page").click()
    expect(page.get_by_text(re.compile("Revoked on"))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "credentials-status-revoked-1280")

    # The teacher's programme page now says so, instead of offering the downloads.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/training/programmes/{completion.programme_id}/")
    expect(page.get_by_text(re.compile("were withdrawn on"))).to_be_visible()
    expect(page.get_by_role("link", name="Download badge")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "credentials-programme-withdrawn-1280")
