"""The entitlement pages through the test client: who sees what, the settings form, the
reasons on the page, and a constant number of queries however many pupils."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.learners.models import LearningGuide
from risingtide.opportunities.models import Entitlement
from risingtide.opportunities.tests.test_entitlement_world import (
    AUTUMN,
    identify,
    opportunity,
    pupil,
    take,
)

pytestmark = pytest.mark.django_db


def url(name, *args, term=AUTUMN):
    return reverse(f"opportunities:{name}", args=args) + f"?term={term}"


@pytest.fixture
def own(world):
    """pupil@own and pupil@own2 on the register: Ada holds one club, the Year 8 pupil
    nothing; Ada's learning guide is the teacher."""
    school = world.schools["own"]
    for key in ("own", "own2"):
        identify(world.records[key])
    take(world.records["own"], opportunity(school, "Chess club", components=("curriculum",)))
    LearningGuide.objects.create(pupil=world.records["own"], guide=world.user("teacher@own"))
    return school


def test_the_coordinator_sees_who_is_short_by_class_and_guide_and_why(world, own, client_for):
    response = client_for(world.user("leading_teacher@own")).get(url("entitlement", own.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "0 of 2 pupils meet it" in page
    assert "Nothing offered" in page and "Nothing more offered" in page
    assert "1 of 2 this term" in page and "Nothing beyond the classroom" in page
    assert "Own 7A" in page and "Own 8B" in page
    assert "Teach Own" in page and "No learning guide" in page
    record = world.records["own"]
    assert reverse("register:register_pupil", args=[record.pk]) in page or (
        f"/{record.pk}/" in page
    )
    assert "Equity of provision by pupil group" in page
    assert "Change the entitlement" in page


def test_a_teacher_sees_their_own_groups_pupils_only(world, own, client_for):
    response = client_for(world.user("teacher@own")).get(url("entitlement", own.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ada Own" in page and "Pupil Eight" not in page
    assert "Change the entitlement" not in page and "Equity of provision" not in page


@pytest.mark.parametrize(
    "who", ["teacher@other", "head@other", "la_lead@own", "national_officer@nation", "pupil@own"]
)
def test_nobody_outside_the_school_reaches_its_pupils(world, own, client_for, who):
    client = client_for(world.user(who))
    for name in ("entitlement", "entitlement_equity", "entitlement_settings"):
        assert client.get(url(name, own.pk)).status_code == 404, name


def test_a_teacher_may_not_see_equity_or_set_it(world, own, client_for):
    client = client_for(world.user("teacher@own"))
    assert client.get(url("entitlement_equity", own.pk)).status_code == 403
    assert client.get(url("entitlement_settings", own.pk)).status_code == 403


def test_the_coordinator_sets_the_entitlement(world, own, client_for):
    client = client_for(world.user("leading_teacher@own"))
    settings_url = reverse("opportunities:entitlement_settings", args=[own.pk])
    response = client.post(settings_url, {"per_term": "1", "components": "1"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#headline")
    page = response.content.decode()
    assert "Entitlement saved" in page and "at least 1 opportunity a term" in page
    row = Entitlement.objects.get(school=own)
    assert (row.per_term, row.components, row.beyond_classroom) == (1, 1, False)


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"per_term": "0", "components": "1"}, "per_term", "between 1 and 20"),
        ({"per_term": "two", "components": "1"}, "per_term", "whole number"),
        ({"per_term": "2", "components": "6"}, "components", "five components"),
        ({"per_term": "1", "components": "3"}, "components", "no more components"),
        ({}, "per_term", "how many opportunities"),
    ],
)
def test_bad_settings_say_which_field_and_save_nothing(world, own, client_for, data, field, words):
    client = client_for(world.user("head@own"))
    response = client.post(reverse("opportunities:entitlement_settings", args=[own.pk]), data)
    assert response.status_code == 400
    assert words in response.context["form"].errors[field][0]
    assert not Entitlement.objects.exists()


def test_the_school_sees_its_own_equity_exactly(world, own, client_for):
    response = client_for(world.user("head@own")).get(url("entitlement_equity", own.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "your school’s own figures, exact" in page
    assert "Free school meals" in page and "Ethnicity (major group)" in page


def test_the_la_lead_sees_suppressed_aggregates_and_no_names(world, own, client_for):
    client = client_for(world.user("la_lead@own"))
    response = client.get(url("entitlement_la", world.las["own"].pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Disclosure control" in page and "Too few pupils on the register to show" in page
    # Names, as words (the page's random CSRF token once held "Ada" inside it).
    assert not re.search(r"\bAda\b", page) and "Own School" not in page
    assert 'data-value="1"' not in page and 'data-value="2"' not in page
    assert client.get(url("entitlement_la", world.las["other"].pk)).status_code == 404
    assert client.get(url("entitlement_nation", world.nation.pk)).status_code == 404


def test_the_national_officer_sees_the_nation_and_each_la(world, own, client_for):
    client = client_for(world.user("national_officer@nation"))
    assert client.get(url("entitlement_nation", world.nation.pk)).status_code == 200
    assert client.get(url("entitlement_la", world.las["other"].pk)).status_code == 200


def test_a_term_that_is_not_offered_shows_the_current_term(world, own, client_for):
    client = client_for(world.user("leading_teacher@own"))
    response = client.get(url("entitlement", own.pk, term="fy:2026"))
    assert response.status_code == 200


def _pupils(world, school, n):
    group = world.groups["own"]
    from risingtide.demo.testing import make_user, member
    from risingtide.people.models import Role

    clubs = [
        opportunity(school, f"Club {k}", components=("curriculum", "beyond")) for k in range(3)
    ]
    for k in range(n):
        account = make_user(f"bulk{n}.{k}", "Bulk", f"Pupil {k}")
        member(account, Role.PUPIL, school=school, teaching_group=group)
        record = pupil(school, f"Pupil {k}", "Bulk", account=account)
        take(record, clubs[k % 3], state=("place", "waiting", "declined")[k % 3])
        LearningGuide.objects.create(pupil=record, guide=world.user("teacher@own"))


def _queries(client, path):
    with CaptureQueriesContext(connection) as seen:
        assert client.get(path).status_code == 200
    return len(seen)


@pytest.mark.parametrize("name", ["entitlement", "entitlement_equity"])
def test_a_constant_number_of_queries_for_10_and_60_pupils(world, client_for, name):
    school = world.schools["own"]
    client = client_for(world.user("leading_teacher@own"))
    _pupils(world, school, 10)
    client.get(url(name, school.pk))  # the first request of a session writes it
    few = _queries(client, url(name, school.pk))
    _pupils(world, school, 50)
    many = _queries(client, url(name, school.pk))
    assert many == few, (few, many)
    assert few <= 16
