"""``standing``: each pupil on the register against the school's entitlement in a term, with
every reason in words, in a constant number of queries."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.audit.models import AuditEvent
from risingtide.opportunities.entitlement import Rule, rule_for, standing
from risingtide.opportunities.entitlement_services import set_entitlement
from risingtide.opportunities.models import Entitlement
from risingtide.opportunities.tests.test_entitlement_world import (
    AUTUMN,
    SPRING,
    identify,
    market_place,
    opportunity,
    pupil,
    take,
)
from risingtide.register.models import RegisterEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(world):
    return world.schools["own"]


def test_the_defaults_hold_until_the_school_sets_its_own(world, school):
    assert rule_for(school) == Rule(2, 2, True, set_by_school=False)
    set_entitlement(
        world.user("leading_teacher@own"), school, per_term=3, components=1, beyond_classroom=False
    )
    assert rule_for(school) == Rule(3, 1, False, set_by_school=True)
    assert AuditEvent.objects.filter(action="opportunities.entitlement_set").count() == 1


def test_setting_it_is_refused_whole_with_the_field_and_why(world, school):
    with pytest.raises(ValidationError) as refused:
        set_entitlement(
            world.user("head@own"), school, per_term=1, components=3, beyond_classroom=True
        )
    assert "components" in refused.value.error_dict
    assert not Entitlement.objects.exists()
    with pytest.raises(PermissionDenied):
        set_entitlement(
            world.user("teacher@own"), school, per_term=2, components=2, beyond_classroom=True
        )
    with pytest.raises(PermissionDenied):
        set_entitlement(
            world.user("head@other"), school, per_term=2, components=2, beyond_classroom=True
        )


def test_a_pupil_who_holds_enough_meets_it(school):
    ada = pupil(school)
    take(ada, opportunity(school, "Maths circle", components=("curriculum",)))
    take(ada, opportunity(school, "Museum trip", components=("beyond",)), state="took_part")
    found = standing(school, AUTUMN)[ada.pk]
    assert found.met and found.reasons == ()
    assert (found.taken, found.components, found.beyond) == (2, 2, True)


def test_nothing_offered_says_so_and_what_is_missing(school):
    ada = pupil(school)
    found = standing(school, AUTUMN)[ada.pk]
    assert not found.met
    assert found.reasons == (
        "nothing offered",
        "0 of 2 this term",
        "0 components of 2",
        "nothing beyond the classroom",
    )


def test_waiting_says_which_wait(school):
    ada = pupil(school)
    take(ada, opportunity(school, "A", components=("curriculum", "teaching")))
    take(ada, opportunity(school, "B"), state="requested")
    take(ada, opportunity(school, "C"), state="offered")
    take(ada, opportunity(school, "D"), state="waiting")
    take(ada, opportunity(school, "E"), state="waiting")
    found = standing(school, AUTUMN)[ada.pk]
    assert found.reasons == (
        "waiting: 1 asked, 1 offered, 2 on the waiting list",
        "1 of 2 this term",
        "nothing beyond the classroom",
    )


def test_a_place_awaiting_consent_does_not_count_yet(school):
    ada = pupil(school)
    trip = opportunity(school, "Trip", components=("beyond",), needs_consent=True)
    take(ada, trip, consent="awaiting")
    take(ada, opportunity(school, "Club"))
    found = standing(school, AUTUMN)[ada.pk]
    assert (found.taken, found.beyond) == (1, False)
    assert found.reasons[0] == "waiting: 1 awaiting a carer's consent"
    assert "nothing beyond the classroom" in found.reasons
    trip.participations.update(consent="given")
    found = standing(school, AUTUMN)[ada.pk]
    assert found.met and found.taken == 2


def test_declined_and_not_now_and_consent_refused(school):
    ada = pupil(school)
    take(ada, opportunity(school, "A"), state="declined")
    take(ada, opportunity(school, "B"), state="not_now")
    take(ada, opportunity(school, "C", needs_consent=True), state="withdrawn", consent="refused")
    found = standing(school, AUTUMN)[ada.pk]
    assert found.reasons[0] == "declined: 1 declined, 1 not this time, 1 consent not given"
    assert found.declined == 3 and found.taken == 0


def test_nothing_more_offered_when_part_is_held_and_nothing_is_in_hand(school):
    ada = pupil(school)
    take(ada, opportunity(school, "A", components=("beyond",)))
    found = standing(school, AUTUMN)[ada.pk]
    assert found.reasons == ("nothing more offered", "1 of 2 this term", "1 component of 2")


def test_the_term_and_the_whole_year(school):
    ada = pupil(school)
    take(ada, opportunity(school, "All year", components=("teaching",), term="year"))
    take(ada, opportunity(school, "Spring", components=("beyond",), term="spring"))
    autumn, spring = standing(school, AUTUMN)[ada.pk], standing(school, SPRING)[ada.pk]
    assert (autumn.taken, autumn.beyond) == (1, False)
    assert spring.met and (spring.taken, spring.components) == (2, 2)
    # Last year's opportunities are not this year's.
    take(ada, opportunity(school, "Old", academic_year=2025, term="autumn"))
    assert standing(school, AUTUMN)[ada.pk].taken == 1


def test_withdrawn_opportunities_and_other_schools_do_not_count(world, school):
    from django.utils import timezone

    ada = pupil(school)
    take(ada, opportunity(school, "Gone", withdrawn_at=timezone.now()))
    take(ada, opportunity(world.schools["other"], "Elsewhere"))
    assert standing(school, AUTUMN)[ada.pk].reasons[0] == "nothing offered"


def test_a_marketplace_place_counts_as_beyond_the_classroom(world, school):
    ada = pupil(school)
    take(ada, opportunity(school, "Club", components=("curriculum",)))
    market_place(world, ada, datetime(2026, 12, 20, 10, tzinfo=UTC))
    found = standing(school, AUTUMN)[ada.pk]
    assert found.met
    assert (found.taken, found.components, found.beyond, found.marketplace) == (2, 2, True, 1)
    # A session in the spring counts in the spring.
    assert not standing(school, SPRING)[ada.pk].beyond


def test_only_pupils_on_the_register_and_pupil_ids(world, school):
    ada, ben = pupil(school), pupil(school)
    nominated = pupil(school, on_register=False)
    identify(nominated, status=RegisterEntry.Status.NOMINATED)
    removed = pupil(school)
    identify(removed, status=RegisterEntry.Status.REMOVED)
    last_year = pupil(school, on_register=False)
    identify(last_year, year=2025)
    assert set(standing(school, AUTUMN)) == {ada.pk, ben.pk}
    assert set(standing(school, AUTUMN, pupil_ids=[ben.pk, nominated.pk])) == {ben.pk}
    assert set(standing(world.schools["other"], AUTUMN)) == set()


def test_a_code_that_is_no_term_is_refused(school):
    with pytest.raises(ValueError):
        standing(school, "fy:2026")
    with pytest.raises(ValueError):
        standing(school, "term:2026:winter")


def test_the_current_term_by_default(school):
    ada = pupil(school)
    assert standing(school)[ada.pk].taken == 0


@pytest.mark.parametrize("pupils", [3, 30])
def test_a_constant_number_of_queries(school, pupils, django_assert_num_queries):
    for n in range(pupils):
        record = pupil(school)
        take(record, opportunity(school, f"Club {n}", components=("curriculum", "beyond")))
    with django_assert_num_queries(4):
        found = standing(school, AUTUMN)
    assert len(found) == pupils


def test_declined_alone_says_how_many(school):
    ada = pupil(school)
    take(ada, opportunity(school, "A"), state="declined")
    take(ada, opportunity(school, "B"), state="declined")
    assert standing(school, AUTUMN)[ada.pk].reasons[0] == "declined 2 opportunities"
