"""Privacy in the browser: the head answers a subject-access request for a pupil (the export is
made in the background with its progress on the page, then downloaded: a ZIP whose summary is
plain and accessible), then erases the pupil after a confirmation that names what goes and
says it cannot be undone."""

import zipfile

import pytest
from playwright.sync_api import Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.privacy.models import SubjectAccessExport
from risingtide.privacy.tasks import make_subject_access_export
from risingtide.register.models import Pupil
from tests.browser.axe import assert_accessible
from tests.browser.steps import on_a_phone, screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_a_head_exports_then_erases_a_pupil(page: Page, tiny_world, browser, tmp_path):
    record = tiny_world.records["own"]
    sign_in_and_land_home(page, "head.own", TinyWorld.PASSWORD)
    page.goto(f"/register/pupils/{record.pk}/")
    page.get_by_role("link", name="Export or erase their personal data").click()
    expect(page.get_by_role("heading", name="Personal data Ada Own")).to_be_visible()
    screenshot(page, "privacy-pupil")
    assert_accessible(page)
    on_a_phone(page, "privacy-pupil")

    # Ask for the export: the page shows it waiting, then (once the worker has made it) ready.
    page.get_by_role("button", name="Make an export").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page)
    export = SubjectAccessExport.objects.get(pupil=record)
    assert make_subject_access_export.call(export.pk) == "done"  # the worker's part
    link = page.get_by_role("link", name="Download the export (ZIP)")
    expect(link).to_be_visible()  # the page polled until it was made
    screenshot(page, "privacy-export-ready")
    with page.expect_download() as download:
        link.click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "data/register.json" in archive.namelist()
        archive.extractall(tmp_path)
    # The summary in the ZIP reads well and is accessible on its own, opened from the disk.
    summary = browser.new_page(viewport={"width": 1280, "height": 800})
    summary.goto((tmp_path / "index.html").as_uri())
    expect(summary.get_by_role("heading", name="Everything held about Ada Own")).to_be_visible()
    expect(summary.get_by_text("Solves problems well beyond Year 7.").first).to_be_visible()
    screenshot(summary, "privacy-export-summary")
    assert_accessible(summary)
    summary.close()

    # Erase: the confirmation names what goes and what stays, and that only a backup undoes it.
    page.goto(f"/privacy/pupils/{record.pk}/")
    page.get_by_role("link", name="See what erasing them removes").click()
    expect(page.get_by_role("heading", name="This cannot be undone")).to_be_visible()
    expect(page.get_by_text("only from a backup")).to_be_visible()
    expect(page.get_by_role("table", name="Kept")).to_contain_text("Audit events")
    expect(page.get_by_role("table", name="Removed or replaced", exact=False)).to_contain_text(
        "Register entries"
    )
    screenshot(page, "privacy-erase-confirm")
    assert_accessible(page)
    on_a_phone(page, "privacy-erase-confirm")
    understood = page.get_by_label("I understand that this cannot be undone")
    page.get_by_role("button", name="Erase Ada Own for good").click()  # not ticked: not sent
    expect(understood).to_have_attribute("required", "")
    expect(page.get_by_role("heading", name="This cannot be undone")).to_be_visible()
    assert Pupil.objects.get(pk=record.pk).on_roll
    understood.check()
    page.get_by_role("button", name="Erase Ada Own for good").click()
    expect(page.get_by_text("The pupil has been erased.")).to_be_visible()
    expect(page.get_by_role("heading", name="Personal data an erased pupil")).to_be_visible()
    screenshot(page, "privacy-erased")
    assert_accessible(page)
    assert Pupil.objects.get(pk=record.pk).legal_surname == "Erased"


def test_an_export_whose_worker_stopped_says_so_and_can_be_asked_for_again(page: Page, tiny_world):
    """An export left running by a worker that was killed (older than any export takes) shows
    as stopped, in words, not as a bar that never moves; asking again clears it and starts
    afresh."""
    from datetime import timedelta

    from django.utils import timezone

    record = tiny_world.records["own"]
    head = tiny_world.users["head@own"]
    stopped = SubjectAccessExport.objects.create(
        school=record.school,
        pupil=record,
        subject_name="Ada Own",
        requested_by=head,
        state=SubjectAccessExport.State.RUNNING,
        done=3,
        total=12,
    )
    SubjectAccessExport.objects.filter(pk=stopped.pk).update(
        created_at=timezone.now() - timedelta(hours=3)
    )
    sign_in_and_land_home(page, "head.own", TinyWorld.PASSWORD)
    page.goto(f"/privacy/pupils/{record.pk}/")
    alert = page.get_by_role("alert").filter(has_text="The export stopped part-way")
    expect(alert).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_count(0)
    screenshot(page, "privacy-export-stalled")
    assert_accessible(page)
    on_a_phone(page, "privacy-export-stalled")

    page.get_by_role("button", name="Make an export").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    stopped.refresh_from_db()
    assert stopped.state == SubjectAccessExport.State.FAILED
    assert SubjectAccessExport.objects.filter(pupil=record).count() == 2
