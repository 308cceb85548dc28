"""Signing in: every demo role lands on its own home page, whose first screen says what to do
next at a desk's width and a phone's; wrong passwords are throttled."""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.world import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.browser.axe import assert_accessible
from tests.browser.steps import PHONE, on_a_phone, screenshot, sign_in, sign_in_and_land_home

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Home:
    """What one demo account should see on its home page."""

    username: str
    panel: str  # the role panel's heading
    headings: list[str]  # sub-headings inside the panel
    rows: list[str] = field(default_factory=list)  # row headers of the panel's table, in order
    shows: list[str] = field(default_factory=list)  # other text in the panel
    links: list[str] = field(default_factory=list)  # links in the panel
    nav: list[str] = field(default_factory=list)  # links in the main navigation


HOMES = [
    Home("pupil", "Pupil", ["My projects", "My classes"], shows=["7A", "Riverton Academy"]),
    Home(
        "teacher",
        "Teacher",
        ["My groups"],
        rows=["7A", "8A"],
        nav=["Projects", "Library"],  # Feedback carries its count
    ),
    Home(
        "coordinator",
        "Leading teacher (G&T coordinator)",
        ["My school"],
        rows=["Riverton Academy"],
        nav=["My school"],
    ),
    Home(
        "cluster.coordinator",
        "Leading teacher (G&T coordinator)",
        ["My schools"],
        rows=[
            "Brookside Primary School",
            "Kingfisher Community Primary",
            "Oakhurst Church of England Primary",
        ],
    ),
    Home("head", "Head / senior leader", ["My school"], rows=["Riverton Academy"]),
    Home(
        "la.lead",
        "LA lead",
        ["My schools in Riverton"],
        rows=[
            "Brookside Primary School",
            "Kingfisher Community Primary",
            "Oakhurst Church of England Primary",
            "Riverton Academy",
        ],
        links=["Riverton"],
        nav=["My LA"],
    ),
    Home(
        "national",
        "National officer",
        ["Local authorities"],
        rows=["Hollowmere", "Riverton"],
        nav=["Nation"],
    ),
    Home(
        "provider",
        "Provider staff",
        ["My organisation"],
        links=["Stretch & Challenge Masterclasses"],
    ),
    Home(
        "admin",
        "Site administrator",
        [],
        shows=["You administer this site."],
        links=["Open the administration pages"],
        nav=["Admin", "Frameworks"],
    ),
    # Issue 19: Maya's mum, linked to her alone (the panel is the families app's).
    Home("carer", "My children", [], links=["Maya Okafor"], nav=["My child"]),
]


def test_every_demo_account_has_a_home_checked():
    assert [h.username for h in HOMES] == [account[0] for account in DEMO_ACCOUNTS]


def assert_first_screen_says_what_to_do_next(page: Page) -> None:
    """Before any scrolling: "What to do next" and its first step (or the word that nothing is
    waiting), whole, above the fold."""
    next_steps = page.get_by_role("region", name="What to do next")
    first = next_steps.locator(".next-step, .next-none").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"], box


@pytest.mark.parametrize("home", HOMES, ids=[h.username for h in HOMES])
def test_each_role_signs_in_and_sees_their_home(page: Page, demo, browser_log, home: Home):
    sign_in_and_land_home(page, home.username, DEMO_PASSWORD)
    assert_first_screen_says_what_to_do_next(page)

    panel = page.get_by_role("region", name=home.panel, exact=True)
    expect(panel).to_be_visible()
    for heading in home.headings:
        expect(panel.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    if home.rows:
        expect(panel.get_by_role("rowheader")).to_have_text(
            [re.compile(rf"^{re.escape(row)}\b") for row in home.rows]
        )
    for text in home.shows:
        expect(panel).to_contain_text(text)
    for name in home.links:
        expect(panel.get_by_role("link", name=name, exact=True)).to_be_visible()
    navigation = page.get_by_role("navigation", name="Main")
    for label in ["Home", *home.nav]:
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    # Account things sit under the person's name, never in the bar; pupils have no tokens.
    expect(navigation.get_by_role("link", name="API tokens")).to_have_count(0)
    page.locator("#menu-account > summary").click()
    tokens = page.locator("#menu-account").get_by_role("link", name="API tokens")
    expect(tokens).to_have_count(0 if home.username in ("pupil", "carer") else 1)
    page.locator("#menu-account > summary").click()

    screenshot(page, f"home-{home.username.replace('.', '-')}")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_first_screen_says_what_to_do_next(page)
    on_a_phone(page, f"home-{home.username.replace('.', '-')}")
    browser_log.assert_no_csp_violations()


def test_wrong_password_is_refused_then_throttled(page: Page, demo):
    sign_in(page, "teacher", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text(
        "That sign-in name and password do not match an account"
    )
    # The message is the same for a name that does not exist: it gives nothing away.
    sign_in(page, "no.such.person", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text(
        "That sign-in name and password do not match an account"
    )
    screenshot(page, "sign-in-wrong-password")
    assert_accessible(page)

    for _ in range(3):  # the fifth wrong try in all pauses the sign-in name
        sign_in(page, "teacher", "still-not-it")
        expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    sign_in(page, "teacher", "still-not-it")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")
    expect(page.get_by_role("alert")).to_contain_text("paused")
    screenshot(page, "sign-in-too-many-tries")
    assert_accessible(page)

    # Even the right password is refused while the pause lasts.
    sign_in(page, "teacher", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")
    # Another account from the same school computer is not affected.
    sign_in_and_land_home(page, "coordinator", DEMO_PASSWORD)
