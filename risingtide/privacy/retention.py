"""Retention: what has been kept long enough goes, on a schedule (``risingtide manage purge``,
run daily by cron or a systemd timer, or the ``purge_due`` task). Two kinds so far:

- leavers' records: a pupil off roll for ``RISINGTIDE_RETENTION_LEAVERS_YEARS`` years is
  erased as a head would erase them (``erasing.erase_pupil``; figures stay as they were). 0,
  the default, keeps leavers until a school erases them: the period is each school's policy;
- subject-access exports whose days are up (``RISINGTIDE_PRIVACY_EXPORT_DAYS``).

``--dry-run`` lists what would go and changes nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from risingtide.privacy import services
from risingtide.privacy.erasing import erase_pupil
from risingtide.privacy.models import SubjectAccessExport
from risingtide.register.models import Pupil


@dataclass(frozen=True)
class Due:
    kind: str
    what: str  # names no one: a record by its key, an export by its key


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def leavers_due(today: date | None = None):
    years = settings.RETENTION_LEAVERS_YEARS
    if years <= 0:
        return Pupil.objects.none()
    cutoff = _years_before(today or timezone.localdate(), years)
    return (
        Pupil.objects.filter(on_roll=False, left_on__lte=cutoff)
        .exclude(upn__startswith="ERASED", temporary_upn=True)
        .order_by("pk")
    )


def due(today: date | None = None) -> list[Due]:
    """Everything the purge would take now, kind by kind."""
    found = [
        Due("leaver's record", f"pupil record {pk}")
        for pk in leavers_due(today).values_list("pk", flat=True)
    ]
    exports = SubjectAccessExport.objects.filter(
        state=SubjectAccessExport.State.DONE, expires_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    found += [Due("subject-access export", f"export {pk}") for pk in exports]
    return found


def purge(today: date | None = None) -> dict[str, int]:
    """Take what is due; how many of each kind. Each leaver is erased in its own transaction:
    those erased before a failure stay erased, and the next run takes the rest."""
    erased = 0
    for pupil in leavers_due(today):
        erase_pupil(None, pupil)
        erased += 1
    return {"leaver's record": erased, "subject-access export": services.remove_expired()}
