"""Words never lost: a leading teacher's reflection and an author's draft, typed while the
server cannot be reached or after the session has run out, stay in the browser, the page says
so (never "saved"), and they are offered back, and saved, when the page is opened again."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.training import authoring
from risingtide.training.models import Module, Reflection
from risingtide.training.tests.world import add_training
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in, sign_in_and_land_home

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass

UNREACHABLE = "Not saved yet: no connection. Your words are kept in this browser"
SIGNED_OUT = "Not saved: you have been signed out. Your words are kept in this browser"


def _forget_failed_saves(browser_log, path: str) -> None:
    """The saves this test made fail on purpose are no missing files; anything else still is."""
    for url in [u for u in browser_log.missing_files if u.endswith(path)]:
        del browser_log.missing_files[url]


def _sign_in_again(page: Page, username: str, url: str) -> None:
    """The session has gone: opening the page leads to the sign-in form, and back."""
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in to Rising Tide")).to_be_visible()
    page.get_by_label("Sign-in name").fill(username)
    page.get_by_label("Password", exact=True).fill(TinyWorld.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_reflection_typed_offline_or_signed_out_is_offered_back_and_saved(
    page: Page, tiny_world, browser_log
):
    world = add_training(tiny_world)
    module = world.modules["own"]
    url = f"{reverse('training:module', args=[module.pk])}?step=2"
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(url)
    box = page.get_by_label(re.compile("^Your reflection"))
    status = page.locator(".save-status")

    # The server cannot be reached: the words wait in the browser.
    page.route("**/reflection/", lambda route: route.abort("internetdisconnected"))
    box.fill("Pupils who are quiet in class")
    expect(status).to_contain_text(UNREACHABLE)
    assert not Reflection.objects.exists()
    page.unroute("**/reflection/")
    page.reload()
    expect(box).to_have_value("Pupils who are quiet in class")  # back in the box, and…
    expect(status).to_have_text("All changes saved.")  # …the server has them now
    assert Reflection.objects.get().body == "Pupils who are quiet in class"

    # The session runs out: "signed out", never "no connection", and nothing lost.
    page.context.clear_cookies()
    box.press_sequentially(" and those who hide it.")
    expect(status).to_contain_text(SIGNED_OUT)
    assert_accessible(page)
    screenshot(page, "training-reflection-signed-out-1280")
    assert Reflection.objects.get().body == "Pupils who are quiet in class"
    _sign_in_again(page, "lead.own", url)
    expect(box).to_have_value("Pupils who are quiet in class and those who hide it.")
    expect(status).to_have_text("All changes saved.")
    assert Reflection.objects.get().body == "Pupils who are quiet in class and those who hide it."
    _forget_failed_saves(browser_log, "/reflection/")


def _body_of_step_1(module_pk: int) -> str:
    return Module.objects.get(pk=module_pk).draft["steps"][0]["body"]


def test_a_draft_typed_offline_or_signed_out_is_kept_even_when_a_button_is_pressed(
    page: Page, tiny_world, browser_log
):
    world = add_training(tiny_world)
    module = world.modules["own"]
    url = reverse("training:write_module", args=[module.pk])
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(url)
    text = page.get_by_label("Text of step 1")
    status = page.locator("#save-status")
    before = text.input_value()

    # No connection, then a button that would post the whole form: it waits, words kept.
    page.route("**/autosave/", lambda route: route.abort("internetdisconnected"))
    text.fill("Written on the train.")
    expect(status).to_contain_text(UNREACHABLE)
    page.get_by_role("button", name="Move step 1 down").click()
    expect(status).to_be_focused()
    expect(status).to_contain_text(UNREACHABLE)
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    assert _body_of_step_1(module.pk) == before
    page.unroute("**/autosave/")
    page.reload()
    expect(text).to_have_value("Written on the train.")
    expect(status).to_contain_text("All changes saved")
    assert _body_of_step_1(module.pk) == "Written on the train."

    # Signed out: the save says so, the button waits, and signing in again brings it back.
    page.context.clear_cookies()
    text.fill("Written after the session ran out.")
    expect(status).to_contain_text(SIGNED_OUT)
    page.get_by_role("button", name="Move step 1 down").click()
    expect(status).to_be_focused()
    expect(status).to_contain_text(SIGNED_OUT)
    assert_accessible(page)
    screenshot(page, "training-editor-signed-out-1280")
    _sign_in_again(page, "la.own", url)
    expect(text).to_have_value("Written after the session ran out.")
    expect(status).to_contain_text("All changes saved")
    assert _body_of_step_1(module.pk) == "Written after the session ran out."
    _forget_failed_saves(browser_log, "/autosave/")


def test_nothing_is_offered_back_once_saved(page: Page, tiny_world):
    world = add_training(tiny_world)
    module = world.modules["own"]
    sign_in(page, "la.own", TinyWorld.PASSWORD)
    page.goto(reverse("training:write_module", args=[module.pk]))
    page.get_by_label("Text of step 1").fill("Saved straight away.")
    expect(page.locator("#save-status")).to_contain_text("All changes saved")
    page.reload()
    expect(page.locator("#save-status")).not_to_contain_text("Recovered")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('rt-'))") == []


def test_words_typed_before_the_draft_moved_on_elsewhere_are_set_aside_not_dropped(
    page: Page, tiny_world, browser_log
):
    world = add_training(tiny_world)
    module = world.modules["own"]
    url = reverse("training:write_module", args=[module.pk])
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(url)
    page.route("**/autosave/", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Text of step 1").fill("Typed on the train, never saved.")
    expect(page.locator("#save-status")).to_contain_text(UNREACHABLE)
    page.unroute("**/autosave/")
    _forget_failed_saves(browser_log, "/autosave/")
    # Meanwhile another author saves the draft: the revision this page was made from is gone.
    module.refresh_from_db()
    theirs = authoring.steps_of(module)
    theirs[0]["body"] = "Their newer words."
    authoring.save_draft(world.users["la_lead@own"], module, theirs, authoring.revision_of(module))
    page.reload()
    expect(page.get_by_label("Text of step 1")).to_have_value("Their newer words.")
    aside = page.locator("#set-aside")
    expect(aside).to_be_visible()
    expect(aside).to_contain_text("Step 1: Typed on the train, never saved.")
    assert_accessible(page)
    screenshot(page, "training-editor-set-aside-1280")
    page.reload()  # still there until discarded
    expect(aside).to_contain_text("Step 1: Typed on the train, never saved.")
    aside.get_by_role("button", name="Discard these words").click()
    expect(aside).to_be_hidden()
    expect(page.locator("#save-status")).to_be_focused()
    page.reload()
    expect(aside).to_be_hidden()
