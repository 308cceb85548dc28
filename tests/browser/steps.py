"""Steps people take in the browser, shared by the journeys."""

import os
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# CI runs the SQLite and PostgreSQL passes side by side: each keeps its own pictures.
if os.environ.get("RISINGTIDE_DATABASE_URL", "").startswith("postgres"):
    SCREENSHOTS = SCREENSHOTS / "postgresql"


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
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Rising Tide")).to_be_visible()


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
