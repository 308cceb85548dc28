"""A blocked import's rows to fix, downloaded as CSV: the file's own columns in its order for the
bad rows only, with ``row`` and ``errors``; formulas made harmless; guarded as the import's page
is; a CTF's rows by UPN; every error, even past those the check keeps with the batch."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from risingtide.audit.models import AuditEvent
from risingtide.register import import_comparison, rows_to_fix
from risingtide.register.import_batches import ImportBatch
from risingtide.register.tasks import check_import
from risingtide.register.tests import ctf_files, tabular_files

pytestmark = pytest.mark.django_db
SIMS = list(tabular_files.STYLES["sims"].values())


def _csv_file(count: int, bad: dict[int, str], change=None) -> tuple[bytes, list[list[str]]]:
    """A SIMS-like CSV of ``count`` pupils with ``bad`` faults; ``change(rows)`` edits its rows
    (header first) before they are written. The bytes and the rows as written."""
    table = [[str(cell) for cell in row] for row in tabular_files.records(count, "sims", bad)]
    if change:
        change(table)
    out = io.StringIO(newline="")
    csv.writer(out).writerows(table)
    return out.getvalue().encode(), table


def _checked(client, school, name: str, data: bytes, fmt: str) -> ImportBatch:
    """Uploaded through the page, mapped as guessed (CSV and XLSX) and checked."""
    client.post(
        reverse("register:register_imports", args=[school.pk]),
        {"file": SimpleUploadedFile(name, data), "format": fmt, "kind": "pupils"},
    )
    batch = ImportBatch.objects.get(file_name=name)
    if batch.state == ImportBatch.State.MAPPING:
        form = {f"map_{k}": v for k, v in batch.mapping.items()}
        client.post(reverse("register:register_import_mapping", args=[batch.pk]), form)
    assert check_import.call(batch.pk) == "checked"
    batch.refresh_from_db()
    return batch


def _download(client, batch):
    return client.get(reverse("register:register_import_rows_to_fix", args=[batch.pk]))


def _read(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_bad_rows_come_back_as_the_file_had_them_with_their_errors(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))

    def spoil(table):
        table[5][SIMS.index("Ethnicity")] = "ZZZZ"  # pupil 4: a second problem in one row
        table[9][SIMS.index("Legal Surname")] = '=HYPERLINK("http://x.example","Hi")'
        table[9][SIMS.index("Preferred Forename")] = "@SUM(A1)"

    data, table = _csv_file(12, {1: "wrong_check_letter", 4: "future_dob", 8: "missing_upn"}, spoil)
    batch = _checked(lead, world.schools["own"], "pupils.csv", data, "csv")
    assert batch.state_label == "Blocked: 3 rows to fix"
    response = _download(lead, batch)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="import-{batch.pk}-rows-to-fix.csv"'
    )
    got = _read(response)
    assert got[0] == [*SIMS, "row", "errors"]
    assert [row[-2] for row in got[1:]] == ["3", "6", "10"]  # the file's rows, in its order
    assert got[1][:-2] == table[2]  # exactly as uploaded
    assert got[2][:-2] == table[5]
    errors = dict((row[-2], row[-1]) for row in got[1:])
    assert errors["3"].startswith("UPN: ")
    dob, ethnicity = errors["6"].split("; ")
    assert dob.startswith("DOB: ") and "future" in dob
    assert ethnicity.startswith("Ethnicity: ") and "ZZZZ" in ethnicity
    assert errors["10"] == "UPN: missing"
    # A formula in the file is text in the download (CSV injection).
    formula_row = got[3]
    assert formula_row[SIMS.index("Legal Surname")] == '\'=HYPERLINK("http://x.example","Hi")'
    assert formula_row[SIMS.index("Preferred Forename")] == "'@SUM(A1)"
    event = AuditEvent.objects.get(action="register.exported")
    assert event.detail["why"] == "Import rows to fix" and event.school == world.schools["own"]


def test_the_import_page_offers_the_download_only_while_blocked(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    data, _ = _csv_file(6, {2: "unknown_ethnicity", 3: "bad_yes_no"})
    batch = _checked(lead, world.schools["own"], "blocked.csv", data, "csv")
    page = lead.get(reverse("register:register_import", args=[batch.pk])).text
    link = reverse("register:register_import_rows_to_fix", args=[batch.pk])
    assert f'<a href="{link}" download>Download the 2 rows to fix (CSV)</a>' in page
    lead.post(reverse("register:register_import_cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert not rows_to_fix.available(batch)  # cancelled: the file has gone
    assert link not in lead.get(reverse("register:register_import", args=[batch.pk])).text
    answer = _download(lead, batch)
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "register:register_import", args=[batch.pk]
    )
    assert "This import has no rows to fix to download" in lead.get(answer["Location"]).text
    clean, _ = _csv_file(4, {})
    good = _checked(lead, world.schools["own"], "clean.csv", clean, "csv")
    assert "rows to fix" not in lead.get(reverse("register:register_import", args=[good.pk])).text
    assert _download(lead, good).status_code == 302


@pytest.mark.parametrize(
    "who",
    ["leading_teacher@other", "head@other", "teacher@own", "la_lead@own", "pupil@own"],
)
def test_only_those_who_see_the_import_download_its_rows(world, client_for, who):
    lead = client_for(world.user("leading_teacher@own"))
    data, _ = _csv_file(4, {1: "wrong_check_letter"})
    batch = _checked(lead, world.schools["own"], "guarded.csv", data, "csv")
    other = client_for(world.user(who))
    page = other.get(reverse("register:register_import", args=[batch.pk])).status_code
    assert page in (403, 404)
    assert _download(other, batch).status_code == page
    head = client_for(world.user("head@own"))
    assert _download(head, batch).status_code == 200


def test_a_workbooks_cells_come_back_as_a_spreadsheet_shows_them(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    data = tabular_files.xlsx_bytes(5, "sims", {3: "unknown_ethnicity"})
    batch = _checked(lead, world.schools["own"], "pupils.xlsx", data, "xlsx")
    got = _read(_download(lead, batch))
    assert got[0] == [*SIMS, "row", "errors"]
    (row,) = got[1:]
    pupil = tabular_files.pupil(3, "sims")
    assert row[SIMS.index("UPN")] == pupil["upn"]
    assert row[SIMS.index("NC Year Actual")] == pupil["nc_year"]  # 8, not 8.0
    born = pupil["date_of_birth"]  # dd/mm/yyyy in the file, a date in the workbook
    assert row[SIMS.index("DOB")] == f"{born[6:]}-{born[3:5]}-{born[:2]}"
    assert row[-2:] == ["5", "Ethnicity: " + row[-1].split(": ", 1)[1]]
    assert "ZZZZ" in row[-1]


def test_a_ctfs_rows_come_as_upn_row_and_errors(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    pupils = [ctf_files.pupil_xml(n, "names_at_pupil") for n in range(3)]
    pupils.append(ctf_files.pupil_xml(9, "names_at_pupil", dob="2999-01-01"))
    batch = _checked(lead, world.schools["own"], "bad.xml", ctf_files.ctf(pupils), "ctf")
    got = _read(_download(lead, batch))
    assert got[0] == ["UPN", "row", "errors"]
    (row,) = got[1:]
    assert row[0] == batch.summary["errors"][0]["upn"] and row[1] == "4"
    assert "2999-01-01 is in the future" in row[2]


def test_every_error_comes_even_past_those_kept_with_the_batch(world, client_for, monkeypatch):
    monkeypatch.setattr(import_comparison, "KEEP_ERRORS", 2)
    lead = client_for(world.user("leading_teacher@own"))
    data, _ = _csv_file(10, {n: "unknown_ethnicity" for n in (1, 3, 5, 7)})
    batch = _checked(lead, world.schools["own"], "many.csv", data, "csv")
    assert len(batch.summary["errors"]) == 2 and batch.error_count == 4
    got = _read(_download(lead, batch))
    assert [row[-2] for row in got[1:]] == ["3", "5", "7", "9"]
    assert all(row[-1].startswith("Ethnicity: ") for row in got[1:])


def test_a_row_longer_than_the_header_keeps_row_and_errors_apart(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))

    def stray(table):
        table[2].append("a note someone typed")

    data, table = _csv_file(3, {1: "wrong_check_letter"}, stray)
    batch = _checked(lead, world.schools["own"], "stray.csv", data, "csv")
    got = _read(_download(lead, batch))
    assert got[0] == [*SIMS, "", "row", "errors"]
    assert got[1][: len(SIMS) + 1] == table[2] and got[1][-2] == "3"
