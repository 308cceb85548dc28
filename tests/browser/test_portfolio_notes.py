"""A pupil writes a note that saves itself; two copies of one note never lose either text."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


def test_note_autosaves_survives_reload_and_conflicts_show_both_texts(page: Page, tiny_world):
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.get_by_role("link", name="own project", exact=True).click()
    page.get_by_role("link", name="Open my portfolio").click()
    expect(page.get_by_role("navigation", name="Stages of the TASC wheel")).to_be_visible()
    screenshot(page, "portfolio")
    assert_accessible(page)

    page.get_by_role("link", name="Stage 3: Generate").click()
    page.get_by_label("Add to Generate").fill("Ideas")
    page.get_by_role("button", name="Add a Note").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ideas")
    note = page.get_by_label("Your note")
    ready = page.locator("form.autosave[data-ready]")  # the autosave script is listening
    expect(ready).to_have_count(1)
    note.fill("A bee hotel made of bamboo")
    status = page.get_by_role("status")
    expect(status).to_have_text("All changes saved.")
    assert_accessible(page)
    page.reload()
    expect(note).to_have_value("A bee hotel made of bamboo")
    expect(ready).to_have_count(1)

    # A second tab, opened now, saves first; this tab's next save is from an older copy.
    other = page.context.new_page()
    other.goto(page.url)
    expect(other.locator("form.autosave[data-ready]")).to_have_count(1)
    other.get_by_label("Your note").fill("Bamboo and pine cones")
    expect(other.get_by_role("status")).to_have_text("All changes saved.")
    other.close()

    note.fill("Bamboo, straws and logs")
    expect(page.get_by_text("Two versions of this note")).to_be_visible()
    expect(page.locator(".conflict-theirs")).to_have_text("Bamboo and pine cones")
    expect(page.locator(".conflict-yours")).to_have_text("Bamboo, straws and logs")
    screenshot(page, "note-conflict")
    page.get_by_role("button", name="Keep mine").click()
    expect(status).to_have_text("All changes saved.")
    page.reload()
    expect(note).to_have_value("Bamboo, straws and logs")

    page.get_by_role("link", name="Back to the portfolio").click()
    expect(page.get_by_role("link", name="Ideas")).to_be_focused()  # back on its card
    page.get_by_role("link", name="Stage 1: Gather and Organise").click()
    page.get_by_role("button", name="I have finished this stage").click()
    expect(page.get_by_role("heading", level=2, name="Identify")).to_be_focused()
    gather = page.get_by_role("link", name=re.compile("^Stage 1: Gather and Organise"))
    expect(gather).to_contain_text("done")


def test_signing_out_saves_waiting_words_then_forgets_them(page: Page, tiny_world):
    from risingtide.portfolios.models import Item

    note = tiny_world.items["own"]
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/items/{note.pk}/")
    # Words typed while the connection was down, still waiting in this browser.
    page.evaluate(
        """([key, version]) => localStorage.setItem(key, JSON.stringify(
            { body: "Typed while offline", version: String(version) }))""",
        [f"rt-note-{tiny_world.users['pupil@own'].pk}-{note.pk}", note.version],
    )
    sign_out(page)
    assert Item.objects.get(pk=note.pk).body == "Typed while offline"
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('rt-'))") == []


def test_the_item_page_says_what_was_done_and_never_drops_typing_unasked(page: Page, tiny_world):
    from risingtide.portfolios.models import Item

    note = tiny_world.items["own"]
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/items/{note.pk}/")
    title, annotation = page.get_by_label("Title"), page.get_by_label("Add an annotation")

    # Each button says what it did and leaves the focus on itself.
    title.fill("What I know about bees")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_focused()
    annotation.fill("Look at the stems")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Your annotation is added.")
    expect(page.get_by_role("button", name="Add", exact=True)).to_be_focused()
    expect(page.locator(".annotation-list")).to_contain_text("Look at the stems")
    screenshot(page, "item-annotation-added")
    assert_accessible(page)

    # A new title typed, then another form sent: the page asks before the title is lost, and
    # staying keeps every word where it was.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    title.fill("Bees and their nests")
    annotation.fill("Hollow stems")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(title).to_have_value("Bees and their nests")
    assert asked == ["beforeunload"]
    expect(annotation).to_have_value("Hollow stems")
    assert not note.annotations.filter(text="Hollow stems").exists()
    # Saving the title asks again (the annotation is still only typed): leaving is their call.
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    assert Item.objects.get(pk=note.pk).title == "Bees and their nests"
    assert asked == ["beforeunload", "beforeunload"]
    # Nothing typed now: links leave without a question.
    page.get_by_role("link", name="Back to the portfolio").click()
    expect(page.locator(":focus")).to_contain_text("Bees and their nests")  # back on its card
