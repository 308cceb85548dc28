"""Who reaches the school's opportunities (``access_map``): its staff and pupils, and a carer
the opportunities of the school their child is a pupil at, never another school's; who opens
the staff page, who edits; and who sees the map (its school's staff alone)."""

import pytest

from risingtide.access.core import can, visible
from risingtide.opportunities.tests.map_world import add

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(world):
    return add(world), add(world, school="other", by="head@other", title="Elsewhere")


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("teacher@own", {"Maths circle"}),
        ("leading_teacher@own", {"Maths circle"}),
        ("head@other", {"Elsewhere"}),
        ("pupil@own", {"Maths circle"}),
        ("pupil@own2", {"Maths circle"}),
        ("pupil@other", {"Elsewhere"}),
        ("carer@own", {"Maths circle"}),  # the school of their child, pupil@own
        ("la_lead@own", set()),
        ("national_officer@nation", set()),
        ("provider_staff@own", set()),
        ("nobody@nowhere", set()),
    ],
)
def test_who_sees_which_opportunities(world, both, who, sees):
    assert {o.title for o in visible(world.user(who), "opportunity")} == sees


def test_a_carer_follows_their_child_to_a_new_school(world, both):
    from risingtide.people.models import Membership, Role

    carer = world.user("carer@own")
    moved = Membership.objects.filter(user=world.user("pupil@own"), role=Role.PUPIL)
    moved.filter(teaching_group__isnull=False).delete()
    moved.update(school=world.schools["other"])
    carer._access_anchors = None
    assert {o.title for o in visible(carer, "opportunity")} == {"Elsewhere"}


def test_only_staff_open_the_staff_page_and_coordinators_edit(world, both):
    own, _ = both
    for who in ("teacher@own", "leading_teacher@own", "head@own"):
        assert can(world.user(who), "opportunity.manage", own)
    for who in ("pupil@own", "carer@own"):
        assert can(world.user(who), "opportunity.view", own)
        assert not can(world.user(who), "opportunity.manage", own)
    assert can(world.user("leading_teacher@own"), "opportunity.edit", own)
    assert can(world.user("head@own"), "opportunity.edit", own)
    assert not can(world.user("teacher@own"), "opportunity.edit", own)
    assert not can(world.user("head@other"), "opportunity.edit", own)


def test_the_map_is_for_its_schools_staff_alone(world):
    school = world.schools["own"]
    for who in ("teacher@own", "leading_teacher@own", "head@own", "leading_teacher@cluster"):
        assert can(world.user(who), "provision_map.view", school)
    for who in ("pupil@own", "carer@own", "la_lead@own", "head@other", "national_officer@nation"):
        assert not can(world.user(who), "provision_map.view", school)
    assert can(world.user("leading_teacher@own"), "provision_map.edit", school)
    assert not can(world.user("teacher@own"), "provision_map.edit", school)
