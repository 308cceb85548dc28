"""The marketplace in the browser: a provider drafts a service and submits it; the national
officer, as contract manager, approves it; the LA lead shares credits with the LA's schools;
the school's leading teacher books two eligible pupils, having been told why a third may not go;
the provider records attendance, is paid, and asks to redeem what it earned, which the contract
manager approves. And a cancellation refunds under the rule, the freed place going to the school
on the waiting list."""

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
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def both_widths(page: Page, name: str) -> None:
    """Axe-clean and pictured at desktop and phone widths."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_marketplace_journey(page: Page, tiny_world):
    w = tiny_world
    national = w.users["national_officer@nation"]
    credits.fund(national, w.nation, 2_000)
    credits.allocate(national, w.nation, w.las["own"], 1_000, None)
    for key in ("own2", "2@own"):
        identify(w.records[key])
    start = (timezone.localtime() + timedelta(days=21)).replace(hour=10, minute=0)

    # The provider drafts a service with its first session and submits it.
    sign_in_and_land_home(page, "provider.own", TinyWorld.PASSWORD)
    page.goto(f"/provision/providers/{w.providers['own'].pk}/")
    page.get_by_role("link", name="Draft a new service").click()
    page.get_by_label("Title").fill("Cryptography masterclass")
    page.get_by_label("Summary").fill("Codes and ciphers from Caesar to RSA.")
    page.get_by_label("Kind").select_option("masterclass")
    page.get_by_label("Audience").select_option("pupils")
    page.get_by_label("From").select_option("7")
    page.get_by_label("To", exact=True).select_option("9")
    page.get_by_label("Format").select_option("in_person")
    page.get_by_label("Venue").fill("Town Hall, Own Town")
    page.get_by_label("E-credits per place").fill("60")
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Places", exact=True).fill("12")
    both_widths(page, "market-1-draft-form")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Submitted for approval.")).to_be_visible()
    sign_out(page)

    # The contract manager approves it.
    sign_in_and_land_home(page, "national", TinyWorld.PASSWORD)
    page.goto("/provision/?status=submitted")
    page.get_by_role("link", name="Cryptography masterclass").click()
    page.get_by_label("Approve and publish").check()
    both_widths(page, "market-2-review")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Cryptography masterclass: Published.")).to_be_visible()
    sign_out(page)

    # The LA lead shares credits with the LA's schools, by hand.
    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(f"/credits/las/{w.las['own'].pk}/round/")
    page.get_by_label("By hand: an amount for each").check()
    page.get_by_label("Own School", exact=True).fill("500")
    page.get_by_label("The credits expire on").fill(
        (timezone.localdate() + timedelta(days=200)).isoformat()
    )
    page.get_by_label("Note on the statements").fill("Autumn round")
    page.get_by_role("button", name="Preview the round").click()
    page.get_by_role("button", name="Post the round").click()
    expect(page.get_by_text(re.compile("The round was posted: 500 credits"))).to_be_visible()
    sign_out(page)

    # The leading teacher finds it, sees who may go and why not, and books two pupils.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto("/provision/")
    page.get_by_label("Search").fill("crypto")
    page.get_by_role("button", name="Find services").click()
    both_widths(page, "market-3-catalogue")
    page.get_by_role("link", name="Cryptography masterclass").click()
    expect(page.get_by_text("60 e-credits a place")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Book places")).click()
    expect(
        page.get_by_text("Not eligible: Ada is not on the G&T register this year.")
    ).to_be_visible()
    expect(page.get_by_label("Ada Own")).to_be_disabled()
    page.get_by_label("Ben Own").check()
    page.get_by_label("Pupil Eight").check()
    both_widths(page, "market-4-book")
    page.get_by_role("button", name="Book and pay").click()
    expect(page.get_by_text("Booked 2 places for 120 e-credits.")).to_be_visible()
    expect(page.get_by_text("has 380 e-credits left")).to_be_visible()
    both_widths(page, "market-5-booked")
    sign_out(page)

    # The session takes place; the provider records who attended.
    past = timezone.now() - timedelta(hours=4)
    Session.objects.filter(service__title="Cryptography masterclass").update(
        starts_at=past, ends_at=past + timedelta(hours=3)
    )
    sign_in_and_land_home(page, "provider.own", TinyWorld.PASSWORD)
    page.goto(f"/provision/providers/{w.providers['own'].pk}/")
    page.get_by_role("link", name=re.compile("^Record attendance")).click()
    page.get_by_label("Ben Own").check()
    page.get_by_label("Pupil Eight").check()
    both_widths(page, "market-6-attendance")
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_text("Attendance recorded")).to_be_visible()
    assert credits.account_of(w.providers["own"]).balance == 120
    assert Service.objects.get(title="Cryptography masterclass").status == "published"

    # The provider asks to redeem what it earned; the contract manager approves.
    page.goto(f"/provision/providers/{w.providers['own'].pk}/")
    page.get_by_role("link", name="Redeem earned credits").click()
    page.get_by_label("Credits to redeem").fill("120")
    page.get_by_role("button", name="Ask to redeem").click()
    expect(page.get_by_role("status")).to_contain_text("You asked to redeem 120 credits")
    sign_out(page)
    sign_in_and_land_home(page, "national", TinyWorld.PASSWORD)
    page.goto(f"/credits/nations/{w.nation.pk}/redemptions/")
    request = page.get_by_role("article", name=re.compile(": 120 credits"))
    request.get_by_role("button", name="Approve 120 credits").click()
    expect(page.get_by_role("status")).to_contain_text("request for 120 was approved")
    both_widths(page, "market-7-redeemed")
    assert credits.account_of(w.providers["own"]).balance == 0


def test_a_cancellation_refunds_under_the_rule_and_the_waiting_school_gets_the_offer(
    page: Page, tiny_world
):
    w = tiny_world
    national = w.users["national_officer@nation"]
    credits.fund(national, w.nation, 2_000)
    for key in ("own", "other"):
        credits.allocate(national, w.nation, w.las[key], 500, None)
        credits.allocate(w.users[f"la_lead@{key}"], w.las[key], w.schools[key], 300, None)
    service = Service.objects.create(
        provider=w.providers["own"],
        title="Astronomy night",
        kind="masterclass",
        audience="pupils",
        format="online",
        price=100,
        register_only=False,
        full_refund_days=14,
        late_refund_percent=50,
        status="published",
    )
    start = timezone.now() + timedelta(days=30)
    session = Session.objects.create(
        service=service, starts_at=start, ends_at=start + timedelta(hours=2), capacity=1
    )
    bookings.book(
        w.users["leading_teacher@own"],
        session,
        w.schools["own"],
        pupil_ids=[w.records["own2"].pk],
        key="first",
    )

    # The session is full: the other school joins its waiting list.
    sign_in_and_land_home(page, "lead.other", TinyWorld.PASSWORD)
    page.goto(f"/provision/schools/{w.schools['other'].pk}/sessions/{session.pk}/book/")
    expect(page.get_by_text("This session is full.")).to_be_visible()
    page.get_by_label("Places wanted").fill("1")
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("On the waiting list")).to_be_visible()
    sign_out(page)

    # A month ahead, the own school cancels: all 100 back under the rule it was booked under.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/provision/schools/{w.schools['own'].pk}/bookings/")
    page.get_by_role("link", name="Cancel Astronomy night").click()
    expect(page.get_by_text("gives back 100 e-credits")).to_be_visible()
    page.get_by_label("Yes, cancel this booking").check()
    both_widths(page, "market-8-cancel")
    page.get_by_role("button", name="Cancel the booking").click()
    expect(page.get_by_text("Cancelled: 100 e-credits back to Own School.")).to_be_visible()
    assert credits.account_of(w.schools["own"]).balance == 300
    sign_out(page)

    # The waiting school is offered the freed place and takes it.
    sign_in_and_land_home(page, "lead.other", TinyWorld.PASSWORD)
    page.goto(f"/provision/schools/{w.schools['other'].pk}/bookings/")
    expect(page.get_by_text(re.compile("offered until"))).to_be_visible()
    both_widths(page, "market-9-offered")
    page.get_by_role("link", name="Take the offered place").click()
    page.get_by_label("Ada Other").check()
    page.get_by_role("button", name="Book and pay").click()
    expect(page.get_by_text("Booked 1 place for 100 e-credits.")).to_be_visible()
    assert credits.account_of(w.schools["other"]).balance == 200
