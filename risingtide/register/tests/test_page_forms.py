"""The register's page forms through Django's test client: a bad number or date is refused on
its field, a service's refusal lands on the field it names (or above the form), the field says
so to assistive technology (aria-invalid, aria-describedby), and nothing is half-written."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.register.import_batches import ColumnMapping, ImportBatch
from risingtide.register.models import Criteria, DataSharingAgreement, Evidence, RegisterEntry

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.by_name: dict[str, list[dict]] = {}

    def handle_starttag(self, tag, attrs):
        found = {"tag": tag, **{k: v or "" for k, v in attrs}}
        if "id" in found:
            self.by_id[found["id"]] = found
        if "name" in found:
            self.by_name.setdefault(found["name"], []).append(found)


def _elements(response) -> _Elements:
    parsed = _Elements()
    parsed.feed(response.text)
    return parsed


def assert_refused_on(response, field_id: str, reason: str) -> None:
    """The page was refused (400), and ``reason`` is said beside the field and tied to it."""
    assert response.status_code == 400
    page = _elements(response)
    error = f'id="{field_id}_error">'
    assert error in response.text, f"no error beside {field_id}"
    said = response.text.split(error, 1)[1].split("<", 1)[0]
    assert reason in said.replace("&#x27;", "'"), said
    widget = page.by_id[field_id]
    assert widget.get("aria-invalid") == "true", widget
    assert f"{field_id}_error" in widget.get("aria-describedby", ""), widget


def _lead(world, client_for):
    return client_for(world.user("leading_teacher@own"))


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("progress_threshold", "lots", "Give a number."),
        ("progress_threshold", "nan", "Give a number."),
        ("equity_fraction", "inf", "Give a number."),
        ("equity_fraction", "-1e999", "Give a number."),
        ("top_percent", "1.5", "Give a whole number."),
        ("top_percent", "", "Give a whole number."),
        ("min_group_size", "ten", "Give a whole number."),
        # The model's own limits, on the field they limit.
        ("top_percent", "80", "less than or equal to 50"),
        ("equity_fraction", "0.05", "greater than or equal to 0.1"),
    ],
)
def test_criteria_refuse_a_bad_number_on_its_field(world, client_for, field, value, reason):
    school = world.schools["own"]
    good = {
        "top_percent": "10",
        "progress_threshold": "1.5",
        "equity_fraction": "0.8",
        "min_group_size": "5",
    }
    response = _lead(world, client_for).post(
        reverse("register:register_criteria", args=[school.pk]), {**good, field: value}
    )
    assert_refused_on(response, f"id_{field}", reason)
    assert not Criteria.objects.filter(school=school).exists()  # nothing saved
    assert "Nothing was saved" in response.text
    # What was typed is shown back, to be corrected.
    assert _elements(response).by_id[f"id_{field}"].get("value", "") == value


def test_criteria_are_saved_from_good_numbers(world, client_for):
    school = world.schools["own"]
    response = _lead(world, client_for).post(
        reverse("register:register_criteria", args=[school.pk]),
        {"top_percent": "12", "progress_threshold": "2", "equity_fraction": "0.75",
         "min_group_size": "8"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = Criteria.objects.get(school=school)
    assert (saved.top_percent, saved.equity_fraction, saved.min_group_size) == (12, 0.75, 8)


def test_an_empty_post_is_refused_field_by_field(world, client_for):
    response = _lead(world, client_for).post(
        reverse("register:register_criteria", args=[world.schools["own"].pk]), {}
    )
    for field in ("top_percent", "progress_threshold", "equity_fraction", "min_group_size"):
        assert_refused_on(response, f"id_{field}", "Give a")


@pytest.mark.parametrize("score", ["lots", "nan", "inf", "1e999"])
def test_evidence_refuses_a_score_that_is_no_number(world, client_for, score):
    record = world.records["own"]
    before = Evidence.objects.count()
    response = _lead(world, client_for).post(
        reverse("register:register_evidence", args=[record.pk]),
        {"kind": "test_score", "summary": "CAT", "score": score},
    )
    assert_refused_on(response, "ev-score", "The score is a number, e.g. 124.")
    assert Evidence.objects.count() == before
    # The record is shown again with the evidence form open and what was typed in it.
    assert "<details open>" in response.text and 'value="CAT"' not in response.text
    assert "CAT</textarea>" in response.text


def test_a_score_out_of_range_is_the_services_refusal_on_its_field(world, client_for):
    record = world.records["own"]
    before = Evidence.objects.count()
    response = _lead(world, client_for).post(
        reverse("register:register_evidence", args=[record.pk]),
        {"kind": "test_score", "summary": "CAT", "score": "1e7"},
    )
    assert_refused_on(response, "ev-score", "That score is out of range.")
    assert Evidence.objects.count() == before


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["soon", "2026-13-01", "01/09/2026", "2026-02-30"])
def test_an_agreement_refuses_a_bad_date_on_its_field(world, client_for, day):
    school = world.schools["other"]
    head = client_for(world.user("head@other"))
    response = head.post(
        reverse("register:register_sharing", args=[school.pk]),
        {"reference": "DSA-1", "starts_on": day},
    )
    assert_refused_on(response, "id_starts_on", "Give the date as YYYY-MM-DD.")
    assert not DataSharingAgreement.objects.filter(school=school).exists()


def test_an_agreement_that_ends_before_it_starts_is_refused_on_its_end(world, client_for):
    school = world.schools["other"]
    head = client_for(world.user("head@other"))
    response = head.post(
        reverse("register:register_sharing", args=[school.pk]),
        {"reference": "DSA-1", "starts_on": "2026-09-01", "ends_on": "2026-01-01"},
    )
    assert_refused_on(response, "id_ends_on", "The agreement ends before it starts.")
    assert not DataSharingAgreement.objects.filter(school=school).exists()
    assert not AuditEvent.objects.filter(action="register.sharing_recorded").exists()


def test_ending_an_agreement_that_is_not_the_schools_is_refused(world, client_for):
    own_agreement = world.schools["own"].sharing.get()
    head = client_for(world.user("head@other"))
    url = reverse("register:register_sharing", args=[world.schools["other"].pk])
    for end in (str(own_agreement.pk), "x", "99999999999999999999999"):
        response = head.post(url, {"end": end})
        assert response.status_code == 400 and "No such agreement." in response.text
    own_agreement.refresh_from_db()
    assert own_agreement.ends_on is None


def test_a_decision_refuses_a_bad_review_date_and_writes_nothing(world, client_for):
    record = world.records["own"]
    before = RegisterEntry.objects.filter(pupil=record).count()
    response = _lead(world, client_for).post(
        reverse("register:register_decide", args=[record.pk]),
        {"status": "identified", "domains": ["maths"], "next_review": "next term"},
    )
    assert_refused_on(response, "d-next_review", "Give the date as YYYY-MM-DD.")
    assert RegisterEntry.objects.filter(pupil=record).count() == before
    assert not AuditEvent.objects.filter(action="register.decided").exists()


# --- the services' refusals, on the fields they name ------------------------------------------


def test_identifying_without_a_domain_is_refused_on_the_domains(world, client_for):
    record = world.records["own"]
    before = RegisterEntry.objects.filter(pupil=record).count()
    response = _lead(world, client_for).post(
        reverse("register:register_decide", args=[record.pk]), {"status": "identified"}
    )
    assert response.status_code == 400
    reason = "Choose the domains the pupil is identified in."
    assert '<fieldset class="has-error" aria-describedby="d-domains_error">' in response.text
    assert f'id="d-domains_error">{reason}</p>' in response.text
    assert RegisterEntry.objects.filter(pupil=record).count() == before
    # The decision chosen is still chosen.
    chosen = [r for r in _elements(response).by_name["status"] if "checked" in r]
    assert [r["value"] for r in chosen] == ["identified"]


def test_removing_without_a_reason_is_refused_on_the_reason(world, client_for):
    record = world.records["own"]
    response = _lead(world, client_for).post(
        reverse("register:register_decide", args=[record.pk]), {"status": "removed", "reason": "  "}
    )
    assert_refused_on(response, "d-reason", "Say why: the pupil and their parents may ask.")


def test_a_nomination_pointing_at_another_pupils_work_writes_nothing(world, client_for):
    record = world.records["own"]
    lead = _lead(world, client_for)
    entries, evidence = RegisterEntry.objects.count(), Evidence.objects.count()
    response = lead.post(
        reverse("register:register_nominate", args=[record.pk]),
        {"summary": "Writes poems.", "domains": ["english"], "item": world.items["own2"].pk},
    )
    assert_refused_on(response, "n-item", "That is not an item in this pupil's portfolios.")
    assert (RegisterEntry.objects.count(), Evidence.objects.count()) == (entries, evidence)
    # Their own work is taken.
    response = lead.post(
        reverse("register:register_nominate", args=[record.pk]),
        {"summary": "Writes poems.", "domains": ["english"], "item": world.items["own"].pk},
    )
    assert response.status_code == 302
    assert Evidence.objects.filter(pupil=record, item=world.items["own"]).exists()


def test_a_nomination_refuses_an_unknown_domain_and_kind(world, client_for):
    record = world.records["own"]
    response = _lead(world, client_for).post(
        reverse("register:register_nominate", args=[record.pk]),
        {"summary": "Sings.", "domains": ["singing"], "kind": "teacher_assessment"},
    )
    assert response.status_code == 400
    assert 'id="n-domains_error">Unknown domain: singing</p>' in response.text
    assert_refused_on(response, "n-kind", "Say who nominates: a teacher, the pupil")


def test_a_leavers_destination_must_be_codes(world, client_for):
    record = world.records["own"]
    response = _lead(world, client_for).post(
        reverse("register:register_leaver_ctf", args=[record.pk]),
        {"why": "transfer", "dest_la": "Leeds", "dest_estab": "12"},
    )
    assert_refused_on(response, "ctf-dest_la", "An LA code is 3 digits.")
    assert_refused_on(response, "ctf-dest_estab", "An establishment number is 4 digits.")
    assert not AuditEvent.objects.filter(action="register.exported").exists()


def test_an_export_for_another_reason_says_what_for(world, client_for):
    url = reverse("register:register_export", args=[world.schools["own"].pk])
    client = _lead(world, client_for)
    response = client.post(url, {"what": "csv", "why": "other", "why_other": "  "})
    assert_refused_on(response, "x-why_other", "Say what the export is for.")
    assert not AuditEvent.objects.filter(action="register.exported").exists()
    response = client.post(url, {"what": "csv", "why": "other", "why_other": "Moderation"})
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="register.exported").detail["why"] == "Other: Moderation"


# --- imports ----------------------------------------------------------------------------------


def _mapping_batch(world) -> ImportBatch:
    return ImportBatch.objects.create(
        school=world.schools["own"],
        uploaded_by=world.users["leading_teacher@own"],
        file_name="p.csv",
        sha256="7" * 64,
        format="csv",
        state=ImportBatch.State.MAPPING,
        summary={"headers": ["UPN", "Surname", "Forename", "DOB", "Sex"]},
    )


def test_a_mapping_names_only_the_files_columns(world, client_for):
    batch = _mapping_batch(world)
    response = _lead(world, client_for).post(
        reverse("register:register_import_mapping", args=[batch.pk]),
        {"map_upn": "Pupil number", "map_legal_surname": "Surname"},
    )
    assert_refused_on(response, "id_map_upn", "The file has no column 'Pupil number'.")
    assert_refused_on(response, "id_map_legal_forename", "Choose the column that holds")
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.MAPPING
    assert not ColumnMapping.objects.exists()


def test_one_column_for_two_fields_is_refused_above_the_form(world, client_for):
    batch = _mapping_batch(world)
    mapping = {"map_upn": "UPN", "map_legal_surname": "Surname", "map_legal_forename": "Surname",
               "map_date_of_birth": "DOB", "map_gender": "Sex"}  # fmt: skip
    response = _lead(world, client_for).post(
        reverse("register:register_import_mapping", args=[batch.pk]), mapping
    )
    assert response.status_code == 400, response.text
    summary = response.text.split('id="error-title"', 1)[1].split("</div>", 1)[0]
    assert "The column &#x27;Surname&#x27; is chosen for two fields." in summary
    assert not ColumnMapping.objects.exists()
    # What was chosen is shown back.
    chosen = _elements(response).by_id["id_map_legal_forename"]
    assert chosen["tag"] == "select"
    assert '<option value="Surname" selected>' in response.text


def test_an_import_without_a_file_is_refused_on_the_file(world, client_for):
    response = _lead(world, client_for).post(
        reverse("register:register_imports", args=[world.schools["own"].pk]), {"kind": "pupils"}
    )
    assert_refused_on(response, "i-file", "Choose a file.")
    assert not ImportBatch.objects.filter(file_name="").exists()


def test_a_nominated_pupils_record_leads_to_the_decision_and_back_to_the_history(world, client_for):
    record = world.records["own"]  # the tiny world nominated them
    lead = _lead(world, client_for)
    page = lead.get(reverse("register:register_pupil", args=[record.pk])).content.decode()
    assert '<a href="#decide">Decide now</a>' in page and 'id="decide"' in page
    response = lead.post(
        reverse("register:register_decide", args=[record.pk]),
        {"status": "identified", "domains": ["maths"]},
    )
    # Back where the new decision heads the history table (site.js focuses it).
    assert response["Location"].endswith("#history")
    page = lead.get(reverse("register:register_pupil", args=[record.pk])).content.decode()
    assert "Decide now" not in page  # decided: nothing waits
