"""The security overview's own parts: Django's deploy checks, the two-factor requirement, the
newest backup's age and failed sign-ins. Each runs a fixed number of queries (at most one) and
shows whether something is set, never its value. Other apps add theirs through
``lib.security_overview`` (a ``privacy`` app's pending retention purges, for one)."""

from datetime import timedelta
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core import checks
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from risingtide.backups.queries import newest_backup
from risingtide.lib.security_overview import Part, overview_part
from risingtide.twofactor.models import Requirement


def deploy_messages() -> list[checks.CheckMessage]:
    """What `risingtide manage check --deploy` adds to the ordinary checks: every check
    registered with ``deploy=True`` (Django's security checks and our own), run in-process."""
    found = []
    for check in checks.registry.registry.deployment_checks:
        found.extend(check(app_configs=None, databases=None))
    return sorted((m for m in found if not m.is_silenced()), key=lambda m: (-m.level, m.id or ""))


@overview_part
def deploy_checks() -> Part:
    found = deploy_messages()
    serious = [m for m in found if m.level >= checks.WARNING]
    return Part(
        "Deployment checks",
        Part.ATTENTION if serious else Part.OK,
        f"{len(serious)} problem{'s' if len(serious) != 1 else ''} found by "
        "risingtide manage check --deploy"
        if serious
        else "Every deployment check passes (risingtide manage check --deploy).",
        tuple(f"{m.id}: {m.msg}" for m in found),
    )


@overview_part
def two_factor() -> Part:
    counts = Requirement.objects.aggregate(
        site_wide=Count("pk", filter=Q(site=True)),
        site_teachers=Count("pk", filter=Q(site=True, include_teachers=True)),
        schools=Count("pk", filter=Q(school__isnull=False)),
        las=Count("pk", filter=Q(local_authority__isnull=False)),
    )
    places = (
        f"{counts['schools']} school{'s' if counts['schools'] != 1 else ''} and "
        f"{counts['las']} LA{'s' if counts['las'] != 1 else ''} require it of their own staff."
    )
    if counts["site_wide"]:
        who = "the roles that reach pupil records" + (
            ", and teachers" if counts["site_teachers"] else ""
        )
        summary = f"Required site-wide of {who}."
    else:
        summary = "Not required site-wide."
    return Part(
        "Two-factor sign-in",
        Part.OK if counts["site_wide"] else Part.ATTENTION,
        summary,
        (places,),
        ("Change the site's requirement", reverse("twofactor:site_requirement")),
    )


@overview_part
def backup_age() -> Part:
    newest = newest_backup(Path(settings.BACKUP_DIR))
    if newest is None:
        return Part(
            "Backups",
            Part.ATTENTION,
            "No backup yet: run risingtide manage backup (docs/backup.md).",
        )
    if newest.created_at is None:
        return Part(
            "Backups",
            Part.ATTENTION,
            f"The newest archive, {newest.name}, cannot be read: check it and back up again.",
        )
    age = timezone.now() - newest.created_at
    overdue = age > timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    return Part(
        "Backups",
        Part.ATTENTION if overdue else Part.OK,
        f"Newest backup made {timesince(newest.created_at)} ago"
        + (f", more than {settings.BACKUP_MAX_AGE_HOURS} hours: back up now." if overdue else "."),
        (
            f"{newest.name}: the {newest.engine} database and {newest.files - 1} files and "
            f"keys, {newest.bytes:,} bytes.",
        ),
    )


@overview_part
def failed_sign_ins() -> Part:
    now = timezone.now()
    day, week = now - timedelta(hours=24), now - timedelta(days=7)
    if settings.AXES_ENABLE_ACCESS_FAILURE_LOG:  # one row per failure
        counts = AccessFailureLog.objects.aggregate(
            day=Count("pk", filter=Q(attempt_time__gte=day)),
            week=Count("pk", filter=Q(attempt_time__gte=week)),
            locked=Count("pk", filter=Q(attempt_time__gte=day, locked_out=True)),
        )
    else:  # axes' running counts per name and address (a sign-in that succeeds clears its own)
        counts = AccessAttempt.objects.aggregate(
            day=Sum("failures_since_start", filter=Q(attempt_time__gte=day)),
            week=Sum("failures_since_start", filter=Q(attempt_time__gte=week)),
            locked=Count(
                "pk",
                filter=Q(
                    attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
                    failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                ),
            ),
        )
    day_n, week_n, locked = (counts[k] or 0 for k in ("day", "week", "locked"))
    return Part(
        "Failed sign-ins",
        Part.ATTENTION if locked else Part.INFO,
        f"{day_n} in the last 24 hours, {week_n} in the last 7 days.",
        (
            f"{locked} lock-out{'s' if locked != 1 else ''} in the last 24 hours"
            if settings.AXES_ENABLE_ACCESS_FAILURE_LOG
            else f"{locked} name{'s' if locked != 1 else ''} locked out now",
        ),
    )
