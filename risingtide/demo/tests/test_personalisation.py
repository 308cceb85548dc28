"""The demo's personalised provision (issue 19): Riverton Academy's provision map, entitlement,
learning guides, a handful of pupils' profiles and plans, and a carer who signs in."""

import re
from datetime import date, timedelta

import pytest
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone

from risingtide.demo import world
from risingtide.demo.personalisation import _Clock, _school_day
from risingtide.families.models import Invitation
from risingtide.learners.models import (
    LearnerProfile,
    LearningGuide,
    Observation,
    Personalisation,
    ProfileChange,
)
from risingtide.learning_plans.models import TARGET_LIMIT, LearningPlan, Message, Target
from risingtide.opportunities import entitlement
from risingtide.opportunities.models import (
    Component,
    Entitlement,
    Opportunity,
    Participation,
    Wave,
)
from risingtide.people.models import Membership, Role, User
from risingtide.register.models import RegisterEntry, academic_year
from risingtide.schools.models import School

pytestmark = pytest.mark.django_db
State, Consent = Participation.State, Participation.Consent


def test_the_demo_has_riverton_academys_personalised_provision(shared_demo):
    school = School.objects.get(name="Riverton Academy")
    year = academic_year()
    coordinator = User.objects.get(username="coordinator")

    # The provision map: this year's, every component, kind and wave, led by the school's staff.
    found = Opportunity.objects.filter(school=school, academic_year=year)
    assert 15 <= found.count() <= 20
    components = set(found.values_list("components__component", flat=True))
    assert components == set(Component.values)
    assert {"club", "enrichment_day", "acceleration", "early_entry", "mentoring"} <= set(
        found.values_list("kind", flat=True)
    )
    assert {"competition", "trip", "extension"} <= set(found.values_list("kind", flat=True))
    assert set(found.values_list("wave", flat=True)) == set(Wave.values)
    assert found.filter(needs_consent=True).count() == 2
    assert not found.filter(staff_lead__isnull=True).exists()
    staff = set(
        Membership.objects.filter(school=school)
        .exclude(role=Role.PUPIL)
        .values_list("user_id", flat=True)
    )
    assert set(found.values_list("staff_lead_id", flat=True)) <= staff
    for opportunity in found:
        assert opportunity.starts_on <= opportunity.ends_on
        assert date(year, 9, 1) <= opportunity.starts_on <= date(year + 1, 8, 31)
    # One is full, with a waiting list; none is over-filled.
    holding = Count("participations", filter=Q(participations__state__in=["place", "took_part"]))
    waiting = Count("participations", filter=Q(participations__state="waiting"))
    counted = found.filter(capacity__isnull=False).annotate(held=holding, waiting=waiting)
    assert all(o.held <= o.capacity for o in counted)
    full = [o for o in counted if o.held == o.capacity]
    assert full and any(o.waiting for o in full)

    # The school's choices: profiles and suggestions on, its entitlement set.
    choices = Personalisation.objects.get(school=school)
    assert choices.profiles_on and choices.suggestions_on
    rule = Entitlement.objects.get(school=school)
    assert (rule.per_term, rule.components, rule.beyond_classroom) == (2, 2, True)

    # Every pupil on the register has a learning guide from the school's staff; a few guides.
    register = RegisterEntry.objects.filter(
        school=school, academic_year=year, current=True, status="identified"
    )
    maya = User.objects.get(username="pupil")
    assert register.filter(pupil__account=maya).exists()  # identified by the coordinator
    guides = LearningGuide.objects.filter(pupil__in=register.values("pupil"))
    assert guides.count() == register.count()
    assert set(guides.values_list("guide_id", flat=True)) <= staff
    assert 3 <= guides.values("guide").distinct().count() <= 5

    # A handful of pupils: profiles with their history, observations, varied participations.
    profiles = LearnerProfile.objects.filter(pupil__school=school)
    assert 5 <= profiles.count() <= 6
    assert profiles.filter(pupil__account=maya).exists()
    assert not profiles.filter(Q(interests="") | Q(aspirations="")).exists()
    text = " ".join(profiles.values_list("helps_me_learn", flat=True)).lower()
    assert not re.search(r"\b(visual|auditory|kinaesthetic|kinesthetic) learner", text)
    for profile in profiles:
        history = ProfileChange.objects.filter(profile=profile)
        assert history.filter(changed_by=profile.pupil.account).count() >= 5
        assert history.exclude(before="").exists()  # an answer changed later
        assert Observation.objects.filter(pupil=profile.pupil).count() >= 2
    states = set(Participation.objects.filter(pupil__school=school).values_list("state", flat=True))
    assert {"place", "took_part", "waiting", "requested", "declined"} <= states
    asked = Participation.objects.filter(state="requested", pupil__school=school)
    assert asked.exists() and not asked.filter(reason="").exists()
    awaiting = Participation.objects.get(state="place", consent="awaiting")
    assert awaiting.pupil.account == maya and awaiting.opportunity.needs_consent

    # Some register pupils are short of the entitlement; most are not.
    standing = entitlement.standing(school)
    short = {pupil for pupil, found in standing.items() if not found.met}
    assert 1 <= len(short) <= register.count() // 3
    assert all(standing[pupil].reasons for pupil in short)  # each says why

    # Plans: 2-3 targets in the pupil's words under the limit, evidence, a review, a talk.
    plans = LearningPlan.objects.filter(pupil__in=profiles.values("pupil"))
    assert plans.count() == profiles.count()
    for plan in plans:
        targets = Target.objects.filter(plan=plan)
        assert 2 <= targets.count() <= 3
        assert all(len(t.text) <= TARGET_LIMIT for t in targets)
        assert targets.filter(evidence__isnull=False).exists()
        assert plan.reviews.exists() and plan.next_review_on
        voices = set(Message.objects.filter(plan=plan).values_list("voice", flat=True))
        assert {"pupil", "guide", "family"} <= voices
    maya_plan = plans.get(pupil__account=maya)
    evidence = Target.objects.filter(plan=maya_plan).values_list(
        "evidence__item", "evidence__next_step", "evidence__participation"
    )
    kinds = {i for row in evidence for i, v in enumerate(row) if v}
    assert kinds == {0, 1, 2}  # her portfolio items, next steps and an opportunity

    # The carer: linked to exactly one child, Maya, who waits for her consent; she writes in
    # Maya's plan. Another family's invitation waits, its code kept only as a digest.
    carer = User.objects.get(username="carer")
    links = Membership.objects.filter(user=carer)
    assert links.count() == 1
    assert (links.get().role, links.get().child) == (Role.CARER, maya)
    assert Message.objects.filter(plan=maya_plan, voice="family", author=carer).exists()
    pending = Invitation.objects.get(used_at__isnull=True)
    assert re.fullmatch(r"[0-9a-f]{64}", pending.code_digest)
    left = pending.expires_at - timezone.now()
    assert timedelta(days=13) < left <= timedelta(days=14)
    assert pending.pupil.school == school and pending.created_by == coordinator
    assert Invitation.objects.get(used_by=carer).pupil.account == maya
    # Listed with the other demo accounts, and signs in with their password.
    assert "carer" in world.sign_in_text("http://127.0.0.1:8000/")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "carer", "password": world.DEMO_PASSWORD}, secure=True
    )
    assert response.status_code == 302


def test_dates_stay_on_school_days_inside_the_academic_year():
    assert _school_day(date(2026, 12, 5)) == date(2026, 12, 7)  # Saturday: the Monday
    assert _school_day(date(2026, 12, 8)) == date(2026, 12, 8)
    assert _school_day(date(2027, 7, 17), last=date(2027, 7, 16)) == date(2027, 7, 16)
    clock = _Clock()
    for offset in (-400, -30, 0, 45, 400):
        day = clock.day(offset)
        assert clock.first <= day <= clock.last and day.weekday() < 5
        saturday = clock.day(offset, 5)
        assert clock.first <= saturday <= clock.last and saturday.weekday() == 5
