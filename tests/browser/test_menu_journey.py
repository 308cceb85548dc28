"""The menu of opportunities end to end (issue 19): a Year 7 pupil opens their menu (with
suggestions, each saying why), asks for an opportunity (first without a reason, which is
refused saying so), says why; the coordinator answers "yes" on the requests page; the pupil
then reads "You have a place!" under My opportunities; their carer says yes to the trip that
needs it, on their child's page. Axe on every page, screenshots at 1280 and 390 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.learners.models import LearnerProfile, Personalisation
from risingtide.opportunities import places
from risingtide.opportunities.models import Opportunity, Participation
from risingtide.opportunities.tests.menu_world import opportunity, requested
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser
PASSWORD = TinyWorld.PASSWORD


def _menu(w):
    own = w.schools["own"]
    lead = w.users["teacher@own"]
    opportunity(
        own,
        "Robotics club",
        description="Build and program robots that follow lines and climb ramps.",
        capacity=12,
        staff_lead=lead,
        components=["beyond", "curriculum"],
    )
    opportunity(
        own, "Chess club", description="Learn openings, play in the school league.", capacity=None
    )
    opportunity(
        own,
        "Natural History Museum trip",
        kind="trip",
        description="A day behind the scenes with the museum's fossil scientists.",
        capacity=30,
        needs_consent=True,
        term="spring",
    )
    opportunity(
        own,
        "UK Junior Maths Challenge",
        kind="competition",
        description="Puzzles that make you think sideways.",
        subjects=["maths"],
        capacity=20,
        components=["curriculum"],
    )
    opportunity(
        own,
        "Space mentor",
        kind="mentoring",
        description="Meet a sixth-former studying physics once a fortnight, about space.",
        capacity=2,
        wave=3,
    )
    opportunity(
        own,
        "Writing extension",
        kind="extension",
        description="Harder writing tasks in English lessons.",
        components=["teaching"],
    )
    Personalisation.objects.create(school=own, suggestions_on=True)
    LearnerProfile.objects.create(
        pupil=w.records["own"], interests="I love robots. Space and the planets"
    )


def test_a_pupil_asks_the_coordinator_says_yes_and_the_pupil_has_a_place(
    page: Page, server, tiny_world
):
    w = tiny_world
    _menu(w)

    # --- The pupil opens their menu: sections, suggestions with reasons, places left. ---
    sign_in_and_land_home(page, "pupil1.own", PASSWORD)
    page.goto("/me/opportunities/")
    expect(page.get_by_role("heading", name="Things you could do")).to_be_visible()
    expect(page.get_by_role("heading", name="Suggested for you")).to_be_visible()
    robots = page.locator("li.menu-card").filter(has_text="Robotics club")
    expect(robots).to_contain_text("Suggested for you — because you wrote ‘I love robots’")
    expect(robots).to_contain_text("12 places left")
    trip = page.locator("li.menu-card").filter(has_text="Natural History Museum trip")
    expect(trip).to_contain_text("Your grown-up needs to say yes")
    assert_accessible(page)
    screenshot(page, "menu-01-pupils-menu-1280")
    on_a_phone(page, "menu-01-pupils-menu")

    # --- They ask without saying why: refused, saying so; then say why. ---
    robots.get_by_role("link", name=re.compile("I'd like to do this")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robotics club")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text("Tell us why you would like to take part")
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)
    screenshot(page, "menu-02-ask-refused-1280")
    on_a_phone(page, "menu-02-ask-refused")
    page.get_by_label("Why would you like to do this?").fill(
        "I built a robot from a kit at home and I want to make it follow a line."
    )
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("status")).to_contain_text("You asked to do “Robotics club”")
    asked = Participation.objects.get(pupil=w.records["own"])
    expect(page.locator(f"#mine-{asked.pk}")).to_be_focused()
    # The club's staff lead answers when the pupil has no learning guide.
    expect(page.locator(f"#mine-{asked.pk}")).to_contain_text("Waiting for Teach Own to answer")
    assert_accessible(page)
    sign_out(page)

    # --- The coordinator answers "yes" on the requests page. ---
    sign_in_and_land_home(page, "lead.own", PASSWORD)
    page.goto(f"/schools/{w.schools['own'].pk}/requests/")
    request = page.locator(f"#request-{asked.pk}")
    expect(request).to_contain_text("I built a robot from a kit")
    assert_accessible(page)
    screenshot(page, "menu-03-requests-1280")
    on_a_phone(page, "menu-03-requests")
    # The other answers, one click away: an alternative, not this time (with a reason).
    request.get_by_role("link", name=re.compile("^Another answer")).click()
    expect(page.get_by_role("group", name="Choose one")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "menu-03b-other-answers-1280")
    page.go_back()
    request = page.locator(f"#request-{asked.pk}")
    request.get_by_role("button", name=re.compile("^Yes")).click()
    expect(page.get_by_role("status")).to_contain_text("Ada Own has a place on “Robotics club”.")
    expect(page.locator("#asked-heading")).to_be_focused()
    assert_accessible(page)
    # Ada's opportunities, as staff see them: where each stands, and an offer to make.
    page.goto(f"/pupils/{w.records['own'].pk}/opportunities/")
    expect(page.locator(f"#participation-{asked.pk}")).to_contain_text("Has a place")
    expect(page.get_by_role("heading", name="Offer an opportunity")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "menu-03c-pupil-for-staff-1280")
    sign_out(page)

    # --- The pupil has a place. ---
    sign_in_and_land_home(page, "pupil1.own", PASSWORD)
    page.goto("/me/opportunities/")
    expect(page.locator(f"#mine-{asked.pk}")).to_contain_text("You have a place!")
    expect(
        page.locator("li.menu-card").filter(has_text="Robotics club").locator(".card-state")
    ).to_have_text("You have a place!")
    assert_accessible(page)
    screenshot(page, "menu-04-you-have-a-place-1280")
    on_a_phone(page, "menu-04-you-have-a-place")
    sign_out(page)

    # --- The museum trip needs a grown-up's yes: the carer gives it on their child's page. ---
    trip = Opportunity.objects.get(title="Natural History Museum trip")
    place = places.grant(w.users["leading_teacher@own"], requested(w.records["own"], trip))
    sign_in(page, "carer.own", PASSWORD)
    page.goto(f"/pupils/{w.records['own'].pk}/opportunities/")
    row = page.locator(f"#participation-{place.pk}")
    expect(row).to_contain_text("Can Ada take part?")
    assert_accessible(page)
    screenshot(page, "menu-05-carer-consent-1280")
    on_a_phone(page, "menu-05-carer-consent")
    row.get_by_role("button", name=re.compile("^Yes, they can take part")).click()
    expect(page.get_by_role("status")).to_contain_text("Thank you: you said yes")
    expect(page.locator(f"#participation-{place.pk}")).to_be_focused()
    expect(page.locator(f"#participation-{place.pk}")).to_contain_text("a carer said yes")
    assert_accessible(page)
