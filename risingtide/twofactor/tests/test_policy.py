"""Who is asked for a second factor: the roles that reach pupil records where a school, its LA
or the site requires it (teachers only when it says so); never pupils or carers; anyone who
set up a device of their own."""

import time

import pytest

from risingtide.twofactor import policy
from risingtide.twofactor.models import Requirement
from risingtide.twofactor.tests.factors import give_app

SCHOOL_STAFF = ["leading_teacher@own", "head@own", "leading_teacher@cluster"]


def test_nothing_is_required_by_default(world):
    for key in [*SCHOOL_STAFF, "la_lead@own", "national_officer@nation", "site_admin@site"]:
        assert not policy.required(world.user(key)), key


def test_a_school_requires_it_of_its_coordinators_and_heads_only(world):
    Requirement.objects.create(school=world.schools["own"])
    for key in SCHOOL_STAFF:
        assert policy.required(world.user(key)), key
    for key in ["teacher@own", "pupil@own", "carer@own", "head@other", "la_lead@own"]:
        assert not policy.required(world.user(key)), key


def test_teachers_only_when_the_requirement_says_so(world):
    Requirement.objects.create(school=world.schools["own"], include_teachers=True)
    assert policy.required(world.user("teacher@own"))
    assert not policy.required(world.user("teacher@other"))


def test_an_la_requires_it_for_all_its_schools_and_its_lead(world):
    Requirement.objects.create(local_authority=world.las["own"])
    for key in ["head@own", "head@peer", "la_lead@own"]:
        assert policy.required(world.user(key)), key
    for key in ["head@other", "la_lead@other", "national_officer@nation"]:
        assert not policy.required(world.user(key)), key


def test_the_site_requires_it_everywhere_but_never_of_pupils_or_carers(world):
    Requirement.objects.create(site=True, include_teachers=True)
    for key in [*SCHOOL_STAFF, "teacher@own", "la_lead@other", "national_officer@nation"]:
        assert policy.required(world.user(key)), key
    assert policy.required(world.user("site_admin@site"))
    for key in ["pupil@own", "pupil2@own", "carer@own", "provider_staff@own", "nobody@nowhere"]:
        assert not policy.required(world.user(key)), key


def test_a_place_has_one_requirement_at_most(world):
    from django.db import IntegrityError, transaction

    Requirement.objects.create(site=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.create(site=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.create(school=world.schools["own"], site=True)


def test_sign_in_asks_whoever_has_a_device_even_when_nothing_is_required(world):
    session = {}
    assert policy.decide(session, world.user("teacher@own")) == policy.CLEAR
    give_app(world.user("teacher@own"))
    assert policy.decide(session, world.user("teacher@own")) == policy.ASK
    assert session[policy.HAS_DEVICE] is True


def test_a_check_is_fresh_for_the_set_time(settings, monkeypatch):
    settings.TWO_FACTOR_FRESH_MINUTES = 15
    session = {}
    assert not policy.is_fresh(session)
    policy.record_check(session)
    assert policy.is_fresh(session)
    now = time.time()
    monkeypatch.setattr(policy.time, "time", lambda: now + 15 * 60 + 1)
    assert not policy.is_fresh(session)
