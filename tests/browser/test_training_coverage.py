"""Training coverage in the browser: the LA lead opens Training, follows their LA's coverage,
and the first thing on the page is the school with no leading teacher named; below, each
leading teacher still in training with what they still need. The national officer opens the
nation's coverage, sees each chart drawn from the table beside it, and downloads the CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.schools.models import School
from risingtide.training.models import Completion
from risingtide.training.tests.world import add_training
from tests.browser.axe import assert_accessible
from tests.browser.steps import (
    on_a_phone,
    open_from_bar,
    screenshot,
    sign_in_and_land_home,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def test_the_la_lead_and_the_national_officer_see_coverage(page: Page, tiny_world):
    world = add_training(tiny_world)
    School.objects.create(
        local_authority=world.las["own"],
        name="Meadow Lane Primary",
        establishment_number="2950",
        urn="909950",
        phase=School.Phase.PRIMARY,
    )
    Completion.objects.create(
        learner=world.users["leading_teacher@cluster"],
        programme=world.programmes["nation"],
        completed_at=timezone.now() - timedelta(days=40),
    )
    Completion.objects.create(
        learner=world.users["leading_teacher@other"],
        programme=world.programmes["nation"],
        completed_at=timezone.now(),
    )

    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Training")
    page.get_by_role("link", name="Leading teachers in Own LA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leading teachers in Own LA")
    expect(page.locator(".lead")).to_contain_text("1 school has no leading teacher named yet.")
    action = page.locator("section").filter(
        has=page.get_by_role("heading", name="No leading teacher named (1)")
    )
    expect(action.get_by_role("rowheader", name="Meadow Lane Primary")).to_be_visible()
    still = page.locator("section").filter(
        has=page.get_by_role("heading", name="Still to finish training (3)")
    )
    expect(still.get_by_role("row").filter(has_text="Lead Peer")).to_contain_text(
        "Pass every core module (0 of 1 passed)"
    )
    expect(page.get_by_role("heading", name="Trained (1)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "training-coverage-la-1280")
    on_a_phone(page, "training-coverage-la")
    sign_out(page)

    sign_in_and_land_home(page, "national", TinyWorld.PASSWORD)
    open_from_bar(page, "Training")
    page.get_by_role("link", name="Leading-teacher coverage in Testland").click()
    expect(page.locator(".lead")).to_contain_text("3 of 4 schools (75.0%)")
    expect(page.locator("figure.chart canvas[role=img]")).to_have_count(2)  # drawn from tables
    by_la = page.get_by_role("table", name="Share of schools by LA (%)")
    expect(by_la.get_by_role("row").filter(has_text="Own LA")).to_contain_text("66.7")
    expect(page.get_by_role("table", name="Schools by phase")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "training-coverage-nation-1280")
    on_a_phone(page, "training-coverage-nation")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download by LA and phase (CSV)").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1:4] == ["LA code", "Local authority", "Phase"]
    assert ["101", "Own LA", "Primary", "2", "1", "1", "50.0"] in [r[1:] for r in rows]
