"""A leading teacher works through the school's IQS self-evaluation a theme at a time: the page
opens at the first theme with work to do; saving an element says so in the page's live region
and leaves the focus on that element; words typed and not saved are not lost by leaving; the
next theme is one link away and the summary of themes keeps count."""

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def themes(page: Page):
    return page.get_by_role("navigation", name=re.compile("^Themes"))


def test_a_theme_at_a_time_with_the_focus_kept(page: Page, tiny_world):
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Quality standards"
    ).click()
    page.get_by_role("link", name="Continue the draft").click()

    # It opens at theme A, the first with work to do; the other themes wait in the summary.
    expect(page.get_by_role("heading", name="Theme A: Effective teaching")).to_be_visible()
    current = themes(page).locator('a[aria-current="page"]')
    expect(current).to_contain_text("A Effective teaching and learning strategies")
    expect(current).to_contain_text("0 of 3 elements answered")
    expect(page.locator("article.element")).to_have_count(3)
    expect(page.locator("#element-4")).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "self-evaluation-theme-390")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "self-evaluation-theme-1280")
    # Taking a picture leaves style="" on the form's fields, which htmx would copy onto the
    # fields it swaps in (and CSP refuse): start again from a fresh page.
    page.reload()

    # Element 1, answered with the keyboard: the save is said aloud, the focus stays with it.
    first = page.locator("#element-1")
    first.get_by_label("Developing").check()
    first.get_by_label("Evidence for element 1").fill("Register reviewed each term against data.")
    first.get_by_label("Next steps for element 1").fill("Compare with the LA each year.")
    expect(first.locator(".save-status")).to_have_text("Not saved yet.")
    first.get_by_role("button", name="Save element 1").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#evaluation-news")).to_have_text("Element 1 saved.")
    expect(page.locator("#element-1-name")).to_be_focused()
    expect(page.locator("#element-1 .save-status")).to_contain_text("Saved")
    expect(current).to_contain_text("1 of 3 elements answered")
    expect(page.get_by_text("1 of 14 elements answered")).to_be_visible()
    # Tab goes on from where the person was, inside element 1, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.getElementById('element-1').contains(document.activeElement)"
    )
    screenshot(page, "self-evaluation-saved-1280")
    page.reload()

    # Words typed in element 2 and not saved: leaving for the next theme asks first.
    second = page.locator("#element-2")
    second.get_by_label("Evidence for element 2").fill("Lesson observations, spring term.")
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name=re.compile("^Next theme B ")).click()
    for _ in range(50):
        if asked:
            break
        page.wait_for_timeout(100)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/standards/evaluations/\d+/$"))
    expect(second.get_by_label("Evidence for element 2")).to_have_value(
        "Lesson observations, spring term."
    )

    # Saved, it may go; the submit panel still names theme A's element 3 as unanswered.
    second.get_by_label("Exemplary").check()
    second.get_by_role("button", name="Save element 2").click()
    expect(page.locator("#evaluation-news")).to_have_text("Element 2 saved.")
    expect(page.locator("#element-2-name")).to_be_focused()
    panel = page.locator("#submit-panel")
    expect(
        panel.get_by_role("listitem").filter(has_text="A Effective teaching and learning")
    ).to_contain_text("1 of 3 elements to answer: 3.")
    page.get_by_role("link", name=re.compile("^Next theme B ")).click()

    # Theme B: the summary has followed (A: 2 of 3), and B is the theme marked current.
    expect(page.get_by_role("heading", name="Theme B: Enabling curriculum")).to_be_visible()
    expect(current).to_contain_text("B Enabling curriculum entitlement and choice")
    expect(
        themes(page).get_by_role("link", name=re.compile("^A Effective teaching"))
    ).to_contain_text("2 of 3 elements answered")
    expect(page.locator("article.element")).to_have_count(1)
    fourth = page.locator("#element-4")
    fourth.get_by_label("Entry").check()
    fourth.get_by_label("Evidence for element 4").fill("Options booklet; pupil survey.")
    fourth.get_by_role("button", name="Save element 4").click()
    expect(page.locator("#evaluation-news")).to_have_text(
        "Element 4 saved. Every element of theme B is answered."
    )
    expect(page.locator("#element-4-name")).to_be_focused()
    expect(current).to_contain_text("1 of 1 element answered")
    expect(panel).not_to_contain_text("B Enabling curriculum")
    assert_accessible(page)
    screenshot(page, "self-evaluation-next-theme-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "self-evaluation-next-theme-390")

    # Without htmx's answer (a reload) the page still opens where there is work to do: A.
    page.goto(page.url.split("?")[0])
    expect(page.get_by_role("heading", name="Theme A: Effective teaching")).to_be_visible()
    expect(page.locator("#element-3")).to_be_visible()
