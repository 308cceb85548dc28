"""Applying bundles: a re-import changes nothing, a changed bundle updates and ends what it no
longer lists (never an account or a pupil's work), delta files as the standard defines them,
roles mapped without ever granting reach over pupil records, and new pupils sign in."""

import pytest
from django.contrib.auth import authenticate

from risingtide.people.models import Membership, Role, User
from risingtide.people.services import reissue_passwords
from risingtide.portfolios.models import Portfolio
from risingtide.rostering.importing import run_bundle
from risingtide.rostering.models import RosterLink
from risingtide.rostering.tests import bundles as b
from risingtide.schools.models import TeachingGroup

pytestmark = pytest.mark.django_db


def _import(world, tmp_path, data: dict, *, n: int, modes=None, write=True):
    path = tmp_path / f"bundle{n}.zip"
    path.write_bytes(b.zip_of(data, modes=modes))
    outcome = run_bundle(path, world.schools["own"], write=write, import_id=n)
    assert outcome.error_count == 0, outcome.problems
    return outcome


def _groups_of(mis_id: str) -> set[str]:
    return set(
        Membership.objects.filter(user__mis_id=mis_id, teaching_group__isnull=False).values_list(
            "teaching_group__name", flat=True
        )
    )


def test_a_second_import_of_the_same_bundle_changes_nothing(world, tmp_path):
    _import(world, tmp_path, b.files(), n=1)
    counts = (User.objects.count(), Membership.objects.count(), TeachingGroup.objects.count())
    outcome = _import(world, tmp_path, b.files(), n=2)
    assert (User.objects.count(), Membership.objects.count(), TeachingGroup.objects.count()) == (
        counts
    )
    assert {kind: c["unchanged"] for kind, c in outcome.counts.items()} == {
        "groups": 2,
        "pupils": 4,
        "staff": 1,
        "memberships": 7,
    }
    assert all(c[a] == 0 for c in outcome.counts.values() for a in ("created", "updated", "ended"))
    assert outcome.changes == []


def test_a_check_writes_nothing_and_says_what_an_import_would_do(world, tmp_path):
    preview = _import(world, tmp_path, b.files(), n=1, write=False)
    assert not preview.written and not User.objects.filter(mis_id="P0001").exists()
    assert not RosterLink.objects.exists()
    done = _import(world, tmp_path, b.files(), n=2)
    assert preview.counts == done.counts


def test_a_changed_bundle_updates_and_ends_what_it_no_longer_lists(world, tmp_path):
    pupil = world.user("pupil@own")  # already here, with a portfolio: the MIS id matches them
    User.objects.filter(pk=pupil.pk).update(mis_id="P0002")
    _import(world, tmp_path, b.files(), n=1)
    assert User.objects.filter(mis_id="P0002").count() == 1
    assert _groups_of("P0002") >= {'7K, "Kingfishers"', "7 Set 1"}
    work = Portfolio.objects.filter(members=pupil).count()
    assert work

    changed = b.files()
    changed["users"] = changed["users"].replace(",Amira,Khan,", ",Amira,Khan-Ali,")
    changed["users"] = "".join(
        line for line in changed["users"].splitlines(keepends=True) if "P0002" not in line
    )
    changed["enrollments"] = "".join(
        line
        for line in changed["enrollments"].splitlines(keepends=True)
        if b.PUPILS[1] not in line and not line.startswith("a1b2c3d4-0000-4000-8000-000000000010")
    )
    outcome = _import(world, tmp_path, changed, n=2)

    assert User.objects.get(mis_id="P0001").last_name == "Khan-Ali"
    assert outcome.counts["pupils"] == {"created": 0, "updated": 1, "unchanged": 2, "ended": 1}
    # Amira left set 1; Ben (P0002) left the school: his memberships there end.
    assert _groups_of("P0001") == {'7K, "Kingfishers"'}
    assert not Membership.objects.filter(user=pupil, school=world.schools["own"]).exists()
    # Amira's set, Ben's two classes and the group he was in before the MIS roster came.
    assert outcome.counts["memberships"]["ended"] == 4
    ended = {c["name"] for c in outcome.changes if c["action"] == "ended"}
    assert "Amira Khan-Ali in 7 Set 1" in ended
    # Never deleted: the account and the pupil's work stay.
    assert User.objects.filter(pk=pupil.pk).exists()
    assert Portfolio.objects.filter(members=pupil).count() == work

    # Ben comes back next term: his own account again, not a second one.
    outcome = _import(world, tmp_path, b.files(), n=3)
    assert User.objects.filter(mis_id="P0002").count() == 1
    assert _groups_of("P0002") >= {'7K, "Kingfishers"', "7 Set 1"}


def test_delta_files_change_only_what_they_list(world, tmp_path):
    _import(world, tmp_path, b.files(), n=1)
    when = "2026-10-01T08:30:00Z"
    delta = {
        "users": b.USER_HEADER
        + b.user(b.PUPILS[2], "student", "Chloé", "Nowak-Smith", "P0003").replace(
            ",,,true,", f",active,{when},true,", 1
        ),
        "enrollments": (
            b.ENROLLMENTS.splitlines(keepends=True)[0]
            + b.enrolment(10, b.CLASS_B, b.PUPILS[0]).replace(",,,", f",tobedeleted,{when},", 1)
        ),
    }
    outcome = _import(world, tmp_path, delta, n=2, modes={"users": "delta", "enrollments": "delta"})
    assert User.objects.get(mis_id="P0003").last_name == "Nowak-Smith"
    assert _groups_of("P0001") == {'7K, "Kingfishers"'}
    assert outcome.counts["memberships"]["ended"] == 1
    # Nothing a delta does not list is ended: the others are all still where they were.
    assert _groups_of("P0004") == {'7K, "Kingfishers"'} and _groups_of("P0002") == {
        '7K, "Kingfishers"',
        "7 Set 1",
    }


def test_a_user_to_be_deleted_leaves_the_roster_but_keeps_the_account(world, tmp_path):
    _import(world, tmp_path, b.files(), n=1)
    when = "2026-10-01T08:30:00Z"
    delta = {
        "users": b.USER_HEADER
        + b.user(b.PUPILS[3], "student", "Dev", "Patel", "P0004").replace(
            ",,,true,", f",tobedeleted,{when},true,", 1
        )
    }
    outcome = _import(world, tmp_path, delta, n=2, modes={"users": "delta"})
    assert outcome.counts["pupils"]["ended"] == 1
    assert User.objects.filter(mis_id="P0004").exists()
    assert not Membership.objects.filter(user__mis_id="P0004").exists()


def test_roles_never_grant_reach_over_pupil_records(world, tmp_path):
    data = b.files()
    data["users"] += b.user(
        "90000000-0000-4000-8000-000000000001",
        "principal",
        "Pat",
        "Head",
        "S0001",
        "pat@own.example",
    )
    data["users"] += b.user("90000000-0000-4000-8000-000000000002", "aide", "Al", "Aide", "S0002")
    _import(world, tmp_path, data, n=1)
    assert set(Membership.objects.filter(user__mis_id="S0001").values_list("role", flat=True)) == {
        Role.TEACHER
    }
    assert not User.objects.filter(mis_id="S0002").exists()


def test_staff_already_here_are_matched_by_email_within_the_school(world, tmp_path):
    teacher = world.user("teacher@own")
    User.objects.filter(pk=teacher.pk).update(email="T.Teach@own.example")
    _import(world, tmp_path, b.files(), n=1)
    teacher.refresh_from_db()
    assert teacher.mis_id == "T0001" and teacher.email == "t.teach@own.example"
    assert not User.objects.filter(mis_id="T0001").exclude(pk=teacher.pk).exists()
    # Someone of another school with that email is never matched.
    other = world.user("teacher@other")
    User.objects.filter(pk=other.pk).update(email="p@x.example")
    data = b.files()
    data["users"] += b.user(
        "90000000-0000-4000-8000-000000000003", "teacher", "Pe", "X", "T9", "p@x.example"
    )
    _import(world, tmp_path, data, n=2)
    assert User.objects.filter(email="p@x.example").count() == 2


def test_memberships_made_in_bulk_move_their_peoples_access_on(world, tmp_path):
    teacher = world.user("teacher@own")
    User.objects.filter(pk=teacher.pk).update(email="t.teach@own.example")
    before = User.objects.get(pk=teacher.pk).access_version
    _import(world, tmp_path, b.files(), n=1)
    assert User.objects.get(pk=teacher.pk).access_version > before


def test_a_new_pupil_from_the_bundle_signs_in_with_a_card(world, tmp_path, rf, client):
    _import(world, tmp_path, b.files(), n=1)
    pupil = User.objects.get(mis_id="P0001")
    assert not authenticate(rf.post("/"), username=pupil.username, password="")
    [card] = reissue_passwords(world.user("leading_teacher@own"), [pupil])
    response = client.post(
        "/accounts/login/", {"username": pupil.username, "password": card.password}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(pupil.pk)
