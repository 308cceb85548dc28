"""Assessment for learning in the browser: a teacher gives a next step, the pupil finds it
first on their home page, replies and marks it done, and the teacher accepts it."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


def test_next_step_from_teacher_to_pupil_and_back(page: Page, tiny_world):
    picture = tiny_world.uploads["own"]
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto(f"/items/{picture.pk}/")
    page.get_by_role("radio", name="Next step").check()
    page.get_by_label("Your comment").fill("Label the parts of the bee hotel in your picture.")
    page.get_by_role("button", name="Add feedback").click()
    expect(page.get_by_text("Next step added.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    expect(page.get_by_role("link", name="Feedback (2 new)")).to_be_visible()
    page.get_by_role("link", name="own project: own picture").click()
    thread = page.locator("article.thread", has_text="Label the parts")
    expect(thread.locator(".tag-new")).to_be_visible()
    screenshot(page, "feedback-pupil")
    assert_accessible(page)
    on_a_phone(page, "feedback-pupil")
    thread.get_by_label("Reply, or say how you did this next step").fill(
        "I drew arrows to the tubes and the roof."
    )
    thread.get_by_role("button", name="I have done this next step").click()
    thread = page.locator("article.thread", has_text="Label the parts")
    expect(thread).to_contain_text("Done: waiting for the teacher")
    expect(thread).to_contain_text("I drew arrows to the tubes and the roof.")
    sign_out(page)

    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    expect(page.get_by_role("link", name="1 next step to accept")).to_be_visible()
    page.get_by_role("link", name="Feedback (1 waiting)").click()
    expect(page.get_by_role("heading", name="Next steps done, to accept (1)")).to_be_visible()
    screenshot(page, "feedback-inbox")
    assert_accessible(page)
    on_a_phone(page, "feedback-inbox")
    page.get_by_role("link", name="Ada Own: own project, own picture").click()
    thread = page.locator("article.thread", has_text="Label the parts")
    thread.get_by_role("button", name="Accept: next step done").click()
    expect(page.locator("article.thread", has_text="Label the parts")).to_contain_text("Accepted")
    screenshot(page, "feedback-teacher")


def test_a_pupil_reads_and_downloads_their_progress_record(page: Page, tiny_world):
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.get_by_role("link", name="My progress record").click()
    expect(page.get_by_role("heading", name="Progress record Ada Own")).to_be_visible()
    expect(page.get_by_role("table", name="Stages of the TASC wheel")).to_be_visible()
    expect(page.get_by_text("Say where you found this.").first).to_be_visible()
    screenshot(page, "progress-record")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.path().read_bytes()[:4] == b"%PDF"


def test_a_classmate_reviews_anonymously_and_the_pupil_compares(page: Page, tiny_world):
    from risingtide.portfolios.services import share_presentation

    project = tiny_world.projects["own"]
    project.success_criteria = ["Explains what bees need", "Design works"]
    project.save()
    portfolio = tiny_world.portfolios["own"]
    share_presentation(tiny_world.users["pupil@own"], portfolio, "class")

    sign_in_and_land_home(page, "pupil2.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{portfolio.pk}/presentation/")
    page.get_by_label("Explains what bees need").select_option("Met")
    page.get_by_label("A kind, helpful comment").fill("Add labels to your picture.")
    page.get_by_label("Post without my name").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save my review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    sign_out(page)

    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/portfolios/{portfolio.pk}/presentation/")
    expect(page.get_by_text("by a classmate (anonymous)")).to_be_visible()
    page.get_by_label("Explains what bees need").select_option("Exceeded")
    page.get_by_role("button", name="Save my self-evaluation").click()
    table = page.get_by_role("table", name="How your own view compares")
    expect(table.get_by_role("row", name="Explains what bees need")).to_contain_text("Exceeded")
    expect(table.get_by_role("row", name="Explains what bees need")).to_contain_text("Met")
    assert not re.search(r"\bBen\b", page.content())
    screenshot(page, "reviews-compare")
    assert_accessible(page)
