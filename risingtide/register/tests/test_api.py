"""The register and pupil records through the API: the same scope as the pages (a teacher their
groups' pupils, an LA only while a school shares its data), the same services, an audit event
for every read, and a fixed number of queries however big the school."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from risingtide.api.tests.clients import as_user, call
from risingtide.audit.models import AuditEvent
from risingtide.portfolios.tests.test_query_counts import Queries
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import (
    Attainment,
    CharacteristicChange,
    DataSharingAgreement,
    Evidence,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.services import add_evidence, decide
from risingtide.register.tasks import check_import, write_import
from risingtide.register.tests.ctf_files import ctf, pupil_xml
from risingtide.register.upn import make_upn

pytestmark = pytest.mark.django_db


def reads(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action="register.api_read").order_by("pk"))


def pupils_of(world, key="own"):
    return f"/schools/{world.schools[key].pk}/pupils"


def register_of(world, key="own"):
    return f"/schools/{world.schools[key].pk}/register"


def record_of(world, key):
    return f"/pupils/{world.records[key].pk}"


# --- reading -------------------------------------------------------------------------------


def test_openapi_schema_has_the_register_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths) >= {
        "/api/v1/schools/{school_id}/pupils",
        "/api/v1/schools/{school_id}/register",
        "/api/v1/pupils/{pupil_id}",
        "/api/v1/pupils/{pupil_id}/nominations",
        "/api/v1/pupils/{pupil_id}/evidence",
        "/api/v1/pupils/{pupil_id}/decisions",
        "/api/v1/schools/{school_id}/imports",
        "/api/v1/imports/{import_id}",
        "/api/v1/imports/{import_id}/mapping",
        "/api/v1/imports/{import_id}/confirm",
        "/api/v1/imports/{import_id}/cancel",
    }
    upload = paths["/api/v1/schools/{school_id}/imports"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]


def test_pupil_list_with_flags_entry_and_one_audit_event(world):
    lead = world.user("leading_teacher@own")
    today = timezone.localdate()
    FsmPeriod.objects.create(pupil=world.records["own"], start=today - timedelta(days=30))
    FsmPeriod.objects.create(
        pupil=world.records["own2"],
        start=today - timedelta(days=900),
        end=today - timedelta(days=400),
    )
    response = call(as_user(lead), "get", pupils_of(world))
    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["page"], data["pages"], data["per_page"]) == (3, 1, 1, 50)
    rows = {r["id"]: r for r in data["items"]}
    assert set(rows) == {world.records[k].pk for k in ("own", "own2", "2@own")}
    own = rows[world.records["own"].pk]
    assert own["upn"] == world.records["own"].upn
    assert (own["legal_forename"], own["date_of_birth"], own["ethnicity"]) == (
        "Ada",
        "2014-05-01",
        "WBRI",
    )
    assert (own["fsm_now"], own["ever_6"]) == (True, True)
    assert own["entry"]["status"] == "nominated" and own["entry"]["domains"] == ["maths"]
    own2 = rows[world.records["own2"].pk]
    assert (own2["fsm_now"], own2["ever_6"], own2["entry"]) == (False, True, None)
    events = reads(lead)
    assert len(events) == 1  # one per request, not one per pupil
    assert events[0].school_id == world.schools["own"].pk
    assert events[0].detail["why"] == "API: list pupils"
    assert events[0].detail["what"] == "page 1 of 1: 3 rows"
    call(as_user(lead), "get", f"{pupils_of(world)}?q=Ada&page=1")
    assert reads(lead)[-1].detail["filters"] == {"q": "Ada"}


def test_pupil_list_filters_and_pages(world):
    client = as_user(world.user("head@own"))
    Pupil.objects.filter(pk=world.records["own2"].pk).update(on_roll=False, nc_year="8")

    def ids(query):
        response = call(client, "get", f"{pupils_of(world)}?{query}")
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["items"]}

    own, own2, two = (world.records[k].pk for k in ("own", "own2", "2@own"))
    assert ids("on_roll=false") == {own2}
    assert ids("on_roll=true") == ids("") == {own, two}  # on roll by default, as on the page
    assert ids("nc_year=8") == set()
    assert ids("nc_year=8&on_roll=all") == {own2}
    assert ids("status=nominated") == {own}
    assert ids("status=identified") == set()
    assert ids("q=ben") == {two}  # pupil2@own is Ben Own
    assert ids(f"on_roll=all&q={world.records['own2'].upn[:6].lower()}") >= {own2}
    first = call(client, "get", f"{pupils_of(world)}?on_roll=all&per_page=2").json()
    second = call(client, "get", f"{pupils_of(world)}?on_roll=all&per_page=2&page=2").json()
    assert (first["pages"], len(first["items"]), len(second["items"])) == (2, 2, 1)
    assert {r["id"] for r in first["items"] + second["items"]} == {own, own2, two}
    past = call(client, "get", f"{pupils_of(world)}?on_roll=all&per_page=2&page=99").json()
    assert past["page"] == 2  # the last page, as on the pages
    assert call(client, "get", f"{pupils_of(world)}?status=famous").status_code == 422


def test_one_pupil_with_history_newest_first(world):
    lead = world.user("leading_teacher@own")
    pupil = world.records["own"]
    FsmPeriod.objects.create(pupil=pupil, start=date(2020, 9, 1), end=date(2021, 7, 20))
    CharacteristicChange.objects.create(
        pupil=pupil, kind="sen", old_value="", new_value="K", changed_on=date(2024, 1, 5)
    )
    Attainment.objects.create(
        pupil=pupil, stage="KS2", subject="MAT", result="110", score=110, year=2023
    )
    add_evidence(lead, pupil, kind="test_score", summary="CAT verbal 131", score=131)
    decide(lead, pupil, status="identified", domains=["maths"], top_5=True)
    response = call(as_user(lead), "get", record_of(world, "own"))
    assert response.status_code == 200
    data = response.json()
    assert data["fsm_periods"] == [{"start": "2020-09-01", "end": "2021-07-20"}]
    assert (data["fsm_now"], data["ever_6"]) == (False, True)
    assert [(c["kind"], c["new_value"]) for c in data["changes"]] == [("sen", "K")]
    assert data["attainment"][0]["result"] == "110"
    assert [e["status"] for e in data["entries"]] == ["identified", "nominated"]
    assert [e["current"] for e in data["entries"]] == [True, False]
    assert data["entry"]["status"] == "identified" and data["entry"]["top_5"] is True
    assert [e["summary"] for e in data["evidence"]] == [
        "CAT verbal 131",
        "Solves problems well beyond Year 7.",
    ]
    assert data["evidence"][1]["added_by"] == "Teach Own"
    [event] = reads(lead)
    assert (event.target_type, event.target_id) == ("register.Pupil", str(pupil.pk))
    assert event.detail["why"] == "API: read a pupil's record"


def test_register_lists_this_years_entries_with_filters(world):
    lead = world.user("leading_teacher@own")
    decide(lead, world.records["own"], status="identified", domains=["maths", "music"])
    add_evidence(lead, world.records["2@own"], kind="test_score", summary="CAT 135")
    decide(lead, world.records["2@own"], status="identified", domains=["english"], top_5=True)
    decide(lead, world.records["own2"], status="not_identified", reason="Not this year")
    client = as_user(lead)

    def pupils(query=""):
        response = call(client, "get", f"{register_of(world)}?{query}")
        assert response.status_code == 200, response.content
        return {r["pupil"]["id"] for r in response.json()["items"]}

    own, own2, two = (world.records[k].pk for k in ("own", "own2", "2@own"))
    data = call(client, "get", register_of(world)).json()
    # On the register or nominated by default, as on the register page; "all" adds the rest.
    assert data["academic_year"] == academic_year() and data["count"] == 2
    assert pupils("status=all") == {own, own2, two}
    first = next(r for r in data["items"] if r["pupil"]["id"] == own)
    assert (first["status"], first["gifted"], first["talented"]) == ("identified", True, True)
    assert first["evidence_this_year"] == 1
    assert pupils("status=not_identified") == {own2}
    assert pupils("talented=true") == {own}
    assert pupils("gifted=true") == {own, two}
    assert pupils("top_5=true") == {two}
    assert pupils("domain=music") == {own}
    assert pupils("domain=maths&status=identified") == {own}
    bad = call(client, "get", f"{register_of(world)}?domain=astrology")
    assert bad.status_code == 400 and "domain" in bad.json()["errors"]
    assert len(reads(lead)) == 8  # one for each successful read


# --- scope ---------------------------------------------------------------------------------


def test_a_teacher_sees_only_their_groups_pupils(world):
    client = as_user(world.user("teacher@own"))
    assert call(client, "get", record_of(world, "own")).status_code == 200
    assert call(client, "get", record_of(world, "2@own")).status_code == 200
    assert call(client, "get", record_of(world, "own2")).status_code == 404
    assert call(client, "get", record_of(world, "other")).status_code == 404
    # The school's lists are the coordinator's, not a class teacher's.
    assert call(client, "get", pupils_of(world)).status_code == 404
    assert call(client, "get", register_of(world)).status_code == 404


def test_a_teacher_who_also_leads_lists_the_whole_school(world):
    client = as_user(world.user("teacher+lead@own"))
    data = call(client, "get", pupils_of(world)).json()
    assert data["count"] == 3
    assert call(client, "get", pupils_of(world, "other")).status_code == 404


def test_an_la_lead_sees_pupils_only_while_the_school_shares_them(world):
    la_lead = world.user("la_lead@own")
    client = as_user(la_lead)
    assert call(client, "get", pupils_of(world)).json()["count"] == 3
    assert call(client, "get", record_of(world, "own")).status_code == 200
    assert call(client, "get", register_of(world)).status_code == 200
    assert call(client, "get", pupils_of(world, "peer")).status_code == 404  # no agreement
    assert call(client, "get", pupils_of(world, "other")).status_code == 404  # another LA
    assert call(client, "get", record_of(world, "other")).status_code == 404
    # Reading is not deciding.
    decision = {"status": "removed", "reason": "x"}
    assert call(client, "post", f"{record_of(world, 'own')}/decisions", decision).status_code == 403
    yesterday = timezone.localdate() - timedelta(days=1)
    DataSharingAgreement.objects.filter(school=world.schools["own"]).update(ends_on=yesterday)
    client = as_user(world.user("la_lead@own"))
    assert call(client, "get", pupils_of(world)).status_code == 404
    assert call(client, "get", record_of(world, "own")).status_code == 404
    assert call(client, "get", register_of(world)).status_code == 404
    assert len(reads(la_lead)) == 3


def test_a_pupil_reaches_no_pupil_data(world):
    client = as_user(world.user("pupil@own"))
    assert call(client, "get", record_of(world, "own")).status_code == 404  # not even their own
    assert call(client, "get", pupils_of(world)).status_code == 404
    assert call(client, "get", register_of(world)).status_code == 404
    nomination = {"domains": ["maths"], "summary": "Me"}
    response = call(client, "post", f"{record_of(world, 'own')}/nominations", nomination)
    assert response.status_code == 404
    assert call(client, "get", f"/imports/{world.imports['own'].pk}").status_code == 404


def test_sessions_and_tokens_both_work_and_anonymous_is_401(world, client, client_for):
    assert client.get(f"/api/v1{pupils_of(world)}").status_code == 401
    by_session = client_for(world.user("head@own")).get(f"/api/v1{pupils_of(world)}")
    assert by_session.status_code == 200 and by_session.json()["count"] == 3
    by_token = call(as_user(world.user("head@own")), "get", record_of(world, "own"))
    assert by_token.status_code == 200 and by_token.json()["id"] == world.records["own"].pk


# --- nominating and deciding ---------------------------------------------------------------


def test_nominate_add_evidence_then_decide(world):
    teacher = as_user(world.user("teacher@own"))
    path = record_of(world, "2@own")
    nominated = call(
        teacher,
        "post",
        f"{path}/nominations",
        {"domains": ["music"], "summary": "Composes", "kind": "peer_nomination"},
    )
    assert nominated.status_code == 201, nominated.content
    entry = nominated.json()
    assert (entry["status"], entry["talented"], entry["gifted"]) == ("nominated", True, False)
    assert entry["pupil"] == world.records["2@own"].pk and entry["recorded_by"] == "Teach Own"
    evidence = call(
        teacher,
        "post",
        f"{path}/evidence",
        {"kind": "work_scrutiny", "summary": "Portfolio of scores", "domain": "music"},
    )
    assert evidence.status_code == 201 and evidence.json()["kind"] == "work_scrutiny"
    # Only the coordinator decides.
    decision = {"status": "identified", "domains": ["music"], "reason": "Strong evidence"}
    assert call(teacher, "post", f"{path}/decisions", decision).status_code == 403
    lead = as_user(world.user("leading_teacher@own"))
    decided = call(lead, "post", f"{path}/decisions", decision)
    assert decided.status_code == 201, decided.content
    assert decided.json()["status"] == "identified" and decided.json()["current"] is True
    record = call(lead, "get", path).json()
    assert [e["status"] for e in record["entries"]] == ["identified", "nominated"]
    assert [e["kind"] for e in record["evidence"]] == ["work_scrutiny", "peer_nomination"]
    actions = set(
        AuditEvent.objects.filter(target_id=str(world.records["2@own"].pk)).values_list(
            "action", flat=True
        )
    )
    assert actions >= {"register.nominated", "register.evidence_added", "register.decided"}


def test_a_nomination_may_point_at_the_pupils_own_work(world):
    teacher = as_user(world.user("teacher@own"))
    item = world.items["own"].pk
    body = {"domains": ["science"], "summary": "See this note", "item_id": item}
    response = call(teacher, "post", f"{record_of(world, 'own')}/nominations", body)
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.filter(pupil=world.records["own"]).first()
    assert evidence.item_id == item
    # Another pupil's item, or one the teacher cannot see, is refused by name.
    body["item_id"] = item
    response = call(teacher, "post", f"{record_of(world, '2@own')}/nominations", body)
    assert response.status_code == 400 and "item_id" in response.json()["errors"]
    body["item_id"] = world.items["other"].pk
    response = call(teacher, "post", f"{record_of(world, 'own')}/nominations", body)
    assert response.status_code == 400 and "item_id" in response.json()["errors"]


@pytest.mark.parametrize(
    ("operation", "body", "field"),
    [
        ("nominations", {"domains": [], "summary": "x"}, "domains"),
        ("nominations", {"domains": ["alchemy"], "summary": "x"}, "domains"),
        ("nominations", {"domains": ["maths"], "summary": "x", "kind": "test_score"}, "kind"),
        ("nominations", {"domains": ["maths"], "summary": "  "}, "summary"),
        ("evidence", {"kind": "hearsay", "summary": "x"}, "kind"),
        ("evidence", {"kind": "test_score", "summary": "x", "score": 1e9}, "score"),
        ("decisions", {"status": "famous"}, "status"),
        ("decisions", {"status": "identified"}, "domains"),
        ("decisions", {"status": "removed"}, "reason"),
        ("decisions", {"status": "identified", "domains": ["maths"], "next_review": "2001-01-01"},
         "next_review"),
    ],
)  # fmt: skip
def test_refusals_are_400_with_the_field_named(world, operation, body, field):
    lead = as_user(world.user("leading_teacher@own"))
    before = RegisterEntry.objects.count(), Evidence.objects.count()
    response = call(lead, "post", f"{record_of(world, 'own')}/{operation}", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert response.json()["detail"]
    assert (RegisterEntry.objects.count(), Evidence.objects.count()) == before


def test_identifying_needs_evidence_this_year(world):
    lead = as_user(world.user("leading_teacher@own"))
    body = {"status": "identified", "domains": ["maths"]}
    response = call(lead, "post", f"{record_of(world, '2@own')}/decisions", body)
    assert response.status_code == 400 and "status" in response.json()["errors"]


# --- imports -------------------------------------------------------------------------------


def upload(client, world, data: bytes, name="pupils.xml", **form):
    return client.post(
        f"/api/v1/schools/{world.schools['own'].pk}/imports",
        {"file": SimpleUploadedFile(name, data), **form},
        secure=True,
    )


def small_ctf(count=3) -> bytes:
    return ctf(
        [pupil_xml(n, "names_at_pupil", upn=make_upn(801, 4001, 20, n)) for n in range(count)]
    )


def test_a_ctf_import_checked_confirmed_and_written(world):
    lead_user = world.user("leading_teacher@own")
    lead = as_user(lead_user)
    started = upload(lead, world, small_ctf(), format="ctf")
    assert started.status_code == 202, started.content
    batch = started.json()
    assert (batch["state"], batch["format"], batch["kind"]) == ("checking", "ctf", "pupils")
    assert batch["file_name"] == "pupils.xml" and batch["fields"] == []
    assert check_import.call(batch["id"]) == "checked"
    preview = call(lead, "get", f"/imports/{batch['id']}").json()
    assert preview["state"] == "preview", preview
    assert preview["counts"]["creates"] == 3 and preview["errors"] == []
    assert preview["percent"] == 100 and preview["written"] is None
    # Another school's coordinator cannot see it, a teacher neither.
    other = as_user(world.user("leading_teacher@other"))
    assert call(other, "get", f"/imports/{batch['id']}").status_code == 404
    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "post", f"/imports/{batch['id']}/confirm").status_code == 404
    confirmed = call(lead, "post", f"/imports/{batch['id']}/confirm")
    assert confirmed.status_code == 202 and confirmed.json()["state"] == "writing"
    again = call(lead, "post", f"/imports/{batch['id']}/confirm")
    assert again.status_code == 400 and again.json()["detail"]
    assert write_import.call(batch["id"]) == "written"
    done = call(lead, "get", f"/imports/{batch['id']}").json()
    assert done["state"] == "done" and done["written"]["creates"] == 3
    made = Pupil.objects.filter(school=world.schools["own"], legal_surname__startswith="Surname")
    assert sorted(made.values_list("legal_forename", flat=True)) == [
        "Forename0",
        "Forename1",
        "Forename2",
    ]
    actions = set(AuditEvent.objects.filter(actor=lead_user).values_list("action", flat=True))
    assert {"import.uploaded", "import.confirmed"} <= actions
    assert call(lead, "post", f"/imports/{batch['id']}/cancel").status_code == 400


def test_an_import_can_be_cancelled_before_it_is_confirmed(world):
    lead = as_user(world.user("head@own"))
    batch = upload(lead, world, small_ctf(1)).json()  # the format is guessed from .xml
    assert batch["format"] == "ctf"
    check_import.call(batch["id"])
    cancelled = call(lead, "post", f"/imports/{batch['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert not ImportBatch.objects.get(pk=batch["id"]).file
    assert call(lead, "post", f"/imports/{batch['id']}/confirm").status_code == 400


def test_a_refused_upload_is_400_with_the_field_named(world):
    lead = as_user(world.user("leading_teacher@own"))
    response = upload(lead, world, b"UPN,Surname\n", name="pupils.xml", format="ctf")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    response = upload(lead, world, small_ctf(1), format="ctf", kind="register")
    assert response.status_code == 400 and "kind" in response.json()["errors"]
    response = upload(lead, world, small_ctf(1), format="pdf")
    assert response.status_code == 400 and "format" in response.json()["errors"]
    assert not ImportBatch.objects.exclude(pk__in=[b.pk for b in world.imports.values()]).exists()
    # A class teacher may not import at all.
    teacher = as_user(world.user("teacher@own"))
    assert upload(teacher, world, small_ctf(1)).status_code == 404


def test_a_ctf_needs_no_mapping(world):
    lead = as_user(world.user("leading_teacher@own"))
    batch = world.imports["own"].pk
    response = call(lead, "post", f"/imports/{batch}/mapping", {"mapping": {"upn": "UPN"}})
    assert response.status_code == 400


# --- query budgets -------------------------------------------------------------------------


def grow(world, n: int) -> None:
    """``n`` more pupils at "own", each with FSM, a change, a result, evidence and an entry."""
    school, year = world.schools["own"], academic_year()
    today = timezone.localdate()
    made = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=make_upn(801, 4001, 30, k),
            legal_surname=f"Grown{k:03d}",
            legal_forename="Pupil",
            date_of_birth=date(2014, 1, 1),
            gender="M",
            nc_year="7",
        )
        for k in range(n)
    )
    FsmPeriod.objects.bulk_create(FsmPeriod(pupil=p, start=today) for p in made)
    CharacteristicChange.objects.bulk_create(
        CharacteristicChange(pupil=p, kind="sen", new_value="K", changed_on=today) for p in made
    )
    Evidence.objects.bulk_create(
        Evidence(pupil=p, academic_year=year, kind="test_score", summary="CAT", domain="maths")
        for p in made
    )
    RegisterEntry.objects.bulk_create(
        RegisterEntry(
            pupil=p,
            school=school,
            academic_year=year,
            status="identified",
            gifted=True,
            domains=["maths"],
        )
        for p in made
    )


def api_queries(world, viewers, path) -> dict[str, Queries]:
    counted = {}
    for viewer in viewers:
        client = as_user(world.user(viewer))
        assert call(client, "get", path).status_code == 200  # records the token's first use
        with CaptureQueriesContext(connection) as ctx:
            response = call(client, "get", path)
        assert response.status_code == 200
        counted[viewer] = Queries(q["sql"] for q in ctx.captured_queries)
        counted[viewer].data = response.json()
    return counted


READERS = ["leading_teacher@own", "teacher+lead@own", "la_lead@own"]


@pytest.mark.parametrize("what", ["pupils", "register"])
def test_lists_make_the_same_queries_however_big_the_school(world, what):
    path = pupils_of(world) if what == "pupils" else register_of(world)
    few = api_queries(world, READERS, path)
    grow(world, 60)
    many = api_queries(world, READERS, path)
    assert many == few
    for viewer in READERS:
        assert many[viewer].data["count"] == few[viewer].data["count"] + 60
        assert len(many[viewer].data["items"]) == 50


def test_one_pupil_makes_the_same_queries_however_long_their_history(world):
    path = record_of(world, "own")
    few = api_queries(world, READERS, path)
    pupil, lead = world.records["own"], world.user("leading_teacher@own")
    for k in range(8):
        add_evidence(lead, pupil, kind="test_score", summary=f"CAT {k}", score=120 + k)
        FsmPeriod.objects.create(pupil=pupil, start=date(2015 + k, 9, 1), end=date(2016 + k, 1, 1))
        decide(lead, pupil, status="identified", domains=["maths"], reason=f"Review {k}")
    many = api_queries(world, READERS, path)
    assert many == few
    assert len(many["la_lead@own"].data["entries"]) == 9


def test_a_csv_waits_for_its_mapping_then_is_checked(world):
    lead = as_user(world.user("leading_teacher@own"))
    upns = [make_upn(801, 4001, 21, n) for n in (1, 2)]
    data = (
        "Pupil ref,Family,Given,Born,Sex\n"
        f"{upns[0]},Okafor,Chidi,01/05/2014,M\n"
        f"{upns[1]},Nowak,Zofia,02/06/2014,F\n"
    ).encode()
    started = upload(lead, world, data, name="pupils.csv")
    assert started.status_code == 202, started.content
    batch = started.json()
    assert (batch["state"], batch["format"]) == ("mapping", "csv")
    assert batch["headers"] == ["Pupil ref", "Family", "Given", "Born", "Sex"]
    assert {"upn", "date_of_birth"} <= {f["key"] for f in batch["fields"] if f["required"]}
    path = f"/imports/{batch['id']}/mapping"
    partial = {"upn": "Pupil ref", "legal_surname": "Family", "legal_forename": "Given"}
    refused = call(lead, "post", path, {"mapping": {**partial, "gender": "Nothing"}})
    assert refused.status_code == 400
    assert {"gender", "date_of_birth"} <= set(refused.json()["errors"])
    mapping = {**partial, "date_of_birth": "Born", "gender": "Sex"}
    mapped = call(lead, "post", path, {"mapping": mapping})
    assert mapped.status_code == 202 and mapped.json()["state"] == "checking"
    assert mapped.json()["mapping"] == mapping
    assert check_import.call(batch["id"]) == "checked"
    preview = call(lead, "get", f"/imports/{batch['id']}").json()
    assert (preview["state"], preview["counts"]["creates"]) == ("preview", 2), preview
