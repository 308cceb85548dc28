"""Recording the school's own opportunities: each rule refused with its field and nothing
written, the components kept, capacity never below places taken, withdrawal (never deletion)
and the audit trail."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.audit.models import AuditEvent
from risingtide.opportunities import map_services
from risingtide.opportunities.models import Opportunity, OpportunityComponent, Participation
from risingtide.opportunities.tests.map_world import YEAR, add, data

pytestmark = pytest.mark.django_db


def refusal(world, **changes) -> dict:
    before = (Opportunity.objects.count(), OpportunityComponent.objects.count())
    with pytest.raises(ValidationError) as caught:
        add(world, **changes)
    assert (Opportunity.objects.count(), OpportunityComponent.objects.count()) == before
    return caught.value.message_dict


def test_a_coordinator_adds_an_opportunity_with_its_components(world):
    made = add(world, staff_lead_id=world.user("teacher@own").pk, cost_pounds=Decimal("4.50"))
    assert made.school == world.schools["own"]
    assert sorted(made.components.values_list("component", flat=True)) == [
        "beyond",
        "curriculum",
    ]
    assert made.staff_lead == world.user("teacher@own")
    assert made.created_by == world.user("leading_teacher@own")
    event = AuditEvent.objects.get(action="opportunities.create")
    assert event.target_id == str(made.pk) and event.school == world.schools["own"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"year_from": 9, "year_to": 7}, "year_to", "comes before"),
        ({"components": []}, "components", "at least one"),
        ({"starts_on": date(YEAR + 1, 1, 5)}, "starts_on", "outside the autumn term"),
        ({"ends_on": date(YEAR, 8, 31), "term": "year"}, "ends_on", "outside the all year"),
        ({"cost_pounds": Decimal("-1")}, "cost_pounds", "cannot be negative"),
        ({"title": "  "}, "title", "title"),
        ({"capacity": 0}, "capacity", "at least one place"),
        ({"year_to": 14}, "year_to", "Reception to Year 13"),
        ({"subjects": ["music"]}, "subjects", "music"),
        ({"kind": "party"}, "kind", "kind"),
        (
            {"starts_on": date(YEAR, 11, 1), "ends_on": date(YEAR, 10, 1)},
            "ends_on",
            "end before it starts",
        ),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_written(world, changes, field, words):
    errors = refusal(world, **changes)
    assert field in errors
    assert words in " ".join(errors[field])


def test_the_staff_lead_must_be_staff_of_this_school(world):
    for who in ("teacher@other", "pupil@own", "la_lead@own", "carer@own"):
        errors = refusal(world, staff_lead_id=world.user(who).pk)
        assert errors["staff_lead"] == ["The staff lead must be a member of staff at Own School."]


def test_every_problem_is_said_at_once(world):
    errors = refusal(world, year_from=9, year_to=7, components=[], cost_pounds=Decimal("-2"))
    assert set(errors) == {"year_to", "components", "cost_pounds"}


def test_only_the_coordinator_or_head_adds_one(world):
    add(world, by="head@own")
    for who in ("teacher@own", "pupil@own", "leading_teacher@other", "la_lead@own"):
        with pytest.raises(PermissionDenied):
            add(world, by=who)


def test_changing_one_replaces_its_components_and_is_audited(world):
    made = add(world)
    changed = map_services.update_opportunity(
        world.user("head@own"),
        made,
        data(title="Maths circle (Years 7–9)", year_to=9, components=["teaching"]),
    )
    assert changed.title == "Maths circle (Years 7–9)" and changed.year_to == 9
    assert list(changed.components.values_list("component", flat=True)) == ["teaching"]
    assert AuditEvent.objects.filter(action="opportunities.update").count() == 1


def test_a_bad_change_changes_nothing(world):
    made = add(world)
    with pytest.raises(ValidationError):
        map_services.update_opportunity(
            world.user("leading_teacher@own"), made, data(title="New", components=[])
        )
    made.refresh_from_db()
    assert made.title == "Maths circle"
    assert made.components.count() == 2


def test_capacity_cannot_go_below_the_places_given(world):
    made = add(world, capacity=3)
    for key in ("own", "2@own"):
        Participation.objects.create(
            opportunity=made, pupil=world.records[key], state=Participation.State.PLACE
        )
    with pytest.raises(ValidationError) as caught:
        map_services.update_opportunity(world.user("leading_teacher@own"), made, data(capacity=1))
    assert "2 pupils already have a place" in caught.value.message_dict["capacity"][0]
    made.refresh_from_db()
    assert made.capacity == 3


def test_withdrawing_keeps_it_and_every_request_for_it(world):
    made = add(world)
    asked = Participation.objects.create(
        opportunity=made, pupil=world.records["own"], state=Participation.State.REQUESTED
    )
    done = map_services.withdraw_opportunity(world.user("leading_teacher@own"), made)
    assert done.withdrawn_at is not None
    asked.refresh_from_db()
    assert asked.state == Participation.State.REQUESTED  # no automated decision removes it
    with pytest.raises(ValidationError, match="already withdrawn"):
        map_services.withdraw_opportunity(world.user("leading_teacher@own"), done)
    with pytest.raises(ValidationError, match="withdrawn"):
        map_services.update_opportunity(world.user("leading_teacher@own"), done, data())
    with pytest.raises(PermissionDenied):
        map_services.withdraw_opportunity(world.user("teacher@own"), made)
    assert AuditEvent.objects.filter(action="opportunities.withdraw").count() == 1
