"""Background work for roster imports (run by ``risingtide worker``): checking a bundle and
writing it. Both claim their import by its state first, so a second run does nothing."""

import logging

from django.utils import timezone
from django_tasks import task

from risingtide.audit.models import record
from risingtide.lib.storage import local_copy
from risingtide.rostering.bundle import BundleRefused
from risingtide.rostering.importing import run_bundle
from risingtide.rostering.models import RosterImport

logger = logging.getLogger(__name__)


def _progress(batch_id: int, state: str):
    def report(done: int, total: int) -> None:
        RosterImport.objects.filter(pk=batch_id, state=state).update(done=done, total=total)

    return report


def discard_file(batch: RosterImport) -> None:
    """Pupil data leaves our disk once it is imported or abandoned."""
    if batch.file:
        batch.file.delete(save=False)
        RosterImport.objects.filter(pk=batch.pk).update(file="")


def _fail(batch: RosterImport, message: str, summary: dict | None = None) -> str:
    RosterImport.objects.filter(pk=batch.pk).update(
        state=RosterImport.State.FAILED,
        message=message,
        summary=summary if summary is not None else batch.summary,
        finished_at=timezone.now(),
    )
    discard_file(batch)  # pupil data leaves our disk
    return "failed"


def _run(batch_id: int, state: str, *, write: bool):
    batch = RosterImport.objects.filter(pk=batch_id, state=state).first()
    if batch is None:
        return None, "nothing to do"
    try:
        with local_copy(batch.file, suffix=".zip") as path:
            return batch, run_bundle(
                path,
                batch.owner,
                write=write,
                import_id=batch.pk,
                actor=batch.uploaded_by if write else None,
                progress=_progress(batch.pk, state),
            )
    except BundleRefused as refused:
        return None, _fail(batch, str(refused))
    except Exception:  # an import must never stay checking or writing for ever
        logger.exception("roster import %s failed while %s", batch_id, state)
        return None, _fail(batch, "The import failed and nothing was written.")


@task()
def check_roster(batch_id: int) -> str:
    """Read the bundle and work out what it would change: the preview (written, then undone)."""
    batch, outcome = _run(batch_id, RosterImport.State.CHECKING, write=False)
    if batch is None:
        return outcome
    RosterImport.objects.filter(pk=batch.pk, state=RosterImport.State.CHECKING).update(
        state=RosterImport.State.PREVIEW,
        summary=outcome.as_summary(),
        done=outcome.rows,
        total=outcome.rows,
    )
    return "checked"


@task()
def write_roster(batch_id: int) -> str:
    """Write a confirmed import, all of it or nothing."""
    batch, outcome = _run(batch_id, RosterImport.State.WRITING, write=True)
    if batch is None:
        return outcome
    discard_file(batch)
    if not outcome.written:
        return _fail(batch, "The bundle has errors; nothing was written.", outcome.as_summary())
    RosterImport.objects.filter(pk=batch.pk).update(
        state=RosterImport.State.DONE,
        summary=outcome.as_summary(),
        done=outcome.rows,
        total=outcome.rows,
        finished_at=timezone.now(),
    )
    record(
        batch.uploaded_by,
        "roster.imported",
        batch,
        school=batch.school,
        counts=outcome.counts,
    )
    return "written"
