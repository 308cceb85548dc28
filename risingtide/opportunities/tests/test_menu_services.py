"""The menu's rules, called directly: what a pupil may ask (and ask again), what they may
answer, what staff may answer or offer, each refusal saying why and changing nothing; every
change in the audit log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.audit.models import AuditEvent
from risingtide.opportunities import menu_services, places
from risingtide.opportunities.models import Participation
from risingtide.opportunities.tests.menu_world import opportunity, requested

State = Participation.State


@pytest.fixture
def w(world):
    world.club = opportunity(world.schools["own"], "Chess club", capacity=2)
    world.pupil = world.user("pupil@own")
    world.lead = world.user("leading_teacher@own")
    return world


def test_asking_twice_is_refused_but_asking_again_after_withdrawing_is_not(w):
    p = menu_services.ask(w.pupil, w.club, "  I play at home.  ")
    assert (p.state, p.reason) == (State.REQUESTED, "I play at home.")
    assert AuditEvent.objects.filter(action="opportunity.ask", target_id=str(p.pk)).exists()
    with pytest.raises(ValidationError, match="already asked"):
        menu_services.ask(w.pupil, w.club, "Again")
    menu_services.respond(w.pupil, p, "withdraw")
    again = menu_services.ask(w.pupil, w.club, "I changed my mind")
    assert (again.pk, again.state, again.reason) == (p.pk, State.REQUESTED, "I changed my mind")


def test_not_this_time_stands_until_staff_change_it(w):
    p = requested(w.records["own"], w.club)
    menu_services.answer(w.lead, p, "not_now", note="Full of Year 9s this term.")
    with pytest.raises(ValidationError, match="talk to your teacher"):
        menu_services.ask(w.pupil, w.club, "Please")
    # Staff may still offer it.
    assert menu_services.offer(w.lead, w.records["own"], w.club).state == State.OFFERED


def test_a_pupil_answers_only_what_fits_and_only_their_own(w):
    p = requested(w.records["own"], w.club)
    with pytest.raises(ValidationError) as refused:
        menu_services.respond(w.pupil, p, "accept")
    assert "choice" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        menu_services.respond(w.user("pupil2@own"), p, "withdraw")
    assert Participation.objects.get(pk=p.pk).state == State.REQUESTED


def test_staff_answers_are_refused_when_they_do_not_fit(w):
    p = requested(w.records["own"], w.club)
    with pytest.raises(ValidationError, match="Only a pupil with a place"):
        menu_services.answer(w.lead, p, "took_part")
    with pytest.raises(ValidationError) as refused:
        menu_services.answer(w.lead, p, "alternative")
    assert "alternative" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        menu_services.answer(w.lead, p, "not_now", note="x" * 1001)
    assert "note" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        menu_services.answer(w.user("teacher@other"), p, "approve")
    assert Participation.objects.get(pk=p.pk).state == State.REQUESTED


def test_took_part_waits_for_a_carers_yes(w):
    trip = opportunity(w.schools["own"], "Trip", kind="trip", needs_consent=True)
    p = places.grant(w.lead, requested(w.records["own"], trip))
    with pytest.raises(ValidationError, match="carer has not said yes"):
        menu_services.answer(w.lead, p, "took_part")
    menu_services.answer_consent(w.user("carer@own"), p, "yes")
    assert menu_services.answer(w.lead, p, "took_part").state == State.TOOK_PART


def test_an_offer_is_refused_when_the_pupil_already_has_it(w):
    requested(w.records["own"], w.club)
    with pytest.raises(ValidationError) as refused:
        menu_services.offer(w.lead, w.records["own"], w.club)
    assert "opportunity" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        menu_services.offer(w.user("teacher@own"), w.records["own2"], w.club)
