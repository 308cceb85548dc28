"""The register's pages through Django's test client: who sees what, the audit trail, the import
journey (upload, map, check, confirm, write), exports, and constant query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.register.import_batches import ColumnMapping, ImportBatch
from risingtide.register.models import Pupil, RegisterEntry
from risingtide.register.tasks import check_import, write_import
from risingtide.register.tests import ctf_files, tabular_files
from risingtide.register.upn import make_upn

pytestmark = pytest.mark.django_db


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_the_coordinator_sees_the_register_and_the_view_is_audited(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    response = client.get(reverse("register:register", args=[world.schools["own"].pk]))
    assert response.status_code == 200
    assert "Own" in response.text and "Nominated" in response.text
    event = AuditEvent.objects.get(action="register.viewed")
    assert event.detail["why"] == "Register page" and event.school == world.schools["own"]


def test_an_la_sees_pupil_data_only_under_an_agreement(world, client_for):
    client = client_for(world.user("la_lead@own"))
    assert (
        client.get(reverse("register:register", args=[world.schools["own"].pk])).status_code == 200
    )
    assert (
        client.get(reverse("register:register", args=[world.schools["peer"].pk])).status_code == 404
    )
    record = world.records["own"]
    assert client.get(reverse("register:register_pupil", args=[record.pk])).status_code == 200
    other = client_for(world.user("la_lead@other"))
    assert (
        other.get(reverse("register:register_pupil", args=[world.records["other"].pk])).status_code
        == 404
    )
    # ... but reads the audit log of its schools.
    assert (
        other.get(reverse("register:register_audit", args=[world.schools["other"].pk])).status_code
        == 200
    )


def test_a_teacher_nominates_from_the_group_page(world, client_for):
    teacher = world.user("teacher@own")
    client = client_for(teacher)
    page = client.get(reverse("home:teaching_group", args=[world.groups["own"].pk]))
    nominate_url = reverse("register:register_nominate", args=[world.records["2@own"].pk])
    assert nominate_url in page.text
    assert client.get(nominate_url).status_code == 200
    refused = client.post(nominate_url, {"summary": "Reads widely."})
    assert refused.status_code == 400 and "Choose at least one domain" in refused.text
    response = client.post(
        nominate_url, {"summary": "Reads far beyond her year.", "domains": ["english"]}
    )
    assert response.status_code == 302
    entry = RegisterEntry.objects.get(pupil=world.records["2@own"], current=True)
    assert entry.status == "nominated" and entry.recorded_by == teacher
    # Another group's pupil: not theirs to see.
    other = reverse("register:register_nominate", args=[world.records["own2"].pk])
    assert client.get(other).status_code == 404


def test_the_coordinator_adds_evidence_and_decides(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    record = world.records["own"]
    evidence = client.post(
        reverse("register:register_evidence", args=[record.pk]),
        {"kind": "test_score", "measure": "CAT quantitative", "score": "131", "domain": "maths",
         "summary": "Top of the year group."},
    )  # fmt: skip
    assert evidence.status_code == 302
    bad = client.post(reverse("register:register_evidence", args=[record.pk]),
                      {"kind": "test_score", "summary": "x", "score": "lots"})  # fmt: skip
    assert bad.status_code == 400 and "The score is a number" in bad.text
    decided = client.post(
        reverse("register:register_decide", args=[record.pk]),
        {"status": "identified", "domains": ["maths"], "top_5": "on", "next_review": "2099-01-01"},
    )
    assert decided.status_code == 302
    page = client.get(reverse("register:register_pupil", args=[record.pk]))
    assert "Identified" in page.text and "CAT quantitative" in page.text
    # The page, and the record shown again with the refused evidence form.
    assert _events("pupil_record.viewed") == 2 and _events("register.decided") == 1


def test_a_teacher_cannot_decide(world, client_for):
    client = client_for(world.user("teacher@own"))
    url = reverse("register:register_decide", args=[world.records["own"].pk])
    assert client.post(url, {"status": "identified"}).status_code == 403


def _upload(client, school, name, data, **fields):
    return client.post(
        reverse("register:register_imports", args=[school.pk]),
        {"file": SimpleUploadedFile(name, data), **fields},
    )


def test_the_ctf_import_journey(world, client_for):
    school = world.schools["own"]
    client = client_for(world.user("leading_teacher@own"))
    data = ctf_files.ctf([ctf_files.pupil_xml(n, "names_in_basic_details") for n in range(30)])
    response = _upload(client, school, "801200_CTF_8014001_001.xml", data)
    batch = ImportBatch.objects.get(file_name="801200_CTF_8014001_001.xml")
    assert response.status_code == 302 and batch.state == "checking"
    progress = client.get(reverse("register:register_import_progress", args=[batch.pk]))
    assert "<progress" in progress.text
    assert check_import.call(batch.pk) == "checked"
    preview = client.get(reverse("register:register_import", args=[batch.pk]))
    assert "30</strong> new pupils" in preview.text and "Confirm and import" in preview.text
    assert "21.0" in preview.text and "Riverton Primary" in preview.text
    assert not Pupil.objects.filter(upn=make_upn(801, 2000, 15, 1)).exists()
    client.post(reverse("register:register_import_confirm", args=[batch.pk]))
    assert write_import.call(batch.pk) == "written"
    batch.refresh_from_db()
    assert batch.state == "done" and not batch.file  # the file is deleted once imported
    assert Pupil.objects.filter(school=school, upn=make_upn(801, 2000, 15, 1)).exists()
    done = client.get(
        reverse("register:register_import_progress", args=[batch.pk]), HTTP_HX_REQUEST="1"
    )
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    assert _events("import.confirmed") == 1


def test_a_ctf_with_errors_cannot_be_confirmed(world, client_for):
    school = world.schools["own"]
    client = client_for(world.user("leading_teacher@own"))
    pupils = [ctf_files.pupil_xml(n, "names_at_pupil") for n in range(5)]
    pupils.append(ctf_files.pupil_xml(9, "names_at_pupil", dob="2999-01-01"))
    _upload(client, school, "bad.xml", ctf_files.ctf(pupils))
    batch = ImportBatch.objects.get(file_name="bad.xml")
    check_import.call(batch.pk)
    preview = client.get(reverse("register:register_import", args=[batch.pk]))
    assert "2999-01-01 is in the future" in preview.text
    assert "Confirm and import" not in preview.text
    # Blocked, and said so: not "Ready to confirm" (issue 16).
    assert "Blocked: 1 row to fix" in preview.text and "Ready to confirm" not in preview.text
    imports = client.get(reverse("register:register_imports", args=[school.pk])).text
    assert "Blocked: 1 row to fix" in imports
    client.post(reverse("register:register_import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == "preview"


def test_hostile_xml_fails_with_a_reason(world, client_for):
    school = world.schools["own"]
    client = client_for(world.user("leading_teacher@own"))
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;">]><CTfile>&lol2;</CTfile>'
    )
    _upload(client, school, "bomb.xml", bomb)
    batch = ImportBatch.objects.get(file_name="bomb.xml")
    assert check_import.call(batch.pk) == "failed"
    page = client.get(reverse("register:register_import", args=[batch.pk]))
    assert "document type or entities" in page.text and "Nothing was written" in page.text


def test_a_csv_is_mapped_then_checked_and_the_mapping_is_kept(world, client_for):
    school = world.schools["own"]
    client = client_for(world.user("leading_teacher@own"))
    data = tabular_files.csv_bytes(20, "sims")
    _upload(client, school, "pupils.csv", data)
    batch = ImportBatch.objects.get(file_name="pupils.csv")
    assert batch.state == "mapping" and batch.mapping["upn"]
    page = client.get(reverse("register:register_import", args=[batch.pk]))
    assert "Match the file" in page.text
    form = {f"map_{k}": v for k, v in batch.mapping.items()}
    missing = client.post(reverse("register:register_import_mapping", args=[batch.pk]),
                          {**form, "map_upn": ""})  # fmt: skip
    assert missing.status_code == 400 and "Choose the column that holds" in missing.text
    client.post(reverse("register:register_import_mapping", args=[batch.pk]), form)
    batch.refresh_from_db()
    assert batch.state == "checking"
    assert ColumnMapping.objects.get(school=school, kind="pupils").mapping == batch.mapping
    check_import.call(batch.pk)
    batch.refresh_from_db()
    assert batch.state == "preview" and batch.summary["creates"] == 20, batch.summary
    # The school's next file of the same shape skips straight to its saved mapping.
    _upload(client, school, "again.csv", data)
    assert ImportBatch.objects.get(file_name="again.csv").mapping == batch.mapping


def test_uploads_are_sniffed(world, client_for):
    school = world.schools["own"]
    client = client_for(world.user("leading_teacher@own"))
    response = _upload(client, school, "sniffed.xlsx", b"UPN,Surname\n")
    assert response.status_code == 400 and "not an Excel workbook" in response.text
    response = _upload(client, school, "sniffed.xml", b"\x89PNG....")
    assert response.status_code == 400 and "a CTF is an XML file" in response.text
    assert not ImportBatch.objects.filter(file_name__startswith="sniffed.").exists()


def test_exports_need_a_reason_and_are_audited(world, client_for):
    school = world.schools["own"]
    client = client_for(world.user("leading_teacher@own"))
    url = reverse("register:register_export", args=[school.pk])
    refused = client.post(url, {"what": "census"})
    assert refused.status_code == 400 and "Say why" in refused.text
    assert _events("register.exported") == 0
    census = client.post(url, {"what": "census", "why": "census"})
    assert census.status_code == 200 and census["Content-Type"].startswith("text/csv")
    event = AuditEvent.objects.get(action="register.exported")
    assert event.detail == {"why": "School Census G&T return", "what": "census"}
    for what in ("csv", "xlsx", "pdf"):
        assert client.post(url, {"what": what, "why": "review"}).status_code == 200
    assert client_for(world.user("teacher@own")).post(url, {"what": "csv"}).status_code == 404


def test_the_leaver_ctf_is_audited(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    record = world.records["own"]
    response = client.post(reverse("register:register_leaver_ctf", args=[record.pk]),
                           {"why": "transfer", "dest_la": "802", "dest_estab": "4000"})  # fmt: skip
    assert response.status_code == 200 and b"<CTfile" in response.content
    assert "_CTF_8024000_" in response["Content-Disposition"]
    assert AuditEvent.objects.get(action="register.exported").target_id == str(record.pk)


def test_the_audit_log_names_pupils_only_for_readers_who_may_see_them(world, client_for):
    school = world.schools["own"]
    lead = client_for(world.user("leading_teacher@own"))
    lead.get(reverse("register:register_pupil", args=[world.records["own"].pk]))
    page = lead.get(reverse("register:register_audit", args=[school.pk]))
    assert "Viewed a pupil&#x27;s record" in page.text and "Ada Own" in page.text
    assert "Nominated a pupil" in page.text  # the tiny world's nomination
    world.schools["own"].sharing.update(ends_on="2021-01-01")
    la_page = client_for(world.user("la_lead@own")).get(
        reverse("register:register_audit", args=[school.pk])
    )
    assert la_page.status_code == 200
    assert "Ada Own" not in la_page.text and "pupil record" in la_page.text


def test_sharing_is_recorded_by_the_school(world, client_for):
    school = world.schools["other"]
    head = client_for(world.user("head@other"))
    url = reverse("register:register_sharing", args=[school.pk])
    bad = head.post(url, {"reference": "", "starts_on": "soon"})
    assert bad.status_code == 400
    assert head.post(url, {"reference": "DSA-9", "starts_on": "2026-01-01"}).status_code == 302
    assert school.sharing.get().reference == "DSA-9"
    la = client_for(world.user("la_lead@other"))
    assert la.post(url, {"reference": "mine", "starts_on": "2026-01-01"}).status_code == 403


def _more_pupils(school, count: int, start: int) -> None:
    from datetime import date

    Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=make_upn(801, 4001, 30, start + n),
            legal_surname=f"S{n}",
            legal_forename=f"F{n}",
            date_of_birth=date(2014, 1, 1),
            gender="M",
            nc_year="7",
        )
        for n in range(count)
    )


@pytest.mark.parametrize(
    "name, key",
    [
        ("register:register", "school"),
        ("register:register_pupils", "school"),
        ("register:register_pupil", "record"),
        ("register:register_audit", "school"),
        ("register:register_screening", "school"),
        ("register:register_equity", "school"),
        ("register:register_imports", "school"),
    ],
)
def test_pages_make_the_same_number_of_queries_at_any_size(world, client_for, name, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from risingtide.register import services

    school = world.schools["own"]
    lead = world.user("leading_teacher@own")
    client = client_for(lead)
    target = school.pk if key == "school" else world.records["own"].pk

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=[target])).status_code == 200
        return len(queries)

    count()  # the first visit also reads the lead's memberships (then kept) and audits it
    small = count()
    _more_pupils(school, 60, 100)
    for pupil in Pupil.objects.filter(school=school, legal_surname__startswith="S")[:30]:
        services.nominate(lead, pupil, domains=["maths"], summary="Quick.")
        services.add_evidence(lead, world.records["own"], kind="test_score", summary="CAT",
                              score=120, measure="CAT")  # fmt: skip
    assert count() == small
