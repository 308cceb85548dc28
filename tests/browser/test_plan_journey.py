"""A personal learning plan, as issue 19 describes it, through the real pages: a pupil writes a
target in their own words (too long first: the limit is said and what they typed stays),
links a piece of their portfolio work as evidence from the picker, and writes to their learning
guide; their carer adds a word from home; the guide finds the pupil at the top of their
caseload ("not yet reviewed"), reviews the plan and sets the next review date.

Set up in the world, not the browser (other journeys walk through those pages): the learning
guide is named, and the pupil took part in one of the school's opportunities."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.learners.models import LearningGuide
from risingtide.learning_plans.models import TARGET_LIMIT, Evidence, Message, Review, Target
from risingtide.opportunities.models import Opportunity, Participation
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser
TARGET = "I want to explain how I solved a problem, so that others can follow my thinking."


def _world(world) -> None:
    LearningGuide.objects.create(pupil=world.records["own"], guide=world.users["teacher@own"])
    club = Opportunity.objects.create(
        school=world.schools["own"],
        title="Maths circle",
        kind="club",
        wave=2,
        domain="gifted",
        year_from=7,
        year_to=8,
        academic_year=2026,
        term="autumn",
    )
    Participation.objects.create(
        opportunity=club, pupil=world.records["own"], state=Participation.State.TOOK_PART
    )


def test_a_pupil_writes_their_plan_and_their_guide_reviews_it(page: Page, server, tiny_world):
    _world(tiny_world)

    # --- The pupil writes a target: too long first. ---
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto("/me/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning plan")
    expect(page.get_by_text("Nothing here yet. What do you want to get better at?")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "plan-01-empty-1280")
    too_long = TARGET + " " + "And I want to use diagrams and examples every time. " * 5
    page.get_by_label("My target").fill(too_long)
    over = len(too_long.strip()) - TARGET_LIMIT
    expect(page.locator("#id_text_count")).to_have_text(f"{over} characters too many")
    page.get_by_role("button", name="Add to my plan").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        f"A target can be up to {TARGET_LIMIT} characters; this one is {len(too_long.strip())}."
    )
    expect(page.get_by_label("My target")).to_have_value(too_long)
    assert not Target.objects.exists()
    assert_accessible(page)
    screenshot(page, "plan-02-too-long-1280")
    page.get_by_label("My target").fill(TARGET)
    page.get_by_role("button", name="Add to my plan").click()
    expect(page.get_by_role("status")).to_contain_text("Your target is on your plan.")
    target = Target.objects.get()
    expect(page.locator(f"#target-{target.pk}")).to_be_focused()
    expect(page.locator(f"#target-{target.pk}")).to_contain_text(TARGET)

    # --- They link a note from their portfolio as evidence. ---
    page.locator(f"#target-{target.pk}").get_by_role("link", name="Add evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")
    expect(page.get_by_label("Evidence for which target?")).to_have_value(str(target.pk))
    expect(page.get_by_role("group", name="From my portfolios")).to_contain_text("own note")
    expect(page.get_by_role("group", name="Next steps from my teachers")).to_contain_text(
        "Say where you found this."
    )
    expect(page.get_by_role("group", name=re.compile("^Opportunities I have"))).to_contain_text(
        "Maths circle"
    )
    assert_accessible(page)
    screenshot(page, "plan-03-picker-1280")
    on_a_phone(page, "plan-03-picker")
    page.get_by_role("button", name="Link as evidence").click()  # nothing chosen yet
    expect(page.locator(".error-summary")).to_contain_text("Choose something to link as evidence.")
    page.get_by_role("radio", name=re.compile("^own note")).check()
    page.get_by_role("button", name="Link as evidence").click()
    expect(page.get_by_role("status")).to_contain_text("Linked as evidence.")
    expect(page.locator(f"#target-{target.pk}")).to_be_focused()
    expect(
        page.locator(f"#target-{target.pk}").get_by_role("link", name="own note")
    ).to_have_attribute("href", f"/items/{tiny_world.items['own'].pk}/")
    assert Evidence.objects.get().item == tiny_world.items["own"]

    # --- They write to their guide. ---
    page.get_by_label("Write a message").fill("Can we talk about my maths circle project?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Your message is in the conversation.")
    mine = Message.objects.get()
    assert mine.voice == Message.Voice.PUPIL
    expect(page.locator(f"#message-{mine.pk}")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "plan-04-pupil-1280")
    on_a_phone(page, "plan-04-pupil")
    sign_out(page)

    # --- Their carer reads it and adds a word from home. ---
    sign_in_and_land_home(page, "carer.own", TinyWorld.PASSWORD)
    page.goto(f"/pupils/{tiny_world.records['own'].pk}/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Own's learning plan")
    expect(page.get_by_text(TARGET)).to_be_visible()
    expect(page.get_by_role("button", name="Add the target")).to_have_count(0)
    page.get_by_label("Write a message").fill("She explained it to her grandad at the weekend!")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Your message is in the conversation.")
    assert Message.objects.order_by("pk").last().voice == Message.Voice.FAMILY
    assert_accessible(page)
    sign_out(page)

    # --- The guide finds the pupil at the top of their caseload and reviews the plan. ---
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto("/me/caseload/")
    row = page.get_by_role("row", name=re.compile("^Ada Own"))
    expect(row).to_contain_text("Not yet reviewed")
    expect(row).to_contain_text("1 working")
    assert_accessible(page)
    screenshot(page, "plan-05-caseload-1280")
    on_a_phone(page, "plan-05-caseload")
    row.get_by_role("link", name="Ada Own").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Own's learning plan")
    page.get_by_text("Record a review").click()
    page.get_by_label("What we talked about and agreed").fill(
        "Ada explains her methods clearly now. Next: use diagrams when she presents."
    )
    page.get_by_label("Next review on (optional)").fill("2027-02-01")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Review recorded. Next review: 1 February 2027."
    )
    expect(page.locator("#reviews-heading")).to_be_focused()
    review = Review.objects.get()
    assert review.reviewed_by == tiny_world.users["teacher@own"]
    expect(page.locator(".plan-people")).to_contain_text("1 February 2027")
    assert_accessible(page)
    screenshot(page, "plan-06-reviewed-1280")
    on_a_phone(page, "plan-06-reviewed")
    page.goto("/me/caseload/")
    row = page.get_by_role("row", name=re.compile("^Ada Own"))
    expect(row).not_to_contain_text("Not yet reviewed")
    expect(row).to_contain_text("1 Feb 2027")
