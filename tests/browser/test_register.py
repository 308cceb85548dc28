"""The G&T register in the browser: the coordinator imports a CTF (preview, confirm, progress),
nominates a pupil with two kinds of evidence, identifies them and reads the equity check; a
teacher nominates from their group page; the audit log shows both."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import Pupil
from risingtide.register.tasks import check_import, write_import
from risingtide.register.tests import ctf_files
from risingtide.register.upn import make_upn
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home, sign_out

pytestmark = pytest.mark.browser


def test_register_journey(page: Page, tiny_world, tmp_path):
    school = tiny_world.schools["own"]
    ctf = tmp_path / "801200_CTF_1014001_001.xml"
    ctf.write_bytes(
        ctf_files.ctf([ctf_files.pupil_xml(n, "names_in_basic_details") for n in range(40)])
    )

    # The coordinator imports a CTF: the file is checked in the background, then previewed.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.get_by_role("link", name="G&T register").click()
    expect(page.get_by_role("heading", name="G&T register")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="G&T register").get_by_role("link", name="Import").click()
    page.get_by_label("File", exact=True).set_input_files(str(ctf))
    page.get_by_role("button", name="Check the file").click()
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(page.get_by_text("Checking the file")).to_be_visible()
    assert_accessible(page)
    batch = ImportBatch.objects.get(file_name=ctf.name)
    assert check_import.call(batch.pk) == "checked"  # the worker's part
    # The page polls its progress and shows the preview by itself once the check is done.
    expect(page.get_by_role("heading", name="What this file would do")).to_be_visible()
    expect(page.get_by_text("40 new pupils")).to_be_visible()
    expect(page.get_by_text("Riverton Primary")).to_be_visible()
    screenshot(page, "register-import-preview")
    assert_accessible(page)
    on_a_phone(page, "register-import-preview")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Writing to the register")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert write_import.call(batch.pk) == "written"
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    assert Pupil.objects.filter(school=school, upn=make_upn(801, 2000, 15, 7)).exists()

    # Nominate a pupil with two kinds of evidence, then identify them.
    page.get_by_role("link", name="See the pupils").click()
    page.get_by_label("Name or UPN begins with").fill("Surname7")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Surname7, Forename7").click()
    expect(page.get_by_role("heading", name="Forename7 Surname7")).to_be_visible()
    page.get_by_role("link", name="Nominate for the G&T register").click()
    page.get_by_label("Mathematics").check()
    page.get_by_label("What you have seen").fill("Finds general rules from a few examples.")
    page.get_by_role("button", name="Nominate").click()
    expect(page.get_by_text("is nominated")).to_be_visible()
    page.locator("summary", has_text="Add evidence").click()
    page.get_by_label("Kind").select_option("test_score")
    page.get_by_label("Measure").fill("CAT quantitative")
    page.get_by_role("textbox", name="Score (optional)").fill("134")
    page.get_by_label("What it shows").fill("Highest quantitative score in Year 7.")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Evidence added.")).to_be_visible()
    expect(page.locator("strong", has_text="Nomination by a teacher")).to_be_visible()
    expect(page.get_by_text("CAT quantitative: 134")).to_be_visible()
    decide = page.locator("section", has=page.get_by_role("heading", name="Decide"))
    decide.get_by_role("radio", name="Identified", exact=True).check()
    decide.get_by_label("Mathematics").check()
    decide.get_by_label("Meets the national top 5% criteria").check()
    decide.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    history = page.get_by_role("table", name="Every register decision, newest first")
    expect(history.get_by_role("row")).to_have_count(3)  # header, identified, nominated
    screenshot(page, "register-pupil-record")
    assert_accessible(page)
    on_a_phone(page, "register-pupil-record")  # its wide tables scroll in their own boxes

    # The equity check: a chart with its table as the text alternative.
    page.get_by_role("link", name="G&T register").first.click()
    page.get_by_role("navigation", name="G&T register").get_by_role(
        "link", name="Equity check"
    ).click()
    expect(page.get_by_role("img").first).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    screenshot(page, "register-equity")
    assert_accessible(page)
    on_a_phone(page, "register-equity")
    page.get_by_role("navigation", name="G&T register").get_by_role(
        "link", name="Register", exact=True
    ).click()
    expect(page.get_by_role("table").first).to_be_visible()
    on_a_phone(page, "register-list")
    page.get_by_role("navigation", name="G&T register").get_by_role(
        "link", name="Pupils", exact=True
    ).click()
    expect(page.get_by_role("table").first).to_be_visible()
    on_a_phone(page, "register-pupils")
    sign_out(page)

    # A teacher nominates a pupil of their class from the group page.
    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto(f"/groups/{tiny_world.groups['own'].pk}/")
    page.get_by_role("link", name="Nominate Ben Own").click()
    page.get_by_label("Music").check()
    page.get_by_label("What you have seen").fill("Plays by ear and composes short pieces.")
    assert_accessible(page)
    page.get_by_role("button", name="Nominate").click()
    expect(page.get_by_text("is nominated")).to_be_visible()
    sign_out(page)

    # The audit log shows both: the coordinator's and the teacher's.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/schools/{school.pk}/register/audit/")
    log = page.get_by_role("table")
    expect(log.get_by_role("row", name="Teach Own Nominated a pupil Ben Own")).to_be_visible()
    expect(
        log.get_by_role("row", name="Lead Own Decided an identification Forename7")
    ).to_be_visible()
    expect(log.get_by_role("row", name="Lead Own Confirmed an import").first).to_be_visible()
    screenshot(page, "register-audit")
    assert_accessible(page)
    on_a_phone(page, "register-audit")


def test_csv_mapping_screening_export_and_sharing(page: Page, tiny_world, tmp_path):
    from risingtide.register.tests import tabular_files

    school = tiny_world.schools["own"]
    csv_file = tmp_path / "arbor-export.csv"
    csv_file.write_bytes(tabular_files.csv_bytes(12, "arbor"))

    # A CSV: the coordinator checks the guessed column mapping, then the preview.
    sign_in_and_land_home(page, "lead.own", TinyWorld.PASSWORD)
    page.goto(f"/schools/{school.pk}/register/imports/")
    page.get_by_label("File", exact=True).set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Match the file's columns")).to_be_visible()
    expect(page.get_by_label("UPN (required)")).not_to_have_value("")
    screenshot(page, "register-import-mapping")
    assert_accessible(page)
    on_a_phone(page, "register-import-mapping")
    # This export names another school's URN on every row: leave that column out.
    page.get_by_label("School URN").select_option("")
    page.get_by_role("button", name="Check the file").click()
    batch = ImportBatch.objects.get(file_name=csv_file.name)
    assert check_import.call(batch.pk) == "checked"
    expect(page.get_by_text("12 new pupils")).to_be_visible()

    # A file with two bad rows is blocked, and its bad rows come back to fix in a spreadsheet.
    bad_file = tmp_path / "arbor-with-errors.csv"
    bad_file.write_bytes(
        tabular_files.csv_bytes(12, "arbor", {3: "wrong_check_letter", 7: "unknown_ethnicity"})
    )
    page.goto(f"/schools/{school.pk}/register/imports/")
    page.get_by_label("File", exact=True).set_input_files(str(bad_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_label("School URN")).to_have_value("")  # the mapping kept from before
    page.get_by_role("button", name="Check the file").click()
    assert check_import.call(ImportBatch.objects.get(file_name=bad_file.name).pk) == "checked"
    page.reload()
    expect(page.get_by_text("Blocked: 2 rows to fix")).to_be_visible()
    link = page.get_by_role("link", name="Download the 2 rows to fix (CSV)")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith("-rows-to-fix.csv")
    fixes = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert fixes[0][:2] == ["UPN", "Legal first name"] and fixes[0][-2:] == ["row", "errors"]
    assert [(row[-2], row[-1].split(":")[0]) for row in fixes[1:]] == [
        ("5", "UPN"),
        ("9", "Ethnicity code"),
    ]
    screenshot(page, "register-import-blocked")
    assert_accessible(page)
    on_a_phone(page, "register-import-blocked")

    # The screening list and the export, which asks why.
    page.goto(f"/schools/{school.pk}/register/screening/")
    expect(page.get_by_role("heading", name="Screening")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/schools/{school.pk}/register/export/")
    page.get_by_label("The register (Excel)").check()
    expect(page.get_by_label("Why")).to_have_attribute("required", "")  # no export without
    assert_accessible(page)
    page.get_by_label("Why").select_option("governors")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export").click()
    assert download.value.path().read_bytes()[:2] == b"PK"
    sign_out(page)

    # The head records the school's data-sharing agreement with the LA.
    sign_in_and_land_home(page, "head.own", TinyWorld.PASSWORD)
    page.goto(f"/schools/{school.pk}/register/sharing/")
    page.get_by_label("Reference").fill("DSA-2027")
    page.get_by_label("In force from").fill("2026-09-01")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("table", name="Agreements")).to_contain_text("DSA-2027")
    assert_accessible(page)
