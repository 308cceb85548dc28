"""Quality standards in the browser: the national officer reads the indicator; a leading
teacher completes the school's IQS self-evaluation, a theme at a time, with evidence across
all 14 elements, submits it and makes the improvement plan from its next steps; the LA lead
sees the school's profile and overdue actions and leaves a note the school then sees; the
national officer sees the indicator change."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser
LEVELS = {1: "Entry", 2: "Developing", 3: "Exemplary"}
THEMES = {"A": [1, 2, 3], "B": [4], "C": [5, 6], "D": [7, 8, 9, 10, 11, 12], "E": [13, 14]}


def schools_at_entry(page: Page) -> str:
    table = page.get_by_role("table", name="Schools by whole-school level")
    return (
        table.get_by_role("row", name=re.compile("^All schools")).locator("td").nth(0).inner_text()
    )


def test_standards_journey(page: Page, tiny_world, tmp_path):
    w = tiny_world

    # The national officer reads the indicator: "other" is at Developing, nobody at Entry.
    sign_in_and_land_home(page, "national", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Standards indicator"
    ).click()
    expect(page.get_by_role("heading", name="Quality standards indicator")).to_be_visible()
    assert schools_at_entry(page) == "0"
    sign_out(page)

    # The leading teacher continues the school's draft and judges every element.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Quality standards"
    ).click()
    page.get_by_role("link", name="Continue the draft").click()
    expect(
        page.get_by_role("heading", name=re.compile("Self-evaluation \\(draft\\)"))
    ).to_be_visible()
    # A theme at a time: each element of the theme, then on to the next theme.
    for code, numbers in THEMES.items():
        summary = page.get_by_role("navigation", name=re.compile("^Themes"))
        expect(summary.locator('a[aria-current="page"]')).to_contain_text(f"{code} ")
        for number in numbers:
            element = page.locator(f"#element-{number}")
            element.get_by_label(LEVELS[1 + number % 3]).check()
            element.get_by_label(f"Evidence for element {number}").fill(
                f"Element {number}: seen in lesson observations and the governors' report."
            )
            element.get_by_label(f"Next steps for element {number}").fill(
                f"Sustain element {number} and share practice with the cluster."
            )
            element.get_by_role("button", name=f"Save element {number}").click()
            expect(page.locator(f"#element-{number} .save-status")).to_contain_text("Saved")
        expect(summary.locator('a[aria-current="page"]')).to_contain_text(
            f"{len(numbers)} of {len(numbers)} element"
        )
        if code != "E":
            page.get_by_role("link", name=re.compile("^Next theme [B-E] ")).click()
    expect(page.get_by_text("14 of 14 elements answered")).to_be_visible()
    page.get_by_role("navigation", name=re.compile("^Themes")).get_by_role(
        "link", name=re.compile("^A Effective teaching")
    ).click()
    # Evidence from a file, attached to element 1.
    picture = tmp_path / "observation.png"
    from risingtide.demo.testing import png_file

    picture.write_bytes(png_file().read())
    first = page.locator("#element-1")
    first.get_by_text("Attach evidence to element 1").click()
    first.get_by_label("File (for a file)").set_input_files(str(picture))
    first.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("Evidence added to element 1.")).to_be_visible()
    expect(page.locator("#element-1").get_by_role("link", name="observation.png")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Submit the self-evaluation").click()
    expect(page.get_by_text("it is now the school's judgement")).to_be_visible()
    board = page.locator("figure.chequerboard")
    expect(board.get_by_role("img")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Level reached by each element"))
    expect(table.get_by_role("row", name=re.compile("^1 Identification"))).to_contain_text(
        "first judgement"
    )
    screenshot(page, "standards-chequerboard", board)
    assert_accessible(page)

    # The plan, made from the next steps.
    page.get_by_role("button", name="Make an improvement plan from the next steps").click()
    expect(page.get_by_role("heading", name=re.compile("G&T improvement plan"))).to_be_visible()
    actions = page.get_by_role("table", name="The plan’s actions, by element")
    expect(actions.locator("tbody tr")).to_have_count(14)
    # Action 1 was due last week and is not done: it goes red.
    page.get_by_text("Update action 1:").click()
    update = page.locator("details#action-" + _first_action_id(w) + " form")
    update.get_by_label("Who").fill("Ms Lead")
    last_week = timezone.localdate() - dt.timedelta(days=7)
    update.get_by_label("By when").fill(last_week.isoformat())
    update.get_by_role("button", name="Save action 1").click()
    expect(page.get_by_text("Action 1 saved.")).to_be_visible()
    expect(page.get_by_text("Red: overdue").first).to_be_visible()
    screenshot(page, "standards-plan")
    assert_accessible(page)
    sign_out(page)

    # The LA lead sees the school's profile and its overdue action, and leaves a note.
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="LA standards").click()
    schools = page.get_by_role("table", name=re.compile("Schools in Own LA"))
    row = schools.get_by_role("row", name=re.compile("Own School"))
    expect(row).to_contain_text("Entry")  # the level every element has reached
    expect(row.locator("strong.rag-text-red")).to_have_text("1")  # one action overdue
    screenshot(page, "standards-la")
    assert_accessible(page)
    on_a_phone(page, "standards-la")
    page.get_by_label("Showing").select_option("no_plan")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_contain_text("1 of 2 schools shown")
    page.get_by_role("link", name="Clear").click()
    page.get_by_role("table", name=re.compile("Schools in Own LA")).get_by_role(
        "link", name="Own School"
    ).click()
    page.get_by_label("What the review found").fill("Strong self-evaluation; one action late.")
    page.get_by_label("Actions agreed with the school (one per line)").fill(
        "Bring action 1 back on track"
    )
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Note saved")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The school sees the note.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Quality standards"
    ).click()
    expect(page.get_by_text("Strong self-evaluation; one action late.")).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text="Bring action 1 back on track")
    ).to_be_visible()
    sign_out(page)

    # And the national indicator has moved: one school at Entry.
    sign_in_and_land_home(page, "national", TinyWorld.PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Standards indicator"
    ).click()
    assert schools_at_entry(page) == "1"
    expect(page.locator("figure.chart canvas")).to_be_visible()
    screenshot(page, "standards-indicator")
    assert_accessible(page)


def _first_action_id(w) -> str:
    from risingtide.standards.models import PlanAction

    return str(
        PlanAction.objects.filter(plan__school=w.schools["own"]).order_by("position").first().pk
    )
