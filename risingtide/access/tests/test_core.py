"""The authorisation engine against the tiny world: who sees which objects, and why."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from risingtide.access.core import can, obtain, roles, visible
from risingtide.access.policy import CAPABILITIES, VIEW_CAPABILITY
from risingtide.people.models import Role

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(str(o) for o in qs)


def usernames(qs):
    return sorted(u.username for u in qs)


def test_pupil_sees_only_themself(world):
    pupil = world.user("pupil@own")
    assert usernames(visible(pupil, "pupil")) == ["pupil1.own"]
    assert not visible(pupil, "school").exists()
    assert not visible(pupil, "teaching_group").exists()


def test_teacher_sees_pupils_of_own_groups_only(world):
    teacher = world.user("teacher@own")
    assert usernames(visible(teacher, "pupil")) == ["pupil1.own", "pupil2.own"]
    assert names(visible(teacher, "teaching_group")) == ["Own 7A"]
    assert names(visible(teacher, "school")) == ["Own School"]
    assert not can(teacher, "pupil.view", world.users["pupil@own2"])
    assert not can(teacher, "pupil.view", world.users["pupil@other"])


def test_leading_teacher_reaches_whole_school(world):
    lead = world.user("leading_teacher@own")
    assert usernames(visible(lead, "pupil")) == ["pupil.own2", "pupil1.own", "pupil2.own"]
    assert names(visible(lead, "teaching_group")) == ["Own 7A", "Own 8B"]
    assert can(lead, "pupil.reset_password", world.users["pupil@own2"])
    assert not can(lead, "pupil.view", world.users["pupil@peer"])


def test_cluster_leading_teacher_reaches_every_school_in_cluster(world):
    lead = world.user("leading_teacher@cluster")
    assert names(visible(lead, "school")) == ["Own School", "Peer School"]
    assert "pupil1.peer" in usernames(visible(lead, "pupil"))
    assert "pupil1.other" not in usernames(visible(lead, "pupil"))


def test_two_roles_add_up(world):
    both = world.user("teacher+lead@own")
    assert roles(both) == {Role.TEACHER, Role.LEADING_TEACHER}
    assert usernames(visible(both, "pupil")) == ["pupil.own2", "pupil1.own", "pupil2.own"]


def test_la_lead_sees_schools_of_own_la_but_no_pupils(world):
    lead = world.user("la_lead@own")
    assert names(visible(lead, "school")) == ["Own School", "Peer School"]
    assert names(visible(lead, "local_authority")) == ["Own LA (101)"]
    assert not visible(lead, "pupil").exists()
    assert not visible(lead, "teaching_group").exists()


def test_national_officer_sees_all_las_and_schools_but_no_pupils(world):
    officer = world.user("national_officer@nation")
    assert visible(officer, "school").count() == 3
    assert visible(officer, "local_authority").count() == 2
    assert not visible(officer, "pupil").exists()


def test_provider_staff_see_own_provider_only(world):
    staff = world.user("provider_staff@own")
    assert names(visible(staff, "provider")) == ["own provider"]
    assert not visible(staff, "school").exists()


def test_site_admin_sees_everything_declared(world):
    admin = world.user("site_admin@site")
    assert visible(admin, "school").count() == 3
    assert can(admin, "site.admin")
    # Site admins are not granted pupil-level access in the application pages.
    assert not visible(admin, "pupil").exists()


def test_nobody_sees_nothing(world):
    nobody = world.user("nobody@nowhere")
    for name in VIEW_CAPABILITY:
        assert not visible(nobody, name).exists()
    assert can(nobody, "site.home")  # to be told they have no role yet
    assert not can(nobody, "site.api_tokens")


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    for name in VIEW_CAPABILITY:
        assert not visible(AnonymousUser(), name).exists()


def test_inactive_user_sees_nothing(world):
    lead = world.user("leading_teacher@own")
    lead.is_active = False
    assert not visible(lead, "pupil").exists()
    assert not can(lead, "site.home")


def test_obtain_answers_404_for_invisible_and_403_for_visible_but_forbidden(world):
    la_lead = world.user("la_lead@own")
    with pytest.raises(Http404):
        obtain(la_lead, "school.view", world.schools["other"].pk)
    with pytest.raises(Http404):
        obtain(la_lead, "school.view", "not-a-number")
    assert obtain(la_lead, "school.view", world.schools["own"].pk) == world.schools["own"]
    pupil = world.user("pupil@own")
    with pytest.raises(PermissionDenied):
        obtain(pupil, "pupil.reset_password", pupil.pk)


def test_access_queries_are_filtered_in_the_database(world, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    teacher = world.user("teacher@own")
    # Memberships are read once; each scoped list is then one query.
    with django_assert_num_queries(3):
        list(visible(teacher, "pupil"))
        list(visible(teacher, "school"))
    # The next request finds them kept under the person's access version.
    teacher = world.user("teacher@own")
    with django_assert_num_queries(2):
        list(visible(teacher, "pupil"))
        list(visible(teacher, "school"))
    sql = str(visible(teacher, "pupil").query)
    assert "WHERE" in sql


def test_every_capability_names_known_roles():
    for cap in CAPABILITIES.values():
        assert set(cap.grants) <= {*Role.values, "signed_in"}, cap.name


def test_unknown_capability_is_an_error(world):
    with pytest.raises(LookupError):
        can(world.user("head@own"), "school.destroy", world.schools["own"])


def test_roles_add_up_even_with_an_unlimited_one(world):
    from risingtide.demo.testing import member

    admin = world.users["site_admin@site"]
    member(admin, Role.TEACHER, school=world.schools["own"], teaching_group=world.groups["own"])
    admin = world.user("site_admin@site")
    assert visible(admin, "school").count() == 3
    assert visible(admin, "local_authority").count() == 2


def test_a_member_of_staff_with_a_pupil_membership_is_not_a_pupil(world):
    from risingtide.demo.testing import member

    head = world.users["head@other"]
    member(head, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
    teacher = world.user("teacher@own")
    assert not can(teacher, "pupil.reset_password", head)
    assert "head.other" not in usernames(visible(teacher, "pupil"))
    superuser = world.users["site_admin@site"]
    member(superuser, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
    assert not can(world.user("teacher@own"), "pupil.view", superuser)


def test_superuser_is_a_site_administrator(world):
    from risingtide.demo.testing import make_user

    boss = make_user("boss", is_superuser=True, is_staff=True)
    assert roles(boss) == {Role.SITE_ADMIN}
    assert can(boss, "site.admin")
