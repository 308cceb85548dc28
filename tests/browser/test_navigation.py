"""Finding one's way: every role's bar fits one row at 1280 px and folds into one "Menu" at
phone width; its menus open and close by keyboard; the home page's first screen says what to do
next."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.world import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.browser.axe import assert_accessible
from tests.browser.steps import open_from_bar, screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

BARS = {
    "teacher": ["Home", "My classes", "Projects", "Feedback", "Library", "More"],
    "coordinator": ["Home", "My school", "G&T register", "Insights", "Quality standards", "More"],
    "cluster.coordinator": [
        "Home",
        "My schools",
        "G&T register",
        "Insights",
        "Quality standards",
        "More",
    ],
    "la.lead": ["Home", "My LA", "LA insights", "LA standards", "More"],
    "pupil": ["Home", "Opportunities", "My plan", "About me", "Feedback", "More"],
}
# The menu each journey opens by keyboard, and a link it then shows.
OPENS = {
    "teacher": ("More", "My classroom (CQS)"),
    "coordinator": ("More", "Projects"),
    "cluster.coordinator": ("G&T register", "Brookside Primary School"),
    "la.lead": ("More", "E-credits"),
    "pupil": (None, None),
}
# What the first screen says to do next.
NEXT = {
    "teacher": re.compile(r"not started|question|next step|due"),
    "coordinator": re.compile(r"nomination|self-evaluation|import", re.I),
    "cluster.coordinator": re.compile(r"nomination|self-evaluation|import|Nothing", re.I),
    "la.lead": re.compile(r"self-evaluation|Nothing", re.I),
    "pupil": re.compile(r"Carry on|Start"),
}


def top_level(page: Page):
    return page.get_by_role("navigation", name="Main").locator(".nav-list > li")


def labels(bar: list[str]) -> list[re.Pattern]:
    """Each item's label, maybe followed by its count ("Feedback (2 new)")."""
    return [re.compile(rf"^{re.escape(label)}(\s*\(.*\))?$") for label in bar]


def assert_one_row(page: Page) -> None:
    """Every top-level item, and the account menu, on the brand's row."""
    tops = page.locator(".header-row .brand, .nav-list > li, .account-menu > summary")
    ys = {round(box["y"] + box["height"] / 2) for box in tops.evaluate_all(BOXES)}
    assert max(ys) - min(ys) <= 4, f"the bar wraps: centres at {sorted(ys)}"


BOXES = """els => els.map(e => {
    const r = e.getBoundingClientRect();
    return {y: r.y, height: r.height};
})"""


def summary(page: Page, label: str):
    return page.get_by_role("navigation", name="Main").locator("summary", has_text=label)


@pytest.mark.parametrize("username", list(BARS))
def test_each_role_finds_their_way_on_desktop_and_phone(page: Page, demo, username: str):
    name = username.replace(".", "-")
    sign_in_and_land_home(page, username, DEMO_PASSWORD)

    # The bar: six things at most, on one row.
    expect(top_level(page)).to_have_text(labels(BARS[username]), use_inner_text=True)
    assert_one_row(page)
    expect(page.get_by_role("link", name="Home", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    # Account things sit under the person's name.
    account = page.locator(".account-menu > summary")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    account.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Password")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(account).to_be_focused()

    menu, link = OPENS[username]
    if menu:
        # Opened by keyboard; Escape closes it and gives focus back to what opened it.
        opener = summary(page, menu)
        opener.focus()
        page.keyboard.press("Enter")
        shown = page.get_by_role("navigation", name="Main").get_by_role("link", name=link)
        expect(shown).to_be_visible()
        screenshot(page, f"nav-{name}-1280-menu")
        assert_accessible(page)
        page.keyboard.press("Escape")
        expect(shown).to_be_hidden()
        expect(opener).to_be_focused()
    screenshot(page, f"nav-{name}-1280")
    assert_accessible(page)

    # At phone width the bar folds into one "Menu" button.
    page.set_viewport_size(PHONE)
    toggle = page.get_by_role("button", name="Menu", exact=True)
    expect(toggle).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    screenshot(page, f"nav-{name}-390")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(top_level(page)).to_have_text(labels(BARS[username]), use_inner_text=True)
    if menu:
        opener = summary(page, menu)
        opener.focus()
        page.keyboard.press("Enter")
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name=link)
        ).to_be_visible()
    screenshot(page, f"nav-{name}-390-menu")
    assert_accessible(page)
    if menu:
        page.keyboard.press("Escape")  # first the menu in the bar
        expect(summary(page, menu)).to_be_focused()
    page.keyboard.press("Escape")  # then the whole bar
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # The first screen says what to do next, before anything else.
    page.set_viewport_size(DESKTOP)
    next_list = page.get_by_role("region", name="What to do next")
    expect(next_list).to_be_visible()
    expect(next_list).to_contain_text(NEXT[username])
    assert next_list.bounding_box()["y"] < 400


def test_cluster_coordinator_reaches_each_schools_register_and_insights(page: Page, demo):
    sign_in_and_land_home(page, "cluster.coordinator", DEMO_PASSWORD)
    summary(page, "G&T register").click()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Kingfisher Community Primary")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kingfisher Community Primary")
    # The bar shows where this page sits.
    expect(page.locator(".nav-item.is-section summary")).to_have_text("G&T register")
    summary(page, "Insights").click()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Oakhurst Church of England Primary")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oakhurst")
    assert_accessible(page)


def test_a_teacher_opens_a_class_and_sees_how_far_it_is_with_each_project(page: Page, demo):
    sign_in_and_land_home(page, "teacher", DEMO_PASSWORD)
    open_from_bar(page, "7A")
    expect(page.get_by_role("heading", level=1)).to_contain_text("7A")
    projects = page.get_by_role("table", name=re.compile("^Projects set to 7A"))
    expect(projects.get_by_role("rowheader")).to_have_text(
        ["Design a bee hotel", "Survey the school grounds for wildlife"]
    )
    expect(projects.get_by_role("row", name=re.compile("^Design a bee hotel"))).to_contain_text(
        "Open"
    )
    screenshot(page, "class-page-1280")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    screenshot(page, "class-page-390")
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    projects.get_by_role("link", name="Progress of Design a bee hotel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Design a bee hotel")


def test_provider_staff_land_on_a_page_that_is_not_a_dead_end(page: Page, demo):
    sign_in_and_land_home(page, "provider", DEMO_PASSWORD)
    expect(top_level(page)).to_have_text(
        ["Home", "Our services and bookings", "Our profile", "My organisation", "More"],
        use_inner_text=True,
    )
    page.get_by_role("region", name="What to do next").get_by_role(
        "link", name="Check Stretch & Challenge Masterclasses's profile"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stretch & Challenge Masterclasses")
    expect(page.get_by_role("link", name="My organisation", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "provider-page-1280")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    screenshot(page, "provider-page-390")
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    page.get_by_role("main").get_by_role("link", name="Our services and bookings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("services and bookings")


def test_every_demo_account_has_one_row_at_1280(page: Page, demo):
    for username, *_ in DEMO_ACCOUNTS:
        sign_in_and_land_home(page, username, DEMO_PASSWORD)
        assert top_level(page).count() <= 6, username
        assert_one_row(page)
        page.context.clear_cookies()
