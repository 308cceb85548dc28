"""Retention: leavers past the period are erased by the purge; a dry run lists and changes
nothing; the default keeps every leaver."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

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
