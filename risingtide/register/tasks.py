"""Background work for imports (run by ``risingtide worker``): checking a file, writing it.

Both are safe to run twice: each claims its batch by its state first, and a second run of a
finished batch does nothing.
"""

import logging

from django.utils import timezone
from django_tasks import task

from risingtide.register.import_batches import ImportBatch
from risingtide.register.import_files import ImportRefused, discard_file, source_of
from risingtide.register.importing import run_import

logger = logging.getLogger(__name__)


def _progress(batch_id: int, state: str):
    def report(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id, state=state).update(done=done, total=total)

    return report


def _fail(batch_id: int, message: str) -> str:
    ImportBatch.objects.filter(pk=batch_id).update(
        state=ImportBatch.State.FAILED, message=message, finished_at=timezone.now()
    )
    discard_file(ImportBatch.objects.get(pk=batch_id))  # pupil data leaves our disk
    return "failed"


def _run(batch_id: int, state: str, *, write: bool, failure: str):
    """Claim the batch in ``state`` and run the import over its file: the batch and the
    outcome, or the task's answer when there is nothing to do or the file was refused."""
    batch = ImportBatch.objects.filter(pk=batch_id, state=state).first()
    if batch is None:
        return None, "nothing to do"
    try:
        with source_of(batch) as source:
            return batch, run_import(
                source,
                school=batch.school,
                write=write,
                actor=batch.uploaded_by if write else None,
                source_label=f"import {batch.pk} ({batch.file_name})"[:120],
                progress=_progress(batch.pk, state),
            )
    except ImportRefused as refused:
        return None, _fail(batch.pk, str(refused))
    except Exception:  # an import must never stay checking or writing for ever
        logger.exception("import %s failed while %s", batch_id, state)
        return None, _fail(batch.pk, failure)


@task()
def check_import(batch_id: int) -> str:
    """Read the file and compare it with the school's records: the preview."""
    batch, outcome = _run(
        batch_id, ImportBatch.State.CHECKING, write=False, failure="The file could not be read."
    )
    if batch is None:
        return outcome
    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.CHECKING).update(
        state=ImportBatch.State.PREVIEW,
        summary={**batch.summary, **outcome.as_summary()},
        done=outcome.rows + outcome.error_count,
        total=outcome.rows + outcome.error_count,
    )
    return "checked"


@task()
def write_import(batch_id: int) -> str:
    """Write a confirmed import, all of it or nothing."""
    batch, outcome = _run(
        batch_id,
        ImportBatch.State.WRITING,
        write=True,
        failure="The import failed and nothing was written.",
    )
    if batch is None:
        return outcome
    discard_file(batch)  # pupil data leaves our disk, whatever happened
    if not outcome.written:
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.FAILED,
            summary={**batch.summary, **outcome.as_summary()},
            message="The file has errors; nothing was written.",
            finished_at=timezone.now(),
        )
        return "errors"
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.DONE,
        summary={**batch.summary, "written": outcome.as_summary()},
        done=outcome.rows,
        total=outcome.rows,
        finished_at=timezone.now(),
    )
    return "written"
