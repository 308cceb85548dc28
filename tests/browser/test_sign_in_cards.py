"""A teacher prints new sign-in cards for the pupils they choose on the group page."""

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


def test_teacher_prints_cards_for_chosen_pupils(page: Page, tiny_world: TinyWorld):
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.get_by_role("link", name="Own 7A").click()
    expect(page.get_by_role("heading", name="Pupils (2)")).to_be_visible()
    boxes = page.get_by_role("checkbox")
    print_cards = page.get_by_role("button", name="Print sign-in cards for the chosen pupils")

    # Nothing ticked: the teacher is told to choose some pupils first.
    print_cards.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("No pupils chosen")
    page.get_by_role("link", name="Back to Own 7A").click()

    # "Choose all" ticks every pupil, then offers to untick them.
    choose = page.get_by_role("button", name="Choose all")
    choose.click()
    for box in boxes.all():
        expect(box).to_be_checked()
    expect(page.get_by_role("button", name="Choose none")).to_be_visible()
    page.get_by_role("button", name="Choose none").click()
    for box in boxes.all():
        expect(box).not_to_be_checked()
    page.get_by_role("button", name="Choose all").click()
    assert_accessible(page)

    print_cards.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cards for Own 7A")
    cards = page.get_by_role("list", name="Sign-in cards").get_by_role("listitem")
    expect(cards).to_have_count(2)
    pupils = [tiny_world.users["pupil@own"], tiny_world.users["pupil2@own"]]
    names = sorted(cards.locator(".card-name").all_inner_texts())
    assert names == sorted(f"{p.first_name} {p.last_name}" for p in pupils)
    screenshot(page, "group-cards")
    card = cards.filter(has_text=pupils[0].username)
    new_password = card.locator("dt:text-is('Password') + dd").inner_text().strip()
    assert new_password != TinyWorld.PASSWORD
    assert_accessible(page)

    # The card's password works and the old one no longer does.
    sign_out(page)
    sign_in(page, pupils[0].username, TinyWorld.PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    sign_in_and_land_home(page, pupils[0].username, new_password)
