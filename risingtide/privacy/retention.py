"""Retention: what has been kept long enough goes, on a schedule (``risingtide manage purge``,
run daily by cron or a systemd timer, or the ``purge_due`` task). The kinds, each with its
period as a setting (docs/privacy.md):

- leavers' records: a pupil off roll for ``RISINGTIDE_RETENTION_LEAVERS_YEARS`` years is
  erased as a head would erase them (``erasing.erase_pupil``; figures stay as they were). 0,
  the default, keeps leavers until a school erases them: the period is each school's policy;
- subject-access exports whose days are up (``RISINGTIDE_PRIVACY_EXPORT_DAYS``);
- import files never confirmed: a pupil-data or roster import left waiting (for its mapping,
  its check or its confirmation) ``RISINGTIDE_RETENTION_IMPORT_DAYS`` days is cancelled and
  its file deleted (one still "writing" after those days stalled long ago: it is failed, as
  the page already shows it). A finished import's file is deleted when it finishes; this
  catches the abandoned ones, which would otherwise keep a school's pupil data on disk;
- web clippings' snapshots: the saved copy of someone else's page is cleared
  ``RISINGTIDE_RETENTION_SNAPSHOT_DAYS`` days after the pupil clipped it (0, the default,
  keeps them); the link, title and the pupil's own words stay;
- audit events older than ``RISINGTIDE_RETENTION_AUDIT_YEARS`` years (0, the default, keeps
  the log whole). The log refuses deletion everywhere else; this is its one door, and the
  purge leaves an event saying what it took (decision 0031).

``--dry-run`` lists what would go and changes nothing. Every kind is read with a fixed
number of queries, however much is due.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from risingtide.audit.models import AuditEvent, record
from risingtide.portfolios.models import Item
from risingtide.privacy import services
from risingtide.privacy.erasing import erase_pupil
from risingtide.privacy.models import SubjectAccessExport
from risingtide.register.import_batches import ImportBatch
from risingtide.register.import_files import discard_file as discard_import_file
from risingtide.register.models import Pupil
from risingtide.rostering.models import RosterImport
from risingtide.rostering.tasks import discard_file as discard_roster_file

LEAVERS = "leaver's record"
EXPORTS = "subject-access export"
IMPORTS = "unconfirmed import file"
SNAPSHOTS = "web clipping's saved copy"
AUDIT = "audit event"
PLURAL = {
    LEAVERS: "leavers' records",
    EXPORTS: "subject-access exports",
    IMPORTS: "unconfirmed import files",
    SNAPSHOTS: "web clippings' saved copies",
    AUDIT: "audit events",
}


def counted(kind: str, n: int) -> str:
    return f"{n} {kind if n == 1 else PLURAL[kind]}"


@dataclass(frozen=True)
class Due:
    kind: str
    what: str  # names no one: a record by its key, an export by its key
    count: int = 1  # audit events are listed as one line for all of them


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def leavers_due(today: date | None = None):
    years = settings.RETENTION_LEAVERS_YEARS
    if years <= 0:
        return Pupil.objects.none()
    cutoff = _years_before(_today(today), years)
    return (
        Pupil.objects.filter(on_roll=False, left_on__lte=cutoff)
        .exclude(upn__startswith="ERASED", temporary_upn=True)
        .order_by("pk")
    )


# An import still waiting for a person: its file holds a school's pupil data until they act.
WAITING = {
    ImportBatch: (
        ImportBatch.State.MAPPING,
        ImportBatch.State.CHECKING,
        ImportBatch.State.PREVIEW,
    ),
    RosterImport: (RosterImport.State.CHECKING, RosterImport.State.PREVIEW),
}
DISCARD = {ImportBatch: discard_import_file, RosterImport: discard_roster_file}


def imports_due(model, today: date | None = None):
    """``model``'s imports whose file has waited past the period (a write still going after
    days stalled long ago: its worker was stopped), or outlived its finished import."""
    cutoff = _start_of(_today(today)) - timedelta(days=settings.RETENTION_IMPORT_DAYS)
    open_states = (*WAITING[model], model.State.WRITING)
    return (
        model.objects.exclude(file="")
        .filter(Q(state__in=open_states, created_at__lt=cutoff) | ~Q(state__in=open_states))
        .order_by("pk")
    )


def snapshots_due(today: date | None = None):
    days = settings.RETENTION_SNAPSHOT_DAYS
    if days <= 0:
        return Item.objects.none()
    cutoff = _start_of(_today(today)) - timedelta(days=days)
    return Item.objects.exclude(url="").exclude(snapshot="").filter(created_at__lt=cutoff)


def audit_cutoff(today: date | None = None) -> datetime | None:
    years = settings.RETENTION_AUDIT_YEARS
    return _start_of(_years_before(_today(today), years)) if years > 0 else None


def due(today: date | None = None) -> list[Due]:
    """Everything the purge would take now, kind by kind."""
    found = [
        Due(LEAVERS, f"pupil record {pk}") for pk in leavers_due(today).values_list("pk", flat=True)
    ]
    exports = SubjectAccessExport.objects.filter(
        state=SubjectAccessExport.State.DONE, expires_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    found += [Due(EXPORTS, f"export {pk}") for pk in exports]
    for model, name in ((ImportBatch, "import"), (RosterImport, "roster import")):
        found += [
            Due(IMPORTS, f"{name} {pk}")
            for pk in imports_due(model, today).values_list("pk", flat=True)
        ]
    found += [
        Due(SNAPSHOTS, f"portfolio item {pk}")
        for pk in snapshots_due(today).values_list("pk", flat=True)
    ]
    cutoff = audit_cutoff(today)
    if cutoff is not None:
        old = AuditEvent.objects.filter(at__lt=cutoff).count()
        if old:
            found.append(Due(AUDIT, f"every event before {cutoff:%Y-%m-%d}", old))
    return found


def _close_import(model, batch) -> None:
    """Cancel an import nobody confirmed, or fail one whose write stalled, each claimed by its
    state (a person confirming it at this moment wins); then delete its file."""
    days = settings.RETENTION_IMPORT_DAYS
    now = timezone.now()
    model.objects.filter(pk=batch.pk, state__in=WAITING[model]).update(
        state=model.State.CANCELLED,
        message=f"Not confirmed within {days} days, so its file was deleted. Upload the file "
        "again to import it.",
        finished_at=now,
    )
    model.objects.filter(pk=batch.pk, state=model.State.WRITING).update(
        state=model.State.FAILED,
        message="The import stopped while writing (its worker was stopped) and nothing was "
        f"written; its file was deleted after {days} days. Upload the file again to import it.",
        finished_at=now,
    )
    batch.refresh_from_db(fields=["state"])
    if batch.state not in (*WAITING[model], model.State.WRITING):
        DISCARD[model](batch)


def purge(today: date | None = None) -> dict[str, int]:
    """Take what is due; how many of each kind. Each leaver is erased in its own transaction:
    those erased before a failure stay erased, and the next run takes the rest."""
    erased = 0
    for pupil in leavers_due(today):
        erase_pupil(None, pupil)
        erased += 1
    files = 0
    for model in (ImportBatch, RosterImport):
        for batch in imports_due(model, today):
            _close_import(model, batch)
            files += 1
    cleared = snapshots_due(today).update(snapshot="")
    cutoff = audit_cutoff(today)
    old = AuditEvent.objects.purge_before(cutoff) if cutoff is not None else 0
    if old:
        record(None, "audit.purged", events=old, before=cutoff.isoformat())
    return {
        LEAVERS: erased,
        EXPORTS: services.remove_expired(),
        IMPORTS: files,
        SNAPSHOTS: cleared,
        AUDIT: old,
    }


# What each setting means, for the security overview's retention line.
POLICIES: list[Callable[[], str]] = [
    lambda: (
        f"Leavers' records are erased {_years(settings.RETENTION_LEAVERS_YEARS)} after they leave."
        if settings.RETENTION_LEAVERS_YEARS > 0
        else "Leavers' records are kept until their school erases them"
        " (RISINGTIDE_RETENTION_LEAVERS_YEARS is not set)."
    ),
    lambda: (
        f"Import files never confirmed are deleted after {settings.RETENTION_IMPORT_DAYS} days."
    ),
    lambda: (
        f"Web clippings' saved copies are cleared after {settings.RETENTION_SNAPSHOT_DAYS} days."
        if settings.RETENTION_SNAPSHOT_DAYS > 0
        else "Web clippings' saved copies are kept."
    ),
    lambda: (
        f"Audit events are kept {_years(settings.RETENTION_AUDIT_YEARS)}."
        if settings.RETENTION_AUDIT_YEARS > 0
        else "Audit events are kept for good."
    ),
]


def _years(n: int) -> str:
    return f"{n} year{'s' if n != 1 else ''}"


def policies() -> tuple[str, ...]:
    return tuple(policy() for policy in POLICIES)
