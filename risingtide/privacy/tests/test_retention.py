"""Retention: leavers past the period are erased by the purge, abandoned imports lose their
files, clippings' saved copies and old audit events go when a period is set; a dry run lists
and changes nothing; the defaults keep leavers, saved copies and the log."""

import os
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from risingtide.privacy.erasing import is_erased
from risingtide.register.models import Pupil

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


def _leave(record, on: date) -> None:
    Pupil.objects.filter(pk=record.pk).update(on_roll=False, left_on=on)


def _purge(*flags) -> str:
    out = StringIO()
    call_command("purge", *flags, stdout=out)
    return out.getvalue()


def test_a_leaver_past_the_period_goes_and_a_dry_run_only_says_so(world, settings, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    settings.RETENTION_LEAVERS_YEARS = 7
    old, recent = world.records["own"], world.records["other"]
    _leave(old, date(2019, 7, 20))
    _leave(recent, date(2020, 7, 20))
    said = _purge("--dry-run")
    assert f"would remove leaver's record: pupil record {old.pk}" in said
    assert f"pupil record {recent.pk}" not in said and "1 would go" in said
    assert not is_erased(Pupil.objects.get(pk=old.pk))
    assert "removed 1 × leaver's record" in _purge()
    assert is_erased(Pupil.objects.get(pk=old.pk))
    assert not is_erased(Pupil.objects.get(pk=recent.pk))
    assert not is_erased(Pupil.objects.get(pk=world.records["own2"].pk))  # on roll
    assert "0 would go" in _purge("--dry-run")  # an erased record is not taken twice


def test_by_default_leavers_are_kept(world):
    _leave(world.records["own"], date(2000, 7, 20))
    assert "0 would go" in _purge("--dry-run")
    assert "removed 0 × leaver's record" in _purge()


def test_the_security_overview_says_what_the_next_purge_would_take(world, settings, monkeypatch):
    from risingtide.lib.security_overview import Part, overview

    def retention_line() -> Part:
        return next(part for part in overview() if part.title == "Retention")

    line = retention_line()
    assert line.state == Part.OK and "kept until their school erases them" in line.details[0]
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    settings.RETENTION_LEAVERS_YEARS = 7
    _leave(world.records["own"], date(2019, 7, 20))
    line = retention_line()
    assert line.state == Part.ATTENTION
    assert "1 leaver's record." in line.summary and "manage purge" in line.summary
    assert "erased 7 years after they leave" in line.details[0]


def _import_with_file(model, world, state, *, days_old: int, **fields):
    from django.core.files.base import ContentFile

    batch = model.objects.create(
        school=world.schools["own"], state=state, file_name="pupils.csv", sha256="0" * 64, **fields
    )
    batch.file.save("pupils.csv", ContentFile(b"UPN,Surname\n"), save=True)
    model.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return batch


def test_an_import_nobody_confirmed_is_cancelled_and_its_file_deleted(world, settings):
    from risingtide.register.import_batches import ImportBatch
    from risingtide.rostering.models import RosterImport

    settings.RETENTION_IMPORT_DAYS = 14
    stale = _import_with_file(ImportBatch, world, "preview", days_old=15, format="csv")
    fresh = _import_with_file(ImportBatch, world, "mapping", days_old=3, format="csv")
    writing = _import_with_file(ImportBatch, world, "writing", days_old=2, format="csv")
    stalled = _import_with_file(ImportBatch, world, "writing", days_old=30, format="csv")
    roster = _import_with_file(RosterImport, world, "preview", days_old=20)
    paths = {b.pk: b.file.path for b in (stale, fresh, writing, stalled)}
    said = _purge("--dry-run")
    assert f"unconfirmed import file: import {stale.pk}" in said
    assert f"unconfirmed import file: roster import {roster.pk}" in said
    assert f"import {fresh.pk}\n" not in said and f"import {writing.pk}\n" not in said
    assert f"unconfirmed import file: import {stalled.pk}" in said
    assert "3 would go" in said and os.path.exists(paths[stale.pk])

    assert "removed 3 × unconfirmed import file" in _purge()
    stale.refresh_from_db()
    assert stale.state == "cancelled" and not stale.file and not os.path.exists(paths[stale.pk])
    assert "Not confirmed within 14 days" in stale.message
    stalled.refresh_from_db()
    assert (
        stalled.state == "failed" and not stalled.file and "nothing was written" in stalled.message
    )
    roster.refresh_from_db()
    assert roster.state == "cancelled" and not roster.file
    for kept in (fresh, writing):  # still waiting inside the period; writing for two days
        kept.refresh_from_db()
        assert kept.file and os.path.exists(paths[kept.pk])
    assert "0 would go" in _purge("--dry-run")


def test_a_clippings_saved_copy_goes_after_its_days_and_the_link_stays(world, settings):
    from risingtide.portfolios.models import Item

    item = world.items["own"]
    Item.objects.filter(pk=item.pk).update(
        url="https://example.org/bees",
        snapshot="<p>Bees</p>",
        created_at=timezone.now() - timedelta(days=40),
    )
    assert "0 would go" in _purge("--dry-run")  # kept by default
    settings.RETENTION_SNAPSHOT_DAYS = 30
    assert f"web clipping's saved copy: portfolio item {item.pk}" in _purge("--dry-run")
    assert "removed 1 × web clipping's saved copy" in _purge()
    item.refresh_from_db()
    assert item.snapshot == "" and item.url == "https://example.org/bees"
    assert item.title  # the pupil's own words stay


def test_audit_events_past_their_years_go_through_the_one_door_and_say_so(world, settings):
    from django.db import connection

    from risingtide.audit.models import AuditEvent, record

    old, kept = record(None, "test.old"), record(None, "test.recent")
    with connection.cursor() as cursor:  # the log refuses changes, so age it in SQL
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET at = %s WHERE id = %s",  # noqa: S608
            [timezone.now() - timedelta(days=365 * 8), old.pk],
        )
    assert "0 would go" in _purge("--dry-run")  # kept for good by default
    settings.RETENTION_AUDIT_YEARS = 7
    assert "would remove audit event: every event before" in _purge("--dry-run")
    assert "removed 1 × audit event" in _purge()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert AuditEvent.objects.get(action="audit.purged").detail["events"] == 1
    with pytest.raises(ValueError, match="never deleted"):
        AuditEvent.objects.filter(pk=kept.pk).delete()  # everywhere else the log still refuses
