"""One school's bundle never reaches into another school of the same LA (RosterLinks are keyed
by the LA, so a peer's sourcedIds are a problem row, never adopted, updated, ended or
repointed), while an LA's bundle still reaches all its schools; and an import never rewrites
the details of a head, a coordinator or anyone who is also somewhere the import cannot reach."""

import pytest

from risingtide.people.models import Membership, User
from risingtide.rostering.importing import run_bundle
from risingtide.rostering.models import RosterLink
from risingtide.rostering.tests import bundles as b
from risingtide.schools.models import TeachingGroup

pytestmark = pytest.mark.django_db

PEER_USED = "is already used by another school of your LA"


def _run(owner, tmp_path, data, n, modes=None):
    path = tmp_path / f"b{n}.zip"
    path.write_bytes(b.zip_of(data, modes=modes))
    return run_bundle(path, owner, write=True, import_id=n)


def _peer_imports_first(world, tmp_path):
    peer = b.files()
    for k in peer:
        peer[k] = peer[k].replace(",900001,", ",900002,")  # same sourcedIds, peer's URN
    assert _run(world.schools["peer"], tmp_path, peer, 1).error_count == 0


def _snapshot(world):
    peer = world.schools["peer"]
    return (
        sorted(User.objects.values_list("pk", "first_name", "last_name", "email", "mis_id")),
        sorted(Membership.objects.values_list("pk", "user_id", "school_id", "teaching_group_id")),
        sorted(TeachingGroup.objects.filter(school=peer).values_list("pk", "name")),
        sorted(RosterLink.objects.values_list("pk", "school_id", "object_id", "ended_at")),
    )


def _peer_problems(out):
    return [p for p in out.problems if PEER_USED in p.reason]


def test_a_schools_import_cannot_rewrite_a_peer_schools_account(world, tmp_path):
    _peer_imports_first(world, tmp_path)
    before = _snapshot(world)
    data = b.files()
    data["users"] = data["users"].replace("t.teach@own.example", "attacker@evil.example")
    out = _run(world.schools["own"], tmp_path, data, 2)
    assert out.error_count and not out.written
    problem = _peer_problems(out)[0]
    assert problem.file and problem.line and problem.field == "sourcedId"
    assert _snapshot(world) == before
    assert not User.objects.filter(email="attacker@evil.example").exists()


def test_a_schools_import_cannot_adopt_a_peer_schools_class(world, tmp_path):
    _peer_imports_first(world, tmp_path)
    before = _snapshot(world)
    data = b.files()
    new = "99999999-0000-4000-8000-000000000001"
    data["users"] = b.USER_HEADER + b.user(new, "student", "Eve", "Intruder", "P9999")
    head = data["enrollments"].split("\r\n", 1)[0] + "\r\n"
    data["enrollments"] = head + b.enrolment(99, b.CLASS_A, new)
    out = _run(world.schools["own"], tmp_path, data, 2)
    assert any(p.file == "classes.csv" for p in _peer_problems(out))
    assert _snapshot(world) == before


def test_a_schools_delta_cannot_end_a_peer_schools_membership(world, tmp_path):
    _peer_imports_first(world, tmp_path)
    before = _snapshot(world)
    data = b.files()
    head = data["enrollments"].split("\r\n", 1)[0] + "\r\n"
    sid = "a1b2c3d4-0000-4000-8000-000000000002"  # peer's enrolment of PUPILS[0] in CLASS_A
    data["enrollments"] = head + (
        f"{sid},tobedeleted,2026-10-01T00:00:00Z,{b.CLASS_A},{b.SCHOOL},{b.PUPILS[0]},"
        "student,false,2026-09-01,\r\n"
    )
    out = _run(world.schools["own"], tmp_path, data, 5, modes={"enrollments": "delta"})
    assert out.error_count and not out.written
    assert _snapshot(world) == before


def test_the_las_import_still_reaches_all_its_schools(world, tmp_path):
    _peer_imports_first(world, tmp_path)
    la = world.schools["peer"].local_authority
    data = b.files()
    for k in data:
        data[k] = data[k].replace(",900001,", ",900002,")
    data["users"] = data["users"].replace("t.teach@own.example", "t.teach@peer.example")
    out = _run(la, tmp_path, data, 6)
    assert out.error_count == 0, out.problems
    assert User.objects.get(mis_id="T0001").email == "t.teach@peer.example"


def _rewrite_by_guid(world, tmp_path, who: str, n: int, guid_of=None):
    from risingtide.rostering.writing import guid

    person = world.user(who)
    data = b.files()
    sid = (guid_of or guid)("risingtide", "user", person.pk)
    data["users"] = b.USER_HEADER + b.user(sid, "teacher", "Head", "Own", "", "lead@evil.example")
    data["enrollments"] = data["enrollments"].split("\r\n", 1)[0] + "\r\n"
    return person, _run(world.schools["own"], tmp_path, data, n)


def test_an_import_cannot_rewrite_the_heads_details(world, tmp_path):
    head, out = _rewrite_by_guid(world, tmp_path, "head@own", 3)
    assert not out.written
    assert any("their details are changed in Rising Tide" in p.reason for p in out.problems)
    head.refresh_from_db()
    assert head.email != "lead@evil.example"


def test_an_import_cannot_rename_a_staff_member_of_a_school_it_is_not_for(world, tmp_path):
    """A teacher who is also at the peer school is matched by MIS id; the own school's roster
    may not change their details (the peer's roster, or Rising Tide, does)."""
    teacher = User.objects.create(username="shared.t", email="shared@peer.example", mis_id="T0001")
    Membership.objects.create(user=teacher, role="teacher", school=world.schools["own"])
    Membership.objects.create(user=teacher, role="teacher", school=world.schools["peer"])
    out = _run(world.schools["own"], tmp_path, b.files(), 4)
    assert not out.written
    assert any("a member of a school" in p.reason for p in out.problems)
    teacher.refresh_from_db()
    assert (teacher.email, teacher.first_name) == ("shared@peer.example", "")


def test_our_export_guid_cannot_be_worked_out_from_a_primary_key(world, tmp_path):
    import uuid

    from risingtide.rostering.writing import guid

    namespace = uuid.UUID("0b4e61a4-5a52-4b7e-9a53-2d4f0b1c6a20")  # the old, public one

    def public(*parts):
        return str(uuid.uuid5(namespace, ":".join(str(p) for p in parts)))

    assert guid("risingtide", "user", 1) != public("risingtide", "user", 1)
    assert guid("risingtide", "user", 1) == guid("risingtide", "user", 1)  # stable
    head, out = _rewrite_by_guid(world, tmp_path, "head@own", 5, guid_of=public)
    assert out.counts["staff"]["created"] == 1  # a stranger, not the head
    head.refresh_from_db()
    assert head.email != "lead@evil.example"
