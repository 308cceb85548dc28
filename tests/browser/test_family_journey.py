"""Families as partners, end to end: the school's coordinator makes a one-time code for Ada's
mother and prints the letter; her mother joins with the code on the public join page (after
one mistyped code, told so), making her own sign-in; she lands on Ada's page, sees what the
school and Ada share, says yes to the museum trip (the place waited for her) and adds a comment
to Ada's plan; her home page then lists Ada. Every page is axe-clean and pictured at 1280 and
390 px (a parent on a phone)."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.families.tests.family_world import add_family
from risingtide.opportunities.models import Participation
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


def both_widths(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"{name}-1280")
    on_a_phone(page, name)


def test_a_school_invites_a_carer_who_joins_and_gives_consent(page: Page, tiny_world):
    w = tiny_world
    family = add_family(w)
    record = w.records["own"]

    # The coordinator makes a code for Ada's mother and gets the letter to print.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/pupils/{record.pk}/carers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parents and carers of Ada Own")
    both_widths(page, "family-carers")
    page.get_by_label("Relationship to the pupil (optional)").fill("Mother")
    page.get_by_role("button", name="Make a code and letter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Code made for a parent")
    code = page.locator(".family-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    both_widths(page, "family-letter")
    page.get_by_role("link", name="Back to Ada Own's parents and carers").click()
    expect(page.locator("#invitations-heading + .family-rows")).to_contain_text(
        "Waiting to be used"
    )
    sign_out(page)

    # Her mother joins. First she mistypes the code: she is told which field and why.
    page.goto("/families/join/")
    both_widths(page, "family-join")
    page.get_by_label("Your code from the school").fill("ABCD-EFGH-JKMN")
    page.get_by_label("Your first name").fill("Grace")
    page.get_by_label("Your last name").fill("Own")
    page.get_by_label("Choose a sign-in name").fill("grace.own")
    page.get_by_label("Choose a password", exact=True).fill("lighthouse-on-the-hill")
    page.get_by_label("Type the password again").fill("lighthouse-on-the-hill")
    page.get_by_role("button", name="Join and see my child").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("We do not recognise that code")
    expect(page.get_by_label("Your first name")).to_have_value("Grace")  # kept for her
    both_widths(page, "family-join-wrong-code")
    # Then she types it as she reads it, in lower case with spaces.
    page.get_by_label("Your code from the school").fill(code.lower().replace("-", " "))
    page.get_by_label("Choose a password", exact=True).fill("lighthouse-on-the-hill")
    page.get_by_label("Type the password again").fill("lighthouse-on-the-hill")
    page.get_by_role("button", name="Join and see my child").click()

    # She lands on Ada's page: what waits for her first.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada")
    expect(page.get_by_role("status")).to_contain_text("You are now linked to Ada")
    expect(page.get_by_text("1 opportunity needs your answer.")).to_be_visible()
    expect(page.get_by_text("Rockets and chess")).to_be_visible()
    expect(page.get_by_text("Enter the maths challenge")).to_be_visible()
    both_widths(page, "family-child")

    trip = page.locator(f"#participation-{family.waiting.pk}")
    trip.get_by_role("button", name="Yes, I agree").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Thank you: you said yes to Science museum trip."
    )
    trip = page.locator(f"#participation-{family.waiting.pk}")
    expect(trip).to_be_focused()  # focus stays where she acted
    expect(trip).to_contain_text("Given")
    assert Participation.objects.get(pk=family.waiting.pk).consent == "given"
    both_widths(page, "family-consent-given")

    page.get_by_label("Add a comment to the plan").fill("Ada talks about rockets all week!")
    page.get_by_role("button", name="Add my comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment is on the plan.")
    expect(page.locator("#conversation-heading")).to_be_focused()
    expect(page.get_by_text("Ada talks about rockets all week!")).to_be_visible()

    # Her home page lists Ada, with nothing left waiting.
    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Grace")
    expect(page.get_by_role("link", name="Ada Own")).to_be_visible()
    both_widths(page, "family-home")
    sign_out(page)

    # Next time she signs in on the normal page.
    sign_in_and_land_home(page, "grace.own", "lighthouse-on-the-hill")
