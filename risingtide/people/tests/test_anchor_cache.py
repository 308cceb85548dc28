"""A person's anchors are read from their memberships once, then kept under their access
version until a membership, or the school, cluster or LA it sits in, changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risingtide.access.core import anchors, can
from risingtide.demo.testing import member
from risingtide.people.models import Role, User
from risingtide.schools.models import Cluster

pytestmark = pytest.mark.django_db


def _fresh(user) -> User:
    """The person as the next request loads them."""
    return User.objects.get(pk=user.pk)


def _reads(user) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        found = anchors(user)
    return found, len(queries)


def test_the_second_request_reads_no_memberships(world):
    teacher = world.user("teacher@own")
    cache.clear()  # building the world asked already
    first, first_reads = _reads(_fresh(teacher))
    again, again_reads = _reads(_fresh(teacher))
    assert first_reads >= 1 and again_reads == 0
    assert again == first


def test_a_new_membership_is_seen_on_the_next_request(world):
    teacher = world.user("teacher@own")
    assert not can(_fresh(teacher), "site.admin")
    anchors(_fresh(teacher))  # cached
    member(_fresh(teacher), Role.SITE_ADMIN)
    assert can(_fresh(teacher), "site.admin")


def test_a_removed_membership_is_gone_on_the_next_request(world):
    lead = world.user("la_lead@own")
    assert Role.LA_LEAD in anchors(_fresh(lead))
    lead.memberships.get(role=Role.LA_LEAD).delete()
    assert Role.LA_LEAD not in anchors(_fresh(lead))


def test_a_school_joining_a_cluster_reaches_the_cluster_lead(world):
    lead = world.user("leading_teacher@cluster")
    other = world.schools["other"]
    assert other.pk not in anchors(_fresh(lead))[Role.LEADING_TEACHER].schools
    other.cluster = Cluster.objects.get(pk=world.schools["own"].cluster_id)
    other.save()
    assert other.pk in anchors(_fresh(lead))[Role.LEADING_TEACHER].schools


def test_a_school_moving_la_moves_its_staffs_reach(world):
    head = world.user("head@other")
    school = world.schools["other"]
    school.local_authority = world.las["own"]
    school.save()
    assert anchors(_fresh(head))[Role.HEAD].las == {world.las["own"].pk}
