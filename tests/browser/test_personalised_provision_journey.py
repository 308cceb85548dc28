"""Issue 19 end to end, as its "Done when" tells it: a pupil fills in their profile and asks for
an opportunity → their learning guide approves → their carer gives consent → the opportunity
is on the pupil's plan and on their record; the coordinator sees a pupil short of the
entitlement and why; the equity-of-provision view matches the data. Each step through the
pages each role really uses; axe on every page; screenshots at 1280 and 390 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.learners.models import LearningGuide, Personalisation
from risingtide.opportunities.models import Participation
from risingtide.opportunities.tests.test_entitlement_world import identify
from risingtide.opportunities.tests.test_entitlement_world import opportunity as term_opportunity
from risingtide.register.models import Pupil
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser
PASSWORD = TinyWorld.PASSWORD


def _school(w):
    """Own school with profiles and suggestions on; Ada (pupil@own) and Ben (pupil2@own) on
    the register, Ada guided by her teacher; a museum trip this term that needs a carer's yes
    (beyond the classroom), and a chess club."""
    own = w.schools["own"]
    Personalisation.objects.create(school=own, profiles_on=True, suggestions_on=True)
    ada, ben = w.records["own"], w.records["2@own"]
    Pupil.objects.filter(pk=ben.pk).update(gender="M")
    identify(ada)
    identify(ben)
    LearningGuide.objects.create(pupil=ada, guide=w.users["teacher@own"])
    trip = term_opportunity(
        own,
        "Natural History Museum trip",
        components=("beyond",),
        kind="trip",
        description="A day behind the scenes with the museum's fossil scientists.",
        capacity=30,
        needs_consent=True,
        year_from=5,
        year_to=9,
    )
    term_opportunity(own, "Chess club", components=("curriculum",), year_from=5, year_to=9)
    return trip


def test_profile_request_approval_consent_plan_record_and_entitlement(
    page: Page, server, tiny_world
):
    w = tiny_world
    trip = _school(w)
    ada = w.records["own"]

    # --- The pupil writes their profile in their own words. ---
    sign_in_and_land_home(page, "pupil1.own", PASSWORD)
    page.get_by_role("link", name="About me").first.click()
    page.locator("textarea[name=interests]").fill("Fossils and dinosaurs, and how old rocks are.")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("status").first).to_be_visible()
    expect(page.get_by_text("Fossils and dinosaurs, and how old rocks are.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "pp-01-profile-1280")
    on_a_phone(page, "pp-01-profile")

    # --- They open the menu and ask for the trip, saying why. ---
    page.get_by_role("link", name="Opportunities").first.click()
    card = page.locator("li.menu-card").filter(has_text="Natural History Museum trip")
    expect(card).to_contain_text("Your grown-up needs to say yes")
    card.get_by_role("link", name=re.compile("I'd like to do this")).click()
    page.get_by_label("Why would you like to do this?").fill(
        "I want to see real fossils and ask a scientist how they know how old they are."
    )
    page.get_by_role("button", name="Send my request").click()
    asked = Participation.objects.get(pupil=ada, opportunity=trip)
    expect(page.locator(f"#mine-{asked.pk}")).to_contain_text("Waiting for Teach Own to answer")
    assert_accessible(page)
    screenshot(page, "pp-02-asked-1280")
    on_a_phone(page, "pp-02-asked")
    sign_out(page)

    # --- Her learning guide (her teacher) says yes: a place, waiting for a grown-up. ---
    sign_in_and_land_home(page, "teacher.own", PASSWORD)
    page.goto(f"/schools/{w.schools['own'].pk}/requests/")
    request = page.locator(f"#request-{asked.pk}")
    expect(request).to_contain_text("I want to see real fossils")
    request.get_by_role("button", name=re.compile("^Yes")).click()
    expect(page.get_by_role("status")).to_contain_text("Ada Own has a place")
    assert_accessible(page)
    screenshot(page, "pp-03-guide-says-yes-1280")
    asked.refresh_from_db()
    assert (asked.state, asked.consent) == ("place", "awaiting")
    sign_out(page)

    # --- Her carer says yes on their child's page. ---
    sign_in(page, "carer.own", PASSWORD)
    page.goto(f"/families/children/{w.users['pupil@own'].pk}/")
    expect(page.get_by_text("Natural History Museum trip").first).to_be_visible()
    page.get_by_role("button", name="Yes, I agree").first.click()
    expect(page.get_by_role("status").first).to_be_visible()
    asked.refresh_from_db()
    assert asked.consent == "given"
    assert_accessible(page)
    screenshot(page, "pp-04-carer-consents-1280")
    on_a_phone(page, "pp-04-carer-consents")
    sign_out(page)

    # --- The pupil puts the trip on her plan, as evidence for a target in her words. ---
    sign_in_and_land_home(page, "pupil1.own", PASSWORD)
    page.get_by_role("link", name="My plan").first.click()
    page.locator("textarea[name=text], input[name=text]").first.fill(
        "I want to find out how scientists tell how old a fossil is."
    )
    page.get_by_role("button", name="Add to my plan").click()
    expect(
        page.get_by_text("I want to find out how scientists tell how old a fossil is.")
    ).to_be_visible()
    page.get_by_role("link", name="Add evidence").first.click()
    page.get_by_label(re.compile("Natural History Museum trip")).check()
    page.get_by_role("button", name="Link as evidence").click()
    expect(page.locator(".evidence-participation").first).to_contain_text(
        "Natural History Museum trip"
    )
    assert_accessible(page)
    screenshot(page, "pp-05-on-the-plan-1280")
    on_a_phone(page, "pp-05-on-the-plan")
    sign_out(page)

    # --- The coordinator: the trip and the target on Ada's record; who is short, and why. ---
    sign_in_and_land_home(page, "lead.own", PASSWORD)
    page.goto(f"/register/pupils/{ada.pk}/")
    expect(
        page.get_by_text("Natural History Museum trip: Has a place (a carer said yes)")
    ).to_be_visible()
    expect(page.get_by_text(re.compile("how scientists tell how old a fossil is"))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "pp-06-record-1280")

    page.goto(f"/schools/{w.schools['own'].pk}/entitlement/")
    short = page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile(r"^Short of the entitlement"))
    )
    # Ada holds one opportunity beyond the classroom: one of two, one component of two.
    ada_row = short.get_by_role("row").filter(has=page.get_by_role("link", name="Ada Own"))
    expect(ada_row).to_contain_text("1 of 2 this term")
    # Ben has nothing: nothing offered.
    ben_row = short.get_by_role("row").filter(has=page.get_by_role("link", name="Ben Own"))
    expect(ben_row).to_contain_text(re.compile("nothing offered", re.I))
    assert_accessible(page)
    screenshot(page, "pp-07-entitlement-1280")
    on_a_phone(page, "pp-07-entitlement")

    # --- The equity of provision matches the data: one place, held by a girl. ---
    page.get_by_role("link", name="Equity of provision by pupil group").click()
    held = Participation.objects.filter(
        opportunity__school=w.schools["own"], state="place", consent__in=["given", "not_needed"]
    )
    girls_places = held.filter(pupil__gender="F").count()
    boys_places = held.filter(pupil__gender="M").count()
    assert (girls_places, boys_places) == (1, 0)
    page.get_by_text("Gender: the counts").click()  # the counts sit under each chart
    counts = page.locator("table").filter(
        has=page.get_by_role("columnheader", name="On the register")
    )
    girls = counts.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Girls"))
    boys = counts.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Boys"))
    # On the register, places, meeting it: one girl and one boy on it, one place (the girl's),
    # nobody meeting the entitlement yet.
    expect(girls.first.locator("td").nth(0)).to_have_text("1")
    expect(girls.first.locator("td").nth(1)).to_have_text(str(girls_places))
    expect(boys.first.locator("td").nth(1)).to_have_text(str(boys_places))
    assert_accessible(page)
    screenshot(page, "pp-08-equity-1280")
