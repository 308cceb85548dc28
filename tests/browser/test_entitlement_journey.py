"""The entitlement in the browser, as issue 19's "Done when" names it: the coordinator sets
the school's entitlement, sees a pupil short of it and why (a place on a trip still waiting
for a carer's consent, so nothing beyond the classroom yet), and opens the equity of
provision, each chart drawn from the table beside it. Axe on each page, at 1280 and 390 px.
The LA lead then sees their LA's figures summed, small numbers as "c", and no pupil's name."""

import re

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld, make_user
from risingtide.learners.models import LearningGuide
from risingtide.opportunities.tests.test_entitlement_world import (
    identify,
    opportunity,
    pupil,
    take,
)
from risingtide.provision.periods import current
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser

NAMES = [
    ("Khan", "Zara"),
    ("Okafor", "Tobi"),
    ("Nowak", "Lena"),
    ("Patel", "Ravi"),
    ("Smith", "Ella"),
    ("Jones", "Owen"),
    ("Ahmed", "Sami"),
    ("Evans", "Ruby"),
]


def _school(world):
    """Ada (pupil@own) holds a club and a trip place waiting for consent; eight more pupils on
    the register hold two opportunities across two components, one beyond the classroom, or
    less; two learning guides share them."""
    school = world.schools["own"]
    _, year, term = current().code.split(":")  # "term:2026:autumn"
    club = opportunity(
        school,
        "Maths circle",
        components=("curriculum", "teaching"),
        term=term,
        academic_year=int(year),
    )
    trip = opportunity(
        school,
        "Science museum trip",
        components=("beyond",),
        term=term,
        academic_year=int(year),
        needs_consent=True,
    )
    debate = opportunity(
        school,
        "Debating society",
        components=("beyond", "organisation"),
        term="year",
        academic_year=int(year),
    )
    guide = make_user("guide.own", "Sam", "Rivera")
    ada = world.records["own"]
    identify(ada, year=int(year))
    take(ada, club)
    take(ada, trip, consent="awaiting")
    LearningGuide.objects.create(pupil=ada, guide=world.users["teacher@own"])
    for n, (surname, forename) in enumerate(NAMES):
        record = pupil(
            school, surname, forename, on_register=False, gender="MF"[n % 2], eal=n % 3 == 0
        )
        identify(record, year=int(year))
        if n % 4 != 3:
            take(record, club)
        if n % 4 in (0, 1):
            take(record, debate)
        if n % 4 == 2:
            take(record, debate, state="declined")
        LearningGuide.objects.create(
            pupil=record, guide=guide if n % 2 else world.users["teacher@own"]
        )
    return school


def test_the_coordinator_sets_the_entitlement_and_sees_who_is_short(page: Page, tiny_world):
    school = _school(tiny_world)
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/schools/{school.pk}/entitlement/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Entitlement")
    expect(page.get_by_text("The usual promise")).to_be_visible()

    page.get_by_role("link", name="Change the entitlement").click()
    page.get_by_label("Opportunities each pupil takes a term, at least").fill("0")
    page.get_by_role("button", name="Save the entitlement").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose between 1 and 20")
    assert_accessible(page)
    page.get_by_label("Opportunities each pupil takes a term, at least").fill("2")
    page.get_by_label("Across at least this many of the five components").fill("2")
    page.get_by_label("At least one of them beyond the classroom").check()
    screenshot(page, "entitlement-settings-1280")
    page.get_by_role("button", name="Save the entitlement").click()

    expect(page.get_by_role("status")).to_contain_text("Entitlement saved")
    expect(page.locator("#headline")).to_be_focused()
    headline = page.get_by_role("heading", level=2, name=re.compile(r"of 9 pupils meet"))
    expect(headline).to_be_visible()
    short = page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile(r"^Short of the entitlement"))
    )
    ada = short.get_by_role("row").filter(has=page.get_by_role("link", name="Ada Own"))
    expect(ada).to_contain_text("Waiting: 1 awaiting a carer's consent")
    expect(ada).to_contain_text("Nothing beyond the classroom")
    expect(short.get_by_role("row").filter(has_text="Nowak")).to_contain_text("Declined")
    expect(page.get_by_role("heading", name="By learning guide")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "entitlement-1280")
    on_a_phone(page, "entitlement")

    page.get_by_role("link", name="Equity of provision by pupil group").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Equity of provision")
    expect(page.get_by_text("your school’s own figures, exact")).to_be_visible()
    gender = page.locator("figure.chart").filter(has_text="Gender")
    expect(gender.locator("canvas")).to_be_visible()
    expect(gender.get_by_role("rowheader", name="Girls")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "entitlement-equity-1280")
    on_a_phone(page, "entitlement-equity")
    sign_out(page)

    sign_in_and_land_home(page, "la.own", TinyWorld.PASSWORD)
    page.goto(f"/las/{tiny_world.las['own'].pk}/entitlement/")
    expect(page.get_by_text("Disclosure control")).to_be_visible()
    expect(page.get_by_text("Zara")).to_have_count(0)
    expect(page.get_by_text("Ada")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "entitlement-la-1280")
    on_a_phone(page, "entitlement-la")
