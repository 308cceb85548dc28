"""Assessment for learning in the browser: a teacher gives a next step, the pupil finds it
first on their home page, replies and marks it done, and the teacher accepts it."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.lib.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home, sign_out

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
    assert_accessible(page)
    page.get_by_role("link", name="Ada Own: own project, own picture").click()
    thread = page.locator("article.thread", has_text="Label the parts")
    thread.get_by_role("button", name="Accept: next step done").click()
    expect(page.locator("article.thread", has_text="Label the parts")).to_contain_text("Accepted")
    screenshot(page, "feedback-teacher")
