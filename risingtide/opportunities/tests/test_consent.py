"""A carer's consent: a place for an opportunity that needs it waits for a carer; yes keeps
it, no frees it for the next on the waiting list; only the pupil's own carer may answer, and a
carer's earlier yes stands when the place comes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.opportunities import consent, places
from risingtide.opportunities.models import Participation
from risingtide.opportunities.tests.menu_world import opportunity, pupils, requested

State = Participation.State
Consent = Participation.Consent


@pytest.fixture
def w(world):
    world.lead = world.user("leading_teacher@own")
    world.carer = world.user("carer@own")
    return world


def test_a_place_waits_for_a_carer_and_yes_keeps_it(w):
    trip = opportunity(w.schools["own"], "Science museum", needs_consent=True, capacity=2)
    p = places.grant(w.lead, requested(w.records["own"], trip))
    assert (p.state, p.consent) == (State.PLACE, Consent.AWAITING)
    p = consent.record_consent(w.carer, p, True)
    assert (p.state, p.consent, p.consent_by) == (State.PLACE, Consent.GIVEN, w.carer)


def test_consent_refused_frees_the_place_for_the_next_on_the_waiting_list(w):
    trip = opportunity(w.schools["own"], "Science museum", needs_consent=True, capacity=1)
    mine = places.grant(w.lead, requested(w.records["own"], trip))
    others = [requested(r, trip) for r in pupils(w.schools["own"], w.groups["own"], 2)]
    for other in others:
        assert places.grant(w.lead, other).state == State.WAITING
    refused = consent.record_consent(w.carer, mine, False)
    assert (refused.state, refused.consent) == (State.WITHDRAWN, Consent.REFUSED)
    first, second = (Participation.objects.get(pk=o.pk) for o in others)
    assert (first.state, first.consent) == (State.PLACE, Consent.AWAITING)
    assert second.state == State.WAITING


def test_withdrawing_a_yes_gives_the_place_up(w):
    trip = opportunity(w.schools["own"], "Residential", needs_consent=True, capacity=1)
    p = places.grant(w.lead, requested(w.records["own"], trip))
    consent.record_consent(w.carer, p, True)
    other = requested(pupils(w.schools["own"], w.groups["own"], 1)[0], trip)
    places.grant(w.lead, other)
    p = consent.record_consent(w.carer, p, False)
    assert (p.state, p.consent) == (State.WITHDRAWN, Consent.WITHDRAWN)
    assert Participation.objects.get(pk=other.pk).state == State.PLACE


def test_a_yes_given_before_the_place_stands_when_it_comes(w):
    trip = opportunity(w.schools["own"], "Residential", needs_consent=True, capacity=1)
    p = consent.record_consent(w.carer, requested(w.records["own"], trip), True)
    assert (p.state, p.consent) == (State.REQUESTED, Consent.GIVEN)
    p = places.grant(w.lead, p)
    assert (p.state, p.consent) == (State.PLACE, Consent.GIVEN)


def test_only_the_pupils_own_carer_answers_and_nothing_changes_otherwise(w):
    trip = opportunity(w.schools["own"], "Residential", needs_consent=True)
    theirs = places.grant(w.lead, requested(w.records["2@own"], trip))
    for who in (w.carer, w.lead, w.user("teacher@own"), w.user("pupil2@own")):
        with pytest.raises(PermissionDenied):
            consent.record_consent(who, theirs, True)
    assert Participation.objects.get(pk=theirs.pk).consent == Consent.AWAITING


def test_consent_for_what_needs_none_or_is_settled_is_refused(w):
    club = opportunity(w.schools["own"], "Chess club", needs_consent=False)
    p = requested(w.records["own"], club)
    with pytest.raises(ValidationError, match="does not need"):
        consent.record_consent(w.carer, p, True)
    trip = opportunity(w.schools["own"], "Trip", needs_consent=True)
    q = requested(w.records["own"], trip)
    places.release(w.users["pupil@own"], q, State.WITHDRAWN)
    with pytest.raises(ValidationError, match="already settled"):
        consent.record_consent(w.carer, q, True)
