"""The demo world and the world generator."""

import time

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client

from risingtide.demo import world
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import LocalAuthority, School

pytestmark = pytest.mark.django_db


def test_demo_world_has_every_role_and_the_promised_size():
    started = time.monotonic()
    world.load_demo()
    assert time.monotonic() - started < 30
    assert LocalAuthority.objects.count() == 2
    assert School.objects.count() == 6
    assert School.objects.filter(cluster__isnull=False).count() == 3
    assert set(School.objects.values_list("phase", flat=True)) == {"primary", "secondary"}
    pupils = Membership.objects.filter(role=Role.PUPIL, teaching_group__isnull=True).count()
    staff = User.objects.exclude(memberships__role=Role.PUPIL).count()
    assert 550 <= pupils <= 650
    assert 35 <= staff <= 50
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    # One person holds two roles: leading teacher who also teaches.
    assert (
        User.objects.annotate(n=Count("memberships__role", distinct=True))
        .filter(n__gte=2)
        .exclude(memberships__role=Role.PUPIL)
        .exists()
    )
    # Two open projects for the demo pupil's class; in the group one, everyone is in a group.
    from risingtide.portfolios.groups import assigned_pupils
    from risingtide.portfolios.services import portfolio_for
    from risingtide.tasc.models import Project

    survey = Project.objects.get(mode=Project.Mode.GROUP)
    teacher = User.objects.get(username="teacher")
    pupils = assigned_pupils(teacher, survey)
    assert not pupils.exclude(portfolio_memberships__project=survey).exists()
    assert {g.memberships.count() for g in survey.portfolios.all()} <= {3, 4}
    assert portfolio_for(User.objects.get(username="pupil"), survey).name.startswith("Group ")


def test_every_demo_account_signs_in_and_sees_home():
    world.load_demo()  # once for every account: loading it is most of this test's time
    for username, *_ in world.DEMO_ACCOUNTS:
        client = Client()
        response = client.post(
            "/accounts/login/",
            {"username": username, "password": world.DEMO_PASSWORD},
            secure=True,
        )
        assert response.status_code == 302, username
        assert client.get("/", secure=True).status_code == 200, username


def test_demo_loads_only_into_an_empty_database():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_generated_world_is_deterministic_and_sized():
    world.generate(las=2, schools=3, pupils_per_school=50, seed=7)
    first = list(User.objects.order_by("username").values_list("username", flat=True))
    assert Membership.objects.filter(role=Role.PUPIL, teaching_group__isnull=True).count() == 150
    assert Membership.objects.filter(role=Role.LA_LEAD).count() == 2
    User.objects.all().delete()
    School.objects.all().delete()
    LocalAuthority.objects.all().delete()
    from risingtide.schools.models import Nation

    Nation.objects.all().delete()
    world.generate(las=2, schools=3, pupils_per_school=50, seed=7)
    assert list(User.objects.order_by("username").values_list("username", flat=True)) == first


def test_generate_world_command_checks_its_arguments():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_world", "--schools", "0")


def test_generator_makes_schools_with_more_than_ten_groups_a_year():
    from risingtide.schools.models import TeachingGroup

    world.generate(las=1, schools=1, pupils_per_school=2600, seed=3)
    names = list(TeachingGroup.objects.values_list("name", flat=True))
    assert len(names) == len(set(names)) and "Reception A2" in names
