"""E-credits in the browser: the LA lead previews a funding round worked out from the register
(per identified pupil, disadvantaged pupils weighted), posts it, and the school's G&T
coordinator finds the credits on the school's account page."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from risingtide.credits import services
from risingtide.demo.testing import TinyWorld
from risingtide.register.models import FsmPeriod, RegisterEntry, academic_year
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def _identify(record) -> None:
    RegisterEntry.objects.filter(pupil=record, current=True).update(current=False)
    RegisterEntry.objects.create(
        pupil=record,
        school=record.school,
        academic_year=academic_year(),
        status=RegisterEntry.Status.IDENTIFIED,
        current=True,
    )


def _both_widths(page: Page, name: str) -> None:
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-390")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_la_lead_posts_a_formula_round_and_the_school_sees_it(page: Page, tiny_world):
    world = tiny_world
    national = world.user("national_officer@nation")
    services.fund(national, world.nation, 5_000, "Programme budget")
    services.allocate(national, world.nation, world.las["own"], 2_000, None)
    for key in ("own2", "2@own"):
        _identify(world.records[key])
    FsmPeriod.objects.create(pupil=world.records["2@own"], start=date(2020, 9, 1))
    expiry = timezone.localdate() + timedelta(days=120)

    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto("/credits/accounts/")
    page.get_by_role("link", name=re.compile("Own LA")).click()
    page.get_by_role("link", name="Funding round to schools").click()
    page.get_by_label("By formula from the register").check()
    page.get_by_label("Credits per identified pupil").fill("100")
    page.get_by_label(re.compile("Weighting for disadvantaged")).fill("150")
    page.get_by_label("The credits expire on").fill(expiry.isoformat())
    page.get_by_label("Note on the statements").fill("Spring round")
    page.get_by_role("button", name="Preview the round").click()

    preview = page.get_by_role("table", name=re.compile("The round by formula"))
    own_row = preview.get_by_role("row", name=re.compile("Own School"))
    expect(own_row).to_contain_text("250")  # 100 × (1 + 1 × 1.5)
    expect(page.get_by_text(re.compile("this round needs 250, leaving 1750"))).to_be_visible()
    _both_widths(page, "credits-round-preview")
    page.get_by_role("button", name="Post the round").click()
    expect(page.get_by_text(re.compile("The round was posted: 250 credits"))).to_be_visible()
    sign_out(page)

    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto("/credits/accounts/")
    page.get_by_role("link", name="Own School", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("E-credits"))).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("250 credits")
    statement = page.get_by_role("table", name=re.compile("Movements"))
    expect(statement).to_contain_text("Spring round")
    expect(page.get_by_role("link", name="Funding round to schools")).to_have_count(0)
    _both_widths(page, "credits-school-account")
