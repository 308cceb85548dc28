"""Opportunities in the browser: the school's leading teacher shows a masterclass to the
school's pupils with a note; a Year 7 pupil signs in, opens Opportunities from the bar and reads
it with the note, and nothing about its price or who may go."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.provision.models import Service, Session
from tests.browser.axe import assert_accessible
from tests.browser.steps import open_from_bar, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


def both_widths(page: Page, name: str) -> None:
    """Axe-clean and pictured at desktop and phone widths."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_coordinator_shows_a_service_and_a_pupil_finds_it(page: Page, tiny_world):
    w = tiny_world
    masterclass = Service.objects.create(
        provider=w.providers["own"],
        title="Number theory masterclass",
        summary="Explore prime numbers with a real mathematician. Bring a pencil.",
        kind=Service.Kind.MASTERCLASS,
        audience=Service.Audience.PUPILS,
        year_from=7,
        year_to=9,
        format=Service.Format.IN_PERSON,
        venue="Riverton Central Library",
        price=60,
        register_only=True,
        fsm_priority_places=2,
        status=Service.Status.PUBLISHED,
    )
    start = (timezone.localtime() + timedelta(days=21)).replace(hour=10, minute=0)
    Session.objects.create(
        service=masterclass, starts_at=start, ends_at=start + timedelta(hours=3), capacity=12
    )

    # The leading teacher opens the service and shows it to the school's pupils, with a note.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/provision/services/{masterclass.pk}/")
    page.get_by_label("Note for pupils (optional)").fill("Ask Ms Desai if you'd like to go.")
    page.get_by_role("button", name="Show to our pupils").click()
    expect(page.get_by_role("status")).to_contain_text(
        "pupils can now see Number theory masterclass"
    )
    form = page.locator(f"#pupils-{w.schools['own'].pk}")
    expect(form).to_be_focused()  # focus stays where the teacher acted
    expect(form.get_by_role("heading")).to_contain_text("pupils see this")
    both_widths(page, "opportunities-1-shown")
    # The catalogue's row says so, with the one-button way back.
    page.goto("/provision/?q=number")
    row = page.get_by_role("row", name="Number theory masterclass")
    expect(row).to_contain_text("Shown")
    expect(row.get_by_role("button", name="Stop showing Number theory masterclass")).to_be_visible()
    both_widths(page, "opportunities-2-catalogue")
    sign_out(page)

    # A Year 7 pupil signs in, opens Opportunities from the bar and finds it with the note.
    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    expect(page.get_by_role("link", name="See what's new in Opportunities")).to_be_visible()
    open_from_bar(page, "Opportunities")
    # The bar's Opportunities is the menu (issue 19): the school's choices from the
    # marketplace have their own part of it.
    expect(page.get_by_role("heading", name="From outside school", level=2)).to_be_visible()
    card = page.locator("li.menu-card.section-outside")
    expect(card.get_by_role("heading", name="Number theory masterclass")).to_be_visible()
    expect(card).to_contain_text("Explore prime numbers with a real mathematician.")
    expect(card).to_contain_text("Riverton Central Library")
    expect(card).to_contain_text(f"{start:%A %-d %B}")
    expect(card).to_contain_text("Ask your teacher")
    expect(card).to_contain_text("Ask Ms Desai if you'd like to go.")
    text = card.inner_text().lower()
    for never in ("credit", "book", "register", "free school meals", "60"):
        assert never not in text, never
    both_widths(page, "opportunities-3-pupil")
