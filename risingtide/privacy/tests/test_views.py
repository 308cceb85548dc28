"""The privacy pages: who may ask for an export and erase a pupil, the fresh check, the
download only by the one who asked, its days, and constant query counts."""

import time
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from risingtide.access.policy import capability
from risingtide.audit.models import AuditEvent
from risingtide.privacy import services
from risingtide.privacy.erasing import is_erased
from risingtide.privacy.models import SubjectAccessExport
from risingtide.register.models import Pupil
from risingtide.twofactor import policy

pytestmark = pytest.mark.django_db
CONFIRM = reverse("twofactor:confirm")


def _url(name, pk):
    return reverse(f"privacy:{name}", args=[pk])


def _ask(client, record) -> SubjectAccessExport:
    """Ask through the page; the task's work is run here (as the worker would)."""
    assert client.post(_url("pupil_export", record.pk)).status_code == 302
    export = SubjectAccessExport.objects.latest("pk")
    assert services.make_export(export.pk) == "done"
    return export


@pytest.mark.parametrize(
    "name",
    [
        "pupil_record.export_personal_data",
        "pupil_record.erase",
        "staff_member.export_personal_data",
        "subject_access_export.download",
    ],
)
def test_asking_erasing_and_downloading_need_a_fresh_check(name):
    assert capability(name).fresh


def test_the_head_asks_for_an_export_sees_it_ready_and_alone_downloads_it(world, client_for):
    record = world.records["own"]
    head = client_for(world.user("head@own"))
    page = head.get(_url("pupil", record.pk))
    assert page.status_code == 200 and "Make an export" in page.text
    assert "See what erasing them removes" in page.text
    export = _ask(head, record)
    assert AuditEvent.objects.filter(
        action="privacy.export_requested", target_id=str(record.pk)
    ).exists()
    fragment = head.get(_url("export", export.pk))
    assert "Download the export (ZIP)" in fragment.text
    answer = head.get(_url("export_zip", export.pk))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert "attachment" in answer["Content-Disposition"]
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert "index.html" in zipfile.ZipFile(BytesIO(body)).namelist()
    assert AuditEvent.objects.filter(action="privacy.export_downloaded").count() == 1
    # The leading teacher may ask too, but not take the head's export.
    lead = client_for(world.user("leading_teacher@own"))
    assert lead.get(_url("pupil", record.pk)).status_code == 200
    assert lead.get(_url("export_zip", export.pk)).status_code == 404
    assert lead.get(_url("export", export.pk)).status_code == 404


def test_a_teacher_and_another_school_may_not(world, client_for):
    record = world.records["own"]
    assert client_for(world.user("teacher@own")).get(_url("pupil", record.pk)).status_code == 403
    assert client_for(world.user("head@other")).get(_url("pupil", record.pk)).status_code == 404
    lead = client_for(world.user("leading_teacher@own"))
    assert lead.get(_url("erase", record.pk)).status_code == 403


def test_a_stale_session_confirms_first(world, client_for):
    head = client_for(world.user("head@own"))
    session = head.session
    session[policy.CHECKED_AT] = time.time() - 3600
    session.save()
    url = _url("erase", world.records["own"].pk)
    assert head.get(url)["Location"].startswith(CONFIRM)


def test_an_export_goes_when_its_days_are_up(world, client_for, django_capture_on_commit_callbacks):
    head = client_for(world.user("head@own"))
    export = _ask(head, world.records["own"])
    export.refresh_from_db()
    name = export.archive.name
    assert default_storage.exists(name)
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert head.get(_url("export_zip", export.pk)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_expired() == 1
    assert not default_storage.exists(name)
    assert SubjectAccessExport.objects.get(pk=export.pk).state == "removed"
    assert "removed when its days were up" in head.get(_url("pupil", export.pupil_id)).text


def test_an_export_whose_worker_was_killed_says_so_and_may_be_asked_again(world, client_for):
    head = client_for(world.user("head@own"))
    record = world.records["own"]
    assert head.post(_url("pupil_export", record.pk)).status_code == 302
    export = SubjectAccessExport.objects.latest("pk")
    SubjectAccessExport.objects.filter(pk=export.pk).update(state="running", done=3, total=9)
    assert "33%" in head.get(_url("export", export.pk)).text  # still being made: polls
    assert head.post(_url("pupil_export", record.pk)).status_code == 302  # refused: busy
    assert SubjectAccessExport.objects.count() == 1
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - timedelta(hours=3)
    )
    fragment = head.get(_url("export", export.pk)).text
    assert "stopped part-way" in fragment and "hx-trigger" not in fragment  # no more polling
    assert head.post(_url("pupil_export", record.pk)).status_code == 302
    assert SubjectAccessExport.objects.count() == 2  # asked again
    export.refresh_from_db()
    assert export.state == "failed" and "stopped part-way" in export.message


def test_erasing_asks_to_confirm_then_erases(world, client_for):
    record = world.records["own"]
    head = client_for(world.user("head@own"))
    page = head.get(_url("erase", record.pk))
    assert page.status_code == 200
    assert "only from a backup" in page.text and "What stays, and why" in page.text
    refused = head.post(_url("erase", record.pk), {})
    assert refused.status_code == 200 and "cannot be undone" in refused.text
    assert not is_erased(Pupil.objects.get(pk=record.pk))
    done = head.post(_url("erase", record.pk), {"understood": "on"})
    assert done["Location"] == _url("pupil", record.pk)
    assert is_erased(Pupil.objects.get(pk=record.pk))
    after = head.get(_url("pupil", record.pk))
    assert "has been erased" in after.text and "Make an export" not in after.text
    assert head.get(_url("erase", record.pk)).status_code == 302


def test_a_member_of_staffs_export(world, client_for):
    head = client_for(world.user("head@own"))
    staff = world.user("leading_teacher@own")
    assert head.get(_url("staff", staff.pk)).status_code == 200
    assert head.post(_url("staff_export", staff.pk)).status_code == 302
    export = SubjectAccessExport.objects.get(staff=staff)
    assert services.make_export(export.pk) == "done"
    export.refresh_from_db()
    with zipfile.ZipFile(export.archive.open("rb")) as archive:
        assert "data/register.json" in archive.namelist()  # the import they uploaded


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_query_counts_do_not_grow(world, client_for):
    head = client_for(world.user("head@own"))
    record, little = world.records["own"], world.records["2@own"]
    # The erase page: a pupil with a portfolio, files, feedback and a decision, and one with
    # only a record.
    assert _count(head, _url("erase", record.pk)) == _count(head, _url("erase", little.pk))
    # The person's page: with one export, and with three.
    _ask(head, record)
    one = _count(head, _url("pupil", record.pk))
    _ask(head, record)
    _ask(head, record)
    assert _count(head, _url("pupil", record.pk)) == one
