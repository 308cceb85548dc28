"""Contracts and ratings in the browser: the contract manager records a contract with a KPI
target and its signed PDF and finds it on the renewal list; a teacher rates a session their
pupil went to; the provider sees the mean rating on its profile."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from risingtide.credits import services as credits
from risingtide.demo.testing import TinyWorld
from risingtide.provision import bookings
from risingtide.provision.models import Service, Session
from risingtide.provision.tests.conftest import identify
from risingtide.provision.tests.test_contracts import PDF
from tests.browser.axe import assert_accessible
from tests.browser.steps import open_from_bar, screenshot, sign_in_and_land_home, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def both_widths(page: Page, name: str) -> None:
    """Axe-clean and pictured at desktop and phone widths."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


def delivered_session(w):
    """A published masterclass of the own provider; pupil@own2 went and the provider recorded
    it."""
    national = w.users["national_officer@nation"]
    credits.fund(national, w.nation, 1_000)
    credits.allocate(national, w.nation, w.las["own"], 500, None)
    credits.allocate(w.users["la_lead@own"], w.las["own"], w.schools["own"], 300, None)
    identify(w.records["own2"])
    service = Service.objects.create(
        provider=w.providers["own"],
        title="Cryptography masterclass",
        kind=Service.Kind.MASTERCLASS,
        audience=Service.Audience.PUPILS,
        format=Service.Format.ONLINE,
        price=50,
        status=Service.Status.PUBLISHED,
    )
    start = timezone.now() + timedelta(days=7)
    session = Session.objects.create(
        service=service, starts_at=start, ends_at=start + timedelta(hours=2), capacity=10
    )
    booking = bookings.book(
        w.users["leading_teacher@own"],
        session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk],
        key="browser-contract",
    )
    bookings.deliver(
        w.users["provider_staff@own"],
        booking,
        set(booking.places.values_list("pk", flat=True)),
        now=start,
    )
    return service


def test_contract_renewal_rating_and_profile_journey(page: Page, tiny_world, tmp_path):
    w = tiny_world
    delivered_session(w)
    today = timezone.localdate()
    document = tmp_path / "signed-contract.pdf"
    document.write_bytes(PDF)

    # The contract manager records a contract with a KPI and its signed copy.
    sign_in_and_land_home(page, "national", TinyWorld.PASSWORD)
    open_from_bar(page, "Contracts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
    page.get_by_label("Record a contract with").select_option(label="own provider")
    page.get_by_role("button", name="New contract").click()
    page.get_by_label("Reference").fill("RT-2026-007")
    page.get_by_label("Title").fill("Masterclasses for more able pupils")
    page.get_by_label("First day", exact=True).fill((today - timedelta(days=300)).isoformat())
    page.get_by_label("Last day", exact=True).fill((today + timedelta(days=45)).isoformat())
    page.get_by_label("Value (£)").fill("24500.00")
    page.get_by_label("Cryptography masterclass (published)").check()
    page.get_by_label("Satisfaction (mean rating out of 5)").fill("4")
    both_widths(page, "contracts-1-form")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_role("status")).to_have_text("Contract RT-2026-007 saved as a draft.")
    page.get_by_role("button", name="Record as signed").click()
    expect(page.get_by_role("status")).to_have_text("Contract RT-2026-007 signed.")
    page.get_by_label("Title (optional)").fill("Signed contract")
    page.get_by_label("File", exact=True).set_input_files(document)
    page.get_by_role("button", name="Add the document").click()
    expect(page.get_by_role("status")).to_have_text("Document “Signed contract” added.")
    expect(page.get_by_role("link", name="Signed contract")).to_be_visible()
    kpis = page.get_by_role("table", name="KPIs: actual against target")
    expect(kpis).to_contain_text("Satisfaction")
    expect(kpis).to_contain_text("Nothing to measure yet")
    expect(page.locator(".facts").first).to_contain_text("Ending")  # 45 days left, 90-day notice
    both_widths(page, "contracts-2-contract")

    # It is on the renewal list of contracts ending within 90 days, not within 30.
    page.get_by_role("link", name="← Contracts").click()
    page.get_by_role("link", name="Renewal list").click()
    expect(page.get_by_role("row", name=re.compile("RT-2026-007"))).to_contain_text("45")
    page.get_by_label("Ending within (days)").fill("30")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No signed contract ends within 30 days.")).to_be_visible()
    page.get_by_label("Ending within (days)").fill("120")
    page.get_by_role("button", name="Show").click()
    both_widths(page, "contracts-3-renewals")
    # The provider's record: contracts, services, delivery and ratings in one place.
    page.get_by_role("link", name="own provider").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("contracts and delivery")
    expect(page.get_by_role("region", name="Delivery record")).to_contain_text("Places attended1")
    both_widths(page, "contracts-3b-provider-record")
    sign_out(page)

    # A teacher of the pupil who went rates the session.
    sign_in_and_land_home(page, "teacher.lead.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Rate sessions")
    page.get_by_role("link", name=re.compile("^Rate it")).click()
    page.get_by_label("4: good").check()
    page.get_by_label("Comment (optional)").fill("Well paced; the pupils loved the ciphers.")
    both_widths(page, "contracts-4-rate")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your rating of Cryptography masterclass was saved."
    )
    expect(page.get_by_role("row", name=re.compile("Cryptography"))).to_contain_text("4 out of 5")
    sign_out(page)

    # The pupil who went says how it was, with a face.
    sign_in_and_land_home(page, "pupil.own2", TinyWorld.PASSWORD)
    open_from_bar(page, "Rate sessions")
    page.get_by_role("link", name=re.compile("^Rate it")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How was Cryptography masterclass?")
    page.get_by_label("I loved it").check()
    both_widths(page, "contracts-5-pupil-rates")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_role("status")).to_have_text("Thank you! Your rating was saved.")
    sign_out(page)

    # The provider fills in its profile and sees the mean and the comment on it.
    sign_in_and_land_home(page, "provider.own", TinyWorld.PASSWORD)
    open_from_bar(page, "Our profile")
    expect(page.get_by_role("heading", level=1)).to_have_text("own provider")
    expect(page.get_by_text("Contracted", exact=True)).to_be_visible()
    page.get_by_role("link", name="Change our profile").click()
    page.get_by_label("What we offer").fill("Masterclasses in codes, ciphers and number theory.")
    page.get_by_label("Safeguarding statement").fill("Every tutor holds an enhanced check.")
    page.get_by_label("Staff checks last confirmed").fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("Contact email").fill("hello@example.org")
    page.get_by_label("Own LA").check()
    both_widths(page, "contracts-6-profile-form")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("status")).to_have_text("Profile saved: this is what schools now see.")
    ratings = page.get_by_role("region", name="How schools rated its sessions")
    expect(ratings).to_contain_text("4.5 out of 5")  # the teacher's 4 and the pupil's 5
    expect(ratings).to_contain_text("Well paced; the pupils loved the ciphers.")
    expect(ratings).to_contain_text("A teacher at Own School")
    expect(page.get_by_text("Overdue")).to_have_count(0)
    both_widths(page, "contracts-7-profile")
