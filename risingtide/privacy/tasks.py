"""Background work for privacy (run by ``risingtide worker``): subject-access exports.

Safe to run twice: an export is claimed by its state first, so a second call does nothing.
"""

from django_tasks import task

from risingtide.privacy import retention, services


@task()
def make_subject_access_export(export_id: int) -> str:
    """Gather everything held about the person and write the ZIP; then sweep the exports whose
    days are up (so a site with a worker needs no other schedule for them)."""
    outcome = services.make_export(export_id)
    services.remove_expired()
    return outcome


@task()
def purge_due() -> str:
    """The retention purge, for a site that schedules tasks rather than the command."""
    return ", ".join(retention.counted(kind, n) for kind, n in retention.purge().items())
