"""Each role's home page: what it shows, and a query count that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.demo.testing import member
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import School, TeachingGroup

pytestmark = pytest.mark.django_db

HOME_USERS = [
    "pupil@own",
    "teacher@own",
    "teacher+lead@own",
    "leading_teacher@own",
    "leading_teacher@cluster",
    "head@own",
    "la_lead@own",
    "national_officer@nation",
    "provider_staff@own",
    "site_admin@site",
    "nobody@nowhere",
]


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_pupil_sees_projects_and_own_class_only(world, client):
    page = home(client, world.user("pupil@own"))
    assert "My projects" in page and "Own 7A" in page
    assert "Other 7A" not in page and "Own 8B" not in page


def test_teacher_sees_own_groups_with_pupil_counts(world, client):
    page = home(client, world.user("teacher@own"))
    assert reverse("home:teaching_group", args=[world.groups["own"].pk]) in page
    assert "Own 8B" not in page


def test_person_with_two_roles_sees_both_panels(world, client):
    page = home(client, world.user("teacher+lead@own"))
    assert 'id="panel-teacher"' in page and 'id="panel-leading_teacher"' in page


def test_coordinator_sees_school_la_lead_sees_schools_national_sees_las(world, client):
    page = home(client, world.user("leading_teacher@cluster"))
    assert "Own School" in page and "Peer School" in page and "Other School" not in page
    client.logout()
    page = home(client, world.user("la_lead@own"))
    assert "Own School" in page and "Peer School" in page and "Other School" not in page
    client.logout()
    page = home(client, world.user("national_officer@nation"))
    assert "Own LA" in page and "Other LA" in page


def test_user_without_role_is_told_so(world, client):
    assert "Your account has no role yet" in home(client, world.user("nobody@nowhere"))


def _grow(world, pupils_per_group: int, extra_groups: int) -> None:
    """Make every school much bigger: more groups, more pupils in each, more teachers."""
    users, memberships = [], []
    for school in School.objects.all():
        existing = list(school.teaching_groups.all())
        groups = TeachingGroup.objects.bulk_create(
            TeachingGroup(
                school=school, name=f"Extra {school.pk}-{i}", year_group=9, academic_year=2026
            )
            for i in range(extra_groups)
        )
        for group in [*groups, *existing]:
            for n in range(pupils_per_group):
                users.append(User(username=f"grow-{group.pk}-{n}", first_name="G", last_name="P"))
                memberships.append((len(users) - 1, school, group))
    created = User.objects.bulk_create(users)
    if created[0].pk is None:
        created = list(User.objects.filter(username__startswith="grow-").order_by("pk"))
    Membership.objects.bulk_create(
        [Membership(user=created[i], role=Role.PUPIL, school=s) for i, s, _ in memberships]
        + [
            Membership(user=created[i], role=Role.PUPIL, school=s, teaching_group=g)
            for i, s, g in memberships
        ]
    )
    # The teacher now teaches many groups too.
    for group in TeachingGroup.objects.filter(
        school=world.schools["own"], name__startswith="Extra"
    ):
        member(world.users["teacher@own"], Role.TEACHER, school=group.school, teaching_group=group)


def _count(client, user, url):
    """The queries of one request, the person's anchors already kept from an earlier one (as
    on every request but a session's first)."""
    client.force_login(user)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    client.logout()
    return len(queries)


def test_home_query_count_does_not_grow_with_school_size(world, client):
    before = {key: _count(client, world.user(key), reverse("home:home")) for key in HOME_USERS}
    _grow(world, pupils_per_group=30, extra_groups=8)
    after = {key: _count(client, world.user(key), reverse("home:home")) for key in HOME_USERS}
    assert after == before
    assert max(before.values()) <= 12, before


def test_organisation_pages_query_count_does_not_grow(world, client):
    pages = [
        ("head@own", reverse("home:school", args=[world.schools["own"].pk])),
        ("teacher@own", reverse("home:teaching_group", args=[world.groups["own"].pk])),
        ("la_lead@own", reverse("home:local_authority", args=[world.las["own"].pk])),
        ("national_officer@nation", reverse("home:nation", args=[world.nation.pk])),
        ("teacher@own", reverse("people:pupil", args=[world.users["pupil@own"].pk])),
    ]
    before = [_count(client, world.user(key), url) for key, url in pages]
    _grow(world, pupils_per_group=30, extra_groups=8)
    after = [_count(client, world.user(key), url) for key, url in pages]
    assert after == before


def test_the_menu_follows_a_new_membership_at_once(world, client):
    """The menu is kept per person; a membership given or taken changes it on the next page."""
    teacher = world.user("teacher@own")
    client.force_login(teacher)
    assert ">G&amp;T register</a>" not in client.get(reverse("home:home")).content.decode()
    lead = member(teacher, Role.LEADING_TEACHER, school=world.schools["own"])
    assert ">G&amp;T register</a>" in client.get(reverse("home:home")).content.decode()
    lead.delete()
    assert ">G&amp;T register</a>" not in client.get(reverse("home:home")).content.decode()
