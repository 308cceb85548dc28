"""The site administrator's security overview: each part's line, no secret ever shown, the hook
other apps add parts through, and a fixed number of queries however much there is to count."""

from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import checks
from django.urls import reverse
from django.utils import timezone

from risingtide.backups import archive
from risingtide.backups.tests.test_archive import site
from risingtide.lib import security_overview
from risingtide.lib.security_overview import Part
from risingtide.security import parts
from risingtide.training import credential_keys
from risingtide.twofactor.models import Requirement

URL = reverse("security:overview")
# Session and user, then one query each for the two-factor requirement and failed sign-ins,
# and privacy's pending purges: expired exports, and waiting imports of each kind (pupil data,
# rosters); leavers, saved copies and old audit events too once their periods are set.
QUERIES = 7


@pytest.fixture
def admin(world, client_for):
    return client_for(world.user("site_admin@site"))


@pytest.fixture
def backups(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_only_the_site_administrator_sees_it(world, client_for):
    for key in ("head@own", "la_lead@own", "national_officer@nation", "teacher@own"):
        assert client_for(world.user(key)).get(URL).status_code == 403


def test_a_new_site_says_what_it_lacks(admin, backups):
    text = page(admin)
    for title in ("Deployment checks", "Two-factor sign-in", "Backups", "Failed sign-ins"):
        assert f">{title}" in text
    assert "No backup yet: run risingtide manage backup" in text
    assert "Not required site-wide." in text
    assert "0 in the last 24 hours, 0 in the last 7 days." in text
    assert reverse("twofactor:site_requirement") in text


def test_every_line_filled_in(admin, backups, world, tmp_path, settings):
    Requirement.objects.create(site=True, include_teachers=True)
    Requirement.objects.create(school=world.schools["own"])
    now = timezone.now()
    for hours, failures, name in ((1, 3, "a"), (30, 2, "b"), (24 * 10, 7, "c"), (0, 5, "d")):
        attempt = AccessAttempt.objects.create(
            username=name, ip_address="127.0.0.1", failures_since_start=failures
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=now - timedelta(hours=hours)
        )
    archive.make_backup(site(tmp_path / "site"), backups, now=now - timedelta(hours=3))
    text = page(admin)
    assert "Required site-wide of the roles that reach pupil records, and teachers." in text
    assert "1 school and 0 LAs require it of their own staff." in text
    assert "8 in the last 24 hours, 10 in the last 7 days." in text
    assert "1 name locked out now" in text  # "d": 5 failures, within the cool-off
    assert "Newest backup made 3\xa0hours ago." in text
    assert "the sqlite database and 4 files and keys" in text


def test_an_old_backup_is_overdue(admin, backups, tmp_path, settings):
    settings.BACKUP_MAX_AGE_HOURS = 26
    archive.make_backup(site(tmp_path / "site"), backups, now=timezone.now() - timedelta(days=3))
    assert "more than 26 hours: back up now." in page(admin)


def test_deploy_checks_are_run_in_process(admin, backups, settings):
    settings.SECURE_HSTS_SECONDS = 0
    ids = [m.id for m in parts.deploy_messages()]
    assert "security.W004" in ids
    text = page(admin)
    assert "security.W004" in text
    assert "Needs attention" in text

    settings.SECURE_HSTS_SECONDS = 31536000
    assert "security.W004" not in [m.id for m in parts.deploy_messages()]


def test_no_secret_is_ever_shown(world, client_for, backups, tmp_path, settings):
    settings.SECRET_KEY = "django-insecure-short"  # a deploy check complains: never quotes it
    settings.EMAIL_HOST_PASSWORD = "smtp-password-never-shown"
    admin = client_for(world.user("site_admin@site"))  # signed in under this key
    key = credential_keys.signing_key().key.as_dict(private=True)
    archive.make_backup(site(tmp_path / "site"), backups, now=datetime.now(tz=UTC))
    text = page(admin)
    assert "security.W009" in text  # the key is weak, and the page says so
    for secret in (settings.SECRET_KEY, settings.EMAIL_HOST_PASSWORD, key["d"], "s3cret"):
        assert secret not in text


def test_another_app_adds_a_part_through_the_hook(admin, backups, monkeypatch):
    monkeypatch.setattr(security_overview, "PARTS", list(security_overview.PARTS))

    @security_overview.overview_part
    def pending_reviews():
        return Part("Access reviews", Part.ATTENTION, "12 staff accounts' access is due review.")

    security_overview.overview_part(lambda: None)  # a part with nothing to say
    security_overview.overview_part(pending_reviews)  # added once only
    text = page(admin)
    assert text.count(">Access reviews") == 1
    assert "12 staff accounts&#x27; access is due review." in text
    assert [p.title for p in security_overview.overview()][-1] == "Access reviews"


def test_the_query_count_stays_the_same_however_much_there_is(
    admin, backups, world, tmp_path, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES):
        page(admin)
    for key in ("own", "peer", "other"):
        Requirement.objects.create(school=world.schools[key])
    for n in range(20):
        AccessAttempt.objects.create(
            username=f"u{n}", ip_address="127.0.0.1", failures_since_start=n
        )
    for days in range(3):
        archive.make_backup(
            site(tmp_path / f"site{days}"), backups, now=timezone.now() - timedelta(days=days)
        )
    with django_assert_num_queries(QUERIES):
        page(admin)


def test_a_silenced_check_is_left_out(settings):
    settings.SECURE_HSTS_SECONDS = 0
    settings.SILENCED_SYSTEM_CHECKS = ["security.W004"]
    assert "security.W004" not in [m.id for m in parts.deploy_messages()]
    assert all(isinstance(m, checks.CheckMessage) for m in parts.deploy_messages())


def test_with_axes_failure_log_each_failure_counts_once(admin, backups, settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    now = timezone.now()
    for hours, locked in ((1, False), (2, True), (50, False), (24 * 8, True)):
        row = AccessFailureLog.objects.create(
            username="pupil", ip_address="127.0.0.1", locked_out=locked
        )
        AccessFailureLog.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(hours=hours))
    text = page(admin)
    assert "2 in the last 24 hours, 3 in the last 7 days." in text
    assert "1 lock-out in the last 24 hours" in text
