"""Background work for register insights (run by ``risingtide worker``): an LA's PDF reports.

Safe to run twice: the run is claimed by its state first, so a second call does nothing.
"""

from django_tasks import task

from risingtide.insights import reports


@task()
def make_school_reports(run_id: int) -> str:
    """Make every school's PDF report for the run, then the ZIP of them all."""
    return reports.make_reports(run_id)
