"""Conformance: bundles laid out as the OneRoster 1.2 CSV binding and its samples lay them out
are read as they mean (quoting, GUIDs, dates, optional files, BOM), and every refusal the issue
lists names its file, line, field and reason."""

import pytest

from risingtide.people.models import Membership, Role, User
from risingtide.rostering.bundle import BundleRefused
from risingtide.rostering.importing import run_bundle
from risingtide.rostering.models import RosterLink
from risingtide.rostering.tests import bundles as b
from risingtide.schools.models import TeachingGroup

pytestmark = pytest.mark.django_db


def _run(world, tmp_path, data: bytes, *, write=True, owner=None):
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    return run_bundle(path, owner or world.schools["own"], write=write, import_id=7)


def _problems(outcome) -> set[tuple[str, int, str]]:
    return {(p.file, p.line, p.field) for p in outcome.problems}


def test_a_spec_sample_bundle_is_read_as_it_means(world, tmp_path):
    outcome = _run(world, tmp_path, b.zip_of(b.files()))
    assert outcome.error_count == 0, outcome.problems
    assert outcome.written and outcome.source == "Sample MIS"
    group = TeachingGroup.objects.get(school=world.schools["own"], name='7K, "Kingfishers"')
    assert (group.year_group, group.academic_year, group.kind) == (7, 2026, "class")
    assert TeachingGroup.objects.get(name="7 Set 1").kind == "set"
    amira = User.objects.get(mis_id="P0001")
    assert (amira.first_name, amira.last_name, amira.has_usable_password()) == (
        "Amira",
        "Khan",
        False,
    )
    assert User.objects.get(mis_id="P0003").first_name == "Clo"  # the preferred name
    assert User.objects.get(mis_id="P0004").email == "dev.p@pupils.example"
    assert User.objects.get(mis_id="T0001").email == "t.teach@own.example"
    assert set(
        Membership.objects.filter(teaching_group=group).values_list("user__mis_id", "role")
    ) == {("T0001", Role.TEACHER)} | {(f"P000{n}", Role.PUPIL) for n in range(1, 5)}
    assert Membership.objects.filter(
        user__mis_id="P0002", school=world.schools["own"], teaching_group=None, role=Role.PUPIL
    ).exists()
    # The guardian is passed over with a reason, never given an account.
    assert not User.objects.filter(mis_id="G0001").exists()
    assert (
        outcome.skipped[0]["file"] == "users.csv" and "invitation" in outcome.skipped[0]["reason"]
    )
    assert outcome.counts["pupils"]["created"] == 4 and outcome.counts["staff"]["created"] == 1
    assert outcome.counts["memberships"]["created"] == 7


def test_a_byte_order_mark_a_folder_and_missing_optional_files_are_fine(world, tmp_path):
    data = b.files()
    del data["courses"]  # optional: the classes' terms give their year
    outcome = _run(world, tmp_path, b.zip_of(data, bom=True, folder="export/"), write=False)
    assert outcome.error_count == 0, outcome.problems
    assert outcome.counts["groups"]["created"] == 2
    assert "courses" not in outcome.modes and "demographics" not in outcome.modes


def test_demographics_are_read_but_never_stored(world, tmp_path):
    data = b.files()
    data["demographics"] = (
        "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
        "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
        "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
        "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus\r\n"
        f"{b.PUPILS[0]},,,2015-03-04,female,false,true,false,false,false,false,false,GB,,Leeds,\r\n"
    )
    outcome = _run(world, tmp_path, b.zip_of(data))
    assert outcome.error_count == 0 and outcome.modes["demographics"] == "bulk"


def test_a_line_break_inside_a_quoted_cell_keeps_line_numbers_true(world, tmp_path):
    data = b.files()
    data["classes"] = data["classes"].replace(",7 Set 1,", f",{'x' * 61},")
    outcome = _run(world, tmp_path, b.zip_of(data), write=False)
    # Class A spans lines 2 and 3 (a quoted line break), so class B is on line 4.
    assert ("classes.csv", 4, "title") in _problems(outcome)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(manifest_text=""), "no manifest.csv"),
        (dict(manifest_text=b.manifest(b.files(), oneroster_version="1.1")), "oneroster.version"),
        (dict(manifest_text=b.manifest(b.files(), manifest_version="2.0")), "manifest.version"),
        (dict(leave_out=("users",)), "users.csv as bulk, but it is not in the zip"),
        (dict(modes={"users": "sometimes"}), "not bulk, delta or absent"),
    ],
)
def test_whole_bundle_refusals(world, tmp_path, change, message):
    with pytest.raises(BundleRefused, match=message):
        _run(world, tmp_path, b.zip_of(b.files(), **change))


def test_a_file_that_is_not_a_zip_is_refused(world, tmp_path):
    with pytest.raises(BundleRefused, match="not a zip"):
        _run(world, tmp_path, b"sourcedId,status\r\n")


def test_a_broken_quote_is_refused_with_its_line(world, tmp_path):
    data = b.files()
    data["users"] += 'x,,,true,a,student,"unclosed\r\n'
    with pytest.raises(BundleRefused, match=r"users.csv, line 8"):
        _run(world, tmp_path, b.zip_of(data))


def _refused(world, tmp_path, data, **kwargs):
    outcome = _run(world, tmp_path, b.zip_of(data), **kwargs)
    assert outcome.error_count and not outcome.written
    assert not User.objects.filter(mis_id__startswith="P000").exists()
    return outcome


def test_an_unknown_role_is_refused(world, tmp_path):
    data = b.files()
    data["users"] = data["users"].replace(",student,", ",pupil,", 1)
    outcome = _refused(world, tmp_path, data)
    assert ("users.csv", 3, "role") in _problems(outcome)
    assert "'pupil' is not a OneRoster role" in str(outcome.problems[0])


def test_a_duplicate_sourced_id_is_refused(world, tmp_path):
    data = b.files()
    data["users"] += b.user(b.PUPILS[0], "student", "Amira", "Khan", "P0009")
    outcome = _refused(world, tmp_path, data)
    problem = outcome.problems[0]
    assert (problem.file, problem.line, problem.field) == ("users.csv", 8, "sourcedId")
    assert "appears twice" in problem.reason


def test_an_enrolment_in_an_unknown_class_is_refused(world, tmp_path):
    data = b.files()
    data["enrollments"] += b.enrolment(20, "00000000-0000-4000-8000-00000000dead", b.PUPILS[2])
    outcome = _refused(world, tmp_path, data)
    assert ("enrollments.csv", 9, "classSourcedId") in _problems(outcome)
    assert "unknown class" in outcome.problems[0].reason


def test_a_school_the_importer_does_not_own_is_refused(world, tmp_path):
    data = b.files()
    other = "0a0a0a0a-1b1b-4c2c-8d3d-4e4e4e4e4e4e"
    data["orgs"] += f"{other},,,Other School,school,900003,\r\n"
    data["users"] += b.user(
        "0b0b0b0b-1b1b-4c2c-8d3d-4e4e4e4e4e4e",
        "student",
        "Zed",
        "Other",
        "P0099",
        org=f"{b.SCHOOL},{other}",
    )
    outcome = _refused(world, tmp_path, data)
    problems = _problems(outcome)
    assert ("orgs.csv", 4, "identifier") in problems
    assert ("users.csv", 8, "orgSourcedIds") in problems
    reasons = " ".join(p.reason for p in outcome.problems)
    assert "900003 (Other School) is not the URN or DfE number of a school of Own School" in reasons


def test_an_la_imports_its_schools_but_not_another_las(world, tmp_path):
    data = b.files()
    data["orgs"] = data["orgs"].replace(",900001,", ",101/4001,")  # the DfE number works too
    outcome = _run(world, tmp_path, b.zip_of(data), owner=world.las["own"])
    assert outcome.error_count == 0 and outcome.written
    outcome = _run(world, tmp_path, b.zip_of(b.files()), owner=world.las["other"], write=False)
    assert ("orgs.csv", 2, "identifier") in _problems(outcome)  # LA 101 is not LA 102
    assert ("orgs.csv", 3, "identifier") in _problems(outcome)


def test_a_header_that_breaks_the_binding_is_refused(world, tmp_path):
    data = b.files()
    data["users"] = data["users"].replace("orgSourcedIds", "orgSourcedIDs", 1)
    outcome = _refused(world, tmp_path, data)
    assert ("users.csv", 1, "orgSourcedIDs") in _problems(outcome)
    assert ("users.csv", 1, "orgSourcedIds") in _problems(outcome)


def test_extension_columns_are_allowed(world, tmp_path):
    data = b.files()
    lines = data["orgs"].split("\r\n")
    lines = [lines[0] + ",metadata.uk.phase"] + [line + ",secondary" for line in lines[1:-1]]
    data["orgs"] = "\r\n".join(lines) + "\r\n"
    assert _run(world, tmp_path, b.zip_of(data), write=False).error_count == 0


def test_dates_must_be_iso_8601(world, tmp_path):
    data = b.files()
    data["academicSessions"] = data["academicSessions"].replace("2026-12-18", "18/12/2026")
    data["enrollments"] = data["enrollments"].replace(",2026-09-01,\r\n", ",01/09/2026,\r\n", 1)
    outcome = _refused(world, tmp_path, data)
    assert ("academicSessions.csv", 3, "endDate") in _problems(outcome)
    assert ("enrollments.csv", 2, "beginDate") in _problems(outcome)


def test_a_delta_row_needs_its_status_and_date(world, tmp_path):
    data = {"users": b.USER_HEADER + b.user(b.PUPILS[0], "student", "Amira", "Khan", "P0001")}
    outcome = _run(world, tmp_path, b.zip_of(data, modes={"users": "delta"}), write=False)
    assert {("users.csv", 2, "status"), ("users.csv", 2, "dateLastModified")} <= _problems(outcome)


def test_an_error_in_the_last_file_leaves_nothing_written(world, tmp_path):
    data = b.files()
    data["enrollments"] += b.enrolment(30, b.CLASS_A, b.PUPILS[0], role="teacher")
    outcome = _run(world, tmp_path, b.zip_of(data))
    assert ("enrollments.csv", 9, "role") in _problems(outcome)
    assert not outcome.written
    assert not TeachingGroup.objects.filter(name__startswith="7K").exists()
    assert not User.objects.filter(mis_id__in=["T0001", "P0001"]).exists()
    assert not RosterLink.objects.exists()
