"""The import as a person takes it (upload, preview, confirm, background write, result) on the
pages and through the API, the command line's dry run, and the export."""

import io
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.people.models import User
from risingtide.rostering.bundle import open_bundle, read_manifest, rows
from risingtide.rostering.importing import run_bundle
from risingtide.rostering.models import RosterImport
from risingtide.rostering.tasks import check_roster, write_roster
from risingtide.rostering.tests import bundles as b

pytestmark = pytest.mark.django_db


def _upload(data: bytes | None = None):
    return SimpleUploadedFile("roster.zip", data or b.zip_of(b.files()), "application/zip")


def test_the_coordinators_journey_on_the_pages(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    page = reverse("rostering:school_imports", args=[world.schools["own"].pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"file": _upload()})
    batch = RosterImport.objects.get()
    assert response.url == reverse("rostering:import", args=[batch.pk])
    assert batch.state == "checking" and batch.school == world.schools["own"]
    assert 'hx-get="' in client.get(response.url).content.decode()  # the progress panel

    assert check_roster.call(batch.pk) == "checked"
    preview = client.get(response.url).content.decode()
    assert "What this bundle would do" in preview and "Confirm and import" in preview
    assert "Amira Khan" in preview and "carers are linked" in preview
    assert AuditEvent.objects.filter(action="roster.viewed", target_id=str(batch.pk)).exists()
    assert not User.objects.filter(mis_id="P0001").exists()

    client.post(reverse("rostering:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == "writing"
    assert write_roster.call(batch.pk) == "written"
    batch.refresh_from_db()
    assert batch.state == "done" and not batch.file  # the pupil data left our disk
    assert User.objects.filter(mis_id="P0001").exists()
    assert "Imported" in client.get(response.url).content.decode()
    assert AuditEvent.objects.filter(action="roster.imported", target_id=str(batch.pk)).exists()
    progress = client.get(
        reverse("rostering:import_progress", args=[batch.pk]), HTTP_HX_REQUEST="1"
    )
    assert progress.status_code == 204 and progress["HX-Refresh"] == "true"


def test_a_bundle_with_errors_cannot_be_confirmed(world, client_for):
    data = b.files()
    data["users"] = data["users"].replace(",student,", ",pupil,", 1)
    client = client_for(world.user("head@own"))
    client.post(
        reverse("rostering:school_imports", args=[world.schools["own"].pk]),
        {"file": _upload(b.zip_of(data))},
    )
    batch = RosterImport.objects.get()
    check_roster.call(batch.pk)
    page = client.get(reverse("rostering:import", args=[batch.pk])).content.decode()
    assert "users.csv" in page and "is not a OneRoster role" in page
    assert "Confirm and import" not in page
    client.post(reverse("rostering:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == "preview"  # refused: only a bundle without errors is written


def test_a_bundle_without_a_manifest_is_refused_at_upload(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    response = client.post(
        reverse("rostering:school_imports", args=[world.schools["own"].pk]),
        {"file": _upload(b.zip_of(b.files(), manifest_text=""))},
    )
    assert response.status_code == 400 and "no manifest.csv" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_only_the_schools_own_staff_reach_its_imports(world, client_for):
    batch = RosterImport.objects.create(
        school=world.schools["own"], state="preview", file_name="r.zip", sha256="0"
    )
    url = reverse("rostering:import", args=[batch.pk])
    assert client_for(world.user("leading_teacher@other")).get(url).status_code == 404
    assert client_for(world.user("teacher@own")).get(url).status_code == 404
    assert client_for(world.user("la_lead@own")).get(url).status_code == 404
    confirm = reverse("rostering:import_confirm", args=[batch.pk])
    assert client_for(world.user("teacher@own")).post(confirm).status_code == 404


def test_the_la_leads_journey_through_the_api(world, client_for):
    client = client_for(world.user("la_lead@own"))
    data = b.files()
    response = client.post(
        f"/api/v1/las/{world.las['own'].pk}/roster/imports", {"file": _upload(b.zip_of(data))}
    )
    assert response.status_code == 202, response.content
    batch_id = response.json()["id"]
    check_roster.call(batch_id)
    answer = client.get(f"/api/v1/roster/imports/{batch_id}").json()
    assert answer["state"] == "preview" and answer["counts"]["pupils"]["created"] == 4
    assert client.post(f"/api/v1/roster/imports/{batch_id}/confirm").status_code == 202
    write_roster.call(batch_id)
    answer = client.get(f"/api/v1/roster/imports/{batch_id}").json()
    assert answer["state"] == "done" and answer["error_count"] == 0
    # A school's coordinator reaches neither the LA's import nor its upload.
    lead = client_for(world.user("leading_teacher@own"))
    assert lead.get(f"/api/v1/roster/imports/{batch_id}").status_code == 404
    refused = client.post(
        f"/api/v1/las/{world.las['own'].pk}/roster/imports", {"file": _upload(b"not a zip")}
    )
    assert refused.status_code == 400 and "not a zip" in refused.json()["detail"]


def _command(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("import_oneroster", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_the_command_dry_run_prints_each_problem_and_exits_non_zero(world, tmp_path):
    path = tmp_path / "r.zip"
    path.write_bytes(b.zip_of(b.files()))
    code, out = _command(str(path), "--school", world.schools["own"].urn, "--dry-run")
    assert code == 0 and "pupils: 4 new" in out and "Dry run" in out
    assert not User.objects.filter(mis_id="P0001").exists()

    data = b.files()
    data["enrollments"] += b.enrolment(20, "00000000-0000-4000-8000-00000000dead", b.PUPILS[2])
    path.write_bytes(b.zip_of(data))
    code, out = _command(str(path), "--la", "101", "--dry-run")
    assert code == 1
    assert "enrollments.csv, line 9, classSourcedId: enrolment in an unknown class" in out
    path.write_bytes(b.zip_of(b.files(), manifest_text=""))
    code, out = _command(str(path), "--school", world.schools["own"].urn)
    assert code == 1 and "no manifest.csv" in out

    path.write_bytes(b.zip_of(b.files()))
    assert _command(str(path), "--school", world.schools["own"].urn)[0] == 0
    assert User.objects.filter(mis_id="P0001").exists()


def test_the_export_is_a_bundle_our_reader_takes_and_a_round_trip_changes_nothing(
    world, client_for, tmp_path
):
    path = tmp_path / "in.zip"
    path.write_bytes(b.zip_of(b.files()))
    run_bundle(path, world.schools["own"], write=True, import_id=1)
    client = client_for(world.user("head@own"))
    response = client.get(reverse("rostering:school_export", args=[world.schools["own"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    with open_bundle(io.BytesIO(data)) as zf:
        manifest = read_manifest(zf)
        problems = []
        users = {row["identifier"]: row for _, row in rows(zf, manifest, "users", problems)}
    assert problems == []
    assert users["P0001"]["sourcedId"] == b.PUPILS[0]  # the MIS's own ids go back out
    assert users["P0001"]["role"] == "student" and users["T0001"]["role"] == "teacher"
    assert (
        "password"
        not in zipfile.ZipFile(io.BytesIO(data)).read("users.csv").decode().split("\r\n")[1]
    )
    assert AuditEvent.objects.filter(action="roster.exported").exists()
    # Our own export, imported again into the school, changes nothing the MIS brought.
    out = tmp_path / "out.zip"
    out.write_bytes(data)
    outcome = run_bundle(out, world.schools["own"], write=False, import_id=2)
    assert outcome.error_count == 0, outcome.problems
    assert all(outcome.counts[kind]["created"] == 0 for kind in outcome.counts)
    assert all(outcome.counts[kind]["ended"] == 0 for kind in outcome.counts)


def test_only_who_may_export_pupil_data_exports(world, client_for):
    url = reverse("rostering:school_export", args=[world.schools["own"].pk])
    assert client_for(world.user("teacher@own")).get(url).status_code == 403
    la_url = reverse("rostering:la_export", args=[world.las["own"].pk])
    assert client_for(world.user("la_lead@own")).get(la_url).status_code == 200
    assert client_for(world.user("la_lead@other")).get(la_url).status_code == 404


@pytest.mark.parametrize("many", [False, True])
def test_the_pages_make_the_same_number_of_queries_at_any_size(world, client_for, many):
    school = world.schools["own"]
    for n in range(6 if many else 1):
        RosterImport.objects.create(
            school=school,
            state="done",
            file_name=f"r{n}.zip",
            sha256="0",
            uploaded_by=world.user("head@own"),
            summary={
                "counts": {"pupils": {"created": n}},
                "changes": [
                    {"kind": "pupils", "action": "created", "name": f"P{i}"}
                    for i in range(50 if many else 1)
                ],
            },
        )
    client = client_for(world.user("leading_teacher@own"))
    batch = RosterImport.objects.first()
    counts = []
    for url in (
        reverse("rostering:school_imports", args=[school.pk]),
        reverse("rostering:import", args=[batch.pk]),
    ):
        client.get(url)  # warm the session and access caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    expected = pytest.roster_page_queries = getattr(pytest, "roster_page_queries", counts)
    assert counts == expected


def test_the_steps_check_the_capability_themselves(world):
    from django.core.exceptions import PermissionDenied

    from risingtide.rostering import exporting, services

    with pytest.raises(PermissionDenied):
        services.start_import(world.user("teacher@own"), world.schools["own"], _upload())
    with pytest.raises(PermissionDenied):
        services.start_import(world.user("leading_teacher@own"), world.las["own"], _upload())
    with pytest.raises(PermissionDenied):
        exporting.export_roster(world.user("head@other"), world.schools["own"])
    batch = RosterImport.objects.create(
        school=world.schools["own"], state="preview", file_name="r.zip", sha256="0"
    )
    with pytest.raises(PermissionDenied):
        services.confirm_import(world.user("head@other"), batch)
    assert not RosterImport.objects.exclude(pk=batch.pk).exists()


def test_a_zip_that_unpacks_too_big_is_refused_unread(world, tmp_path, monkeypatch):
    from risingtide.rostering import bundle

    monkeypatch.setattr(bundle, "MAX_MEMBER_BYTES", 100)
    path = tmp_path / "big.zip"
    path.write_bytes(b.zip_of(b.files()))
    with pytest.raises(bundle.BundleRefused, match="larger than 2 GB unpacked"):
        run_bundle(path, world.schools["own"], write=False)


def test_the_sample_command_writes_a_bundle_the_import_takes(world, tmp_path):
    path = tmp_path / "sample.zip"
    call_command("oneroster_sample", str(path), "--la", "101", "--pupils", "6", stdout=StringIO())
    code, out = _command(str(path), "--la", "101", "--dry-run")
    assert code == 0, out
    assert "pupils: 12 new" in out  # two schools of LA 101, six pupils each
