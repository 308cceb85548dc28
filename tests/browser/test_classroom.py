"""Classroom self-evaluation (CQS) in the browser: a teacher starts a reflection on a class,
rates prompts for all learners and for G&T learners, sees where G&T challenge lags, writes
next steps; the coordinator's summary counts it but shows none of its ratings until the teacher
shares it; once shared, the coordinator reads it."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import open_from_bar, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser
EVIDENCE = "Year 8 set 1: extension tasks were optional and few took them."


def test_classroom_reflection_journey(page: Page, tiny_world):
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    open_from_bar(page, "My classroom (CQS)")
    page.get_by_label("Class or group").fill("8X maths")
    page.get_by_label("Subject").select_option("maths")
    page.get_by_role("button", name="Start the reflection").click()
    expect(page.get_by_role("heading", name=re.compile("Reflection: 8X maths"))).to_be_visible()

    # The first prompt: very well for all learners, only quite well for G&T learners.
    prompt = page.locator("article[id^=prompt-]").first
    prompt.get_by_role("group", name=re.compile("for all learners")).get_by_label(
        "Very well"
    ).check()
    prompt.get_by_role("group", name=re.compile("for G&T learners")).get_by_label(
        "Quite well"
    ).check()
    prompt.get_by_label(re.compile("Evidence for prompt")).fill(EVIDENCE)
    prompt.get_by_role("button", name=re.compile("Save prompt")).click()
    first = page.locator("article[id^=prompt-]").first
    expect(first.get_by_role("status")).to_contain_text("Saved")
    expect(first.get_by_text("G&T challenge lags")).to_be_visible()
    lags = page.locator("#lags")
    expect(lags).to_contain_text("Quite well")
    page.get_by_role("textbox", name="My next steps").fill(
        "Make the extension the main task for the top set."
    )
    page.get_by_role("button", name="Save my next steps").click()
    screenshot(page, "classroom-reflection")
    assert_accessible(page)
    sign_out(page)

    # The coordinator's summary counts it, and shows nothing of it.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Quality standards"
    ).click()
    page.get_by_role("link", name=re.compile("Classroom self-evaluation")).click()
    expect(page.get_by_role("heading", name=re.compile("Classroom reflections"))).to_be_visible()
    expect(page.get_by_text(EVIDENCE)).to_have_count(0)
    expect(page.get_by_role("link", name="8X maths")).to_have_count(0)
    summary_url = page.url
    assert_accessible(page)
    sign_out(page)

    # The teacher shares it; now the coordinator sees it.
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    open_from_bar(page, "My classroom (CQS)")
    page.get_by_role("link", name="8X maths").click()
    page.get_by_role("button", name="Share with my coordinator").click()
    expect(page.get_by_role("button", name="Stop sharing")).to_be_visible()
    sign_out(page)

    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(summary_url)
    page.get_by_role("link", name="8X maths").click()
    expect(page.get_by_text(EVIDENCE)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Save prompt"))).to_have_count(0)
    screenshot(page, "classroom-shared-coordinator")
    assert_accessible(page)
