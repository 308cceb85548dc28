"""A membership's scope must fit its role, in the database as well as in forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from risingtide.people.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, scope",
    [
        (Role.LA_LEAD, {"school": "own"}),
        (Role.PUPIL, {}),
        (Role.HEAD, {"school": "own", "la": "own"}),
        (Role.SITE_ADMIN, {"school": "own"}),
        (Role.NATIONAL_OFFICER, {"la": "own"}),
    ],
)
def test_wrong_scope_for_role_is_refused_by_the_database(world, role, scope):
    fields = {}
    if "school" in scope:
        fields["school"] = world.schools[scope["school"]]
    if "la" in scope:
        fields["local_authority"] = world.las[scope["la"]]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=world.users["nobody@nowhere"], role=role, **fields)


def test_group_membership_takes_its_groups_school(world):
    m = Membership.objects.create(
        user=world.users["nobody@nowhere"], role=Role.TEACHER, teaching_group=world.groups["own"]
    )
    assert m.school == world.schools["own"]


def test_clean_refuses_a_group_from_another_school(world):
    m = Membership(
        user=world.users["nobody@nowhere"],
        role=Role.TEACHER,
        teaching_group=world.groups["own"],
        school=world.schools["other"],
    )
    with pytest.raises(ValidationError, match="group's school"):
        m.clean()


def test_the_same_role_in_the_same_place_only_once(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=world.users["head@own"], role=Role.HEAD, school=world.schools["own"]
        )
