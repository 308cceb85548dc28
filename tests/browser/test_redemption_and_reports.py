"""The marketplace's money in the browser: a provider's staff ask to redeem the credits they
earned, the contract manager approves and downloads the remittance for finance; then the
national officer reads the spend and uptake report, its chart drawn from its table."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from risingtide.credits import ledger, services
from risingtide.credits.models import Transaction
from risingtide.demo.testing import TinyWorld
from risingtide.insights import rollup
from risingtide.provision import bookings
from risingtide.provision.models import Service, Session
from risingtide.register.models import RegisterEntry, academic_year
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.pg_journey]  # CI: the PostgreSQL pass


def _both_widths(page: Page, name: str) -> None:
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-390")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def _market(world) -> None:
    """Own provider earned 400 credits; own school booked two pupils on its masterclass."""
    national = world.user("national_officer@nation")
    provider = world.providers["own"]
    provider.name = "Quill Writers"
    provider.save()
    ledger.transfer(
        Transaction.Kind.FUNDING, services.outside(), services.account_of(provider), 400
    )
    services.fund(national, world.nation, 5_000, "Programme budget")
    services.allocate(national, world.nation, world.las["own"], 3_000, None)
    services.allocate(world.user("la_lead@own"), world.las["own"], world.schools["own"], 900, None)
    for key in ("own2", "2@own"):
        record = world.records[key]
        RegisterEntry.objects.filter(pupil=record, current=True).update(current=False)
        RegisterEntry.objects.create(
            pupil=record,
            school=record.school,
            academic_year=academic_year(),
            status=RegisterEntry.Status.IDENTIFIED,
            current=True,
        )
    service = Service.objects.create(
        provider=provider,
        title="Poetry masterclass",
        kind=Service.Kind.MASTERCLASS,
        audience=Service.Audience.PUPILS,
        year_from=0,
        year_to=13,
        format=Service.Format.ONLINE,
        price=120,
        status=Service.Status.PUBLISHED,
    )
    start = timezone.now() + timedelta(days=20)
    session = Session.objects.create(
        service=service, starts_at=start, ends_at=start + timedelta(hours=2), capacity=10
    )
    bookings.book(
        world.user("leading_teacher@own"),
        session,
        world.schools["own"],
        pupil_ids=[world.records["own2"].pk, world.records["2@own"].pk],
        key="browser",
    )
    rollup.school_data_changed([s.pk for s in world.schools.values()])
    rollup.rebuild_masks([academic_year()])


def test_provider_redeems_the_contract_manager_approves_and_finance_gets_the_csv(
    page: Page, tiny_world
):
    world = tiny_world
    _market(world)

    # The provider's staff ask to redeem 150 of the 400 credits they earned.
    sign_in_and_land_home(page, "provider.own", TinyWorld.PASSWORD)
    page.goto(f"/provision/providers/{world.providers['own'].pk}/")
    page.get_by_role("link", name="Redeem earned credits").click()
    expect(page.get_by_role("heading", name=re.compile("Redeem credits"))).to_be_visible()
    page.get_by_label("Credits to redeem").fill("1.5")
    page.get_by_role("button", name="Ask to redeem").click()
    expect(page.get_by_text("Give a whole number of credits, such as 250.")).to_be_visible()
    page.get_by_label("Credits to redeem").fill("150")
    page.get_by_label("Note for the contract manager").fill("Autumn masterclasses")
    page.get_by_role("button", name="Ask to redeem").click()
    expect(page.get_by_role("status")).to_contain_text("You asked to redeem 150 credits")
    history = page.get_by_role("table", name=re.compile("Requests to redeem"))
    expect(history).to_contain_text("Waiting for a decision")
    expect(page.locator("dl.facts")).to_contain_text("250 credits")
    _both_widths(page, "redemption-provider")
    sign_out(page)

    # The contract manager finds it from the programme's account and approves it.
    sign_in_and_land_home(page, "national", TinyWorld.PASSWORD)
    page.goto("/credits/accounts/")
    page.get_by_role("link", name="Testland", exact=True).click()
    page.get_by_role("link", name="Redemption requests").click()
    request = page.get_by_role("article", name=re.compile("Quill Writers: 150 credits"))
    expect(request).to_contain_text("Autumn masterclasses")
    _both_widths(page, "redemption-queue")
    request.get_by_role("button", name="Approve 150 credits").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Quill Writers's request for 150 was approved."
    )
    expect(page.get_by_text("No requests are waiting.")).to_be_visible()
    decided = page.get_by_role("table", name=re.compile("latest decisions"))
    expect(decided).to_contain_text("Approved")

    today = timezone.localdate().isoformat()
    page.get_by_label("From").fill(today)
    page.get_by_label("To").fill(today)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the remittance (CSV)").click()
    csv = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert csv[0].startswith("Approved on,Provider,Provider reference,Provider contact,Credits")
    assert len(csv) == 2 and ",Quill Writers," in csv[1] and ",150,150.00," in csv[1]
    assert download.value.suggested_filename == f"remittance-{today}-to-{today}.csv"


def test_national_officer_reads_the_spend_and_uptake_report(page: Page, tiny_world):
    world = tiny_world
    _market(world)
    sign_in_and_land_home(page, "national", TinyWorld.PASSWORD)
    page.goto("/credits/accounts/")
    page.get_by_role("link", name="Testland", exact=True).click()
    page.get_by_role("link", name="Spend and uptake").click()
    expect(
        page.get_by_role("heading", name=re.compile("Marketplace spend and uptake"))
    ).to_be_visible()
    page.get_by_label("Period").select_option("custom")
    start = timezone.localdate()
    page.get_by_label("From").fill(start.isoformat())
    page.get_by_label("To").fill((start + timedelta(days=60)).isoformat())
    page.get_by_label("Spend by").select_option("provider")
    page.get_by_role("button", name="Show").click()
    chart = page.locator("figure.chart").first
    expect(chart.locator("canvas")).to_be_visible()
    expect(chart.locator("canvas")).to_have_attribute("aria-label", re.compile("Credits spent"))
    spend = page.get_by_role("table", name=re.compile("Bookings, places and credits by provider"))
    expect(spend.get_by_role("row", name=re.compile("Quill Writers"))).to_contain_text("240")
    page.locator("summary", has_text="Free school meals: places, register and ratio").click()
    groups = page.get_by_role("table", name=re.compile("Free school meals: places, register"))
    expect(groups).to_contain_text("c")  # two pupils: hidden outside the school
    expect(
        page.get_by_role("table", name=re.compile("Unspent credits by account"))
    ).to_contain_text("Own LA")
    _both_widths(page, "marketplace-report")
