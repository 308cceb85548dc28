"""Steps people take in the browser, shared by the journeys."""

import contextlib
import os
import re
import time
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.axe import assert_accessible

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# CI runs the SQLite and PostgreSQL passes side by side: each keeps its own pictures.
if os.environ.get("RISINGTIDE_DATABASE_URL", "").startswith("postgres"):
    SCREENSHOTS = SCREENSHOTS / "postgresql"


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the real form, starting from the sign-in page."""
    page.goto("/accounts/login/")
    page.get_by_label("Sign-in name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_and_land_home(page: Page, username: str, password: str) -> None:
    sign_in(page, username, password)
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, "))


def sign_out(page: Page) -> None:
    """Sign out from the menu under the person's name."""
    page.locator("#menu-account > summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Rising Tide")).to_be_visible()


def open_from_bar(page: Page, label: str) -> None:
    """Follow the link called ``label`` in the main bar, opening the menu it is in first (More,
    My classes, a cluster's G&T register, …) as a person would."""
    nav = page.get_by_role("navigation", name="Main")
    named = page.locator("a").filter(has_text=re.compile(rf"^{re.escape(label)}(:|$)"))
    link = nav.locator(named)
    menu = nav.locator("details").filter(has=named)
    if menu.count() and not menu.first.evaluate("details => details.open"):
        menu.first.locator("summary").first.click()
    link.first.click()


def screenshot(page: Page, name: str, element: Locator | None = None) -> Path:
    """A full-page screenshot (or one element's) in test-artifacts/screenshots/ (git-ignored),
    for people to see."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if element is None:
        page.screenshot(path=path, full_page=True)
    else:
        element.screenshot(path=path)
    return path


# The outermost elements reaching past the window's right edge, to say what to fix.
TOO_WIDE = """width => [...document.body.querySelectorAll("*")]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => {  // not inside something that scrolls or clips it, nor inside another culprit
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible") return false;
        if (a.getBoundingClientRect().right > width + 1) return false;
      }
      return true;
    })
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`
        + ` (${Math.round(e.getBoundingClientRect().right)} px)`)"""


def on_a_phone(page: Page, name: str) -> Path:
    """Looks at the page already loaded as a phone would, 390 px wide: the page itself never
    scrolls sideways (a wide table scrolls inside its own labelled region), axe finds nothing,
    and ``<name>-390`` is saved. The window is back at 1280 px afterwards."""
    page.set_viewport_size(PHONE)
    # Two frames, for what the page redoes when the window narrows (site.js, wide tables).
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    try:
        # Charts redraw at the new width from a ResizeObserver, which a busy machine may run a
        # little later than two frames: give the page up to 5 s to settle before judging it.
        with contextlib.suppress(PlaywrightTimeoutError):  # the assertion below says what
            page.wait_for_function(
                "w => document.documentElement.scrollWidth <= w", arg=PHONE["width"], timeout=5000
            )
        path = screenshot(page, f"{name}-390")  # first, so a failure below can be seen
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (
            f"{name}: the page scrolls sideways ({width} px wide); too wide: "
            + ", ".join(page.evaluate(TOO_WIDE, PHONE["width"]))
        )
        assert_accessible(page)
        return path
    finally:
        page.set_viewport_size(DESKTOP)


def made(find, seconds: float = 10.0):
    """What ``find`` returns once the server has made it: a click or key press returns when the
    browser has sent its request, which a busy server may not have answered yet."""
    deadline = time.monotonic() + seconds
    while (found := find()) is None:
        assert time.monotonic() < deadline, "the server never made it"
        time.sleep(0.1)
    return found


def board_ready(page: Page) -> None:
    """The board's Add box script is listening (it marks the form ``enhanced``): only then does
    Enter on a web address add a link (without the script, Enter adds a note)."""
    expect(page.locator("form[data-add].enhanced")).to_be_attached()
