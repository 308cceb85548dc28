"""Background work for imports (run by ``risingtide worker``): checking a file, writing it.

Both are safe to run twice: each claims its batch by its state first, and a second run of a
finished batch does nothing.
"""

import logging

from django.utils import timezone
from django_tasks import task

from risingtide.register.importing import ImportRefused, Source, run_import
from risingtide.register.models import ImportBatch

logger = logging.getLogger(__name__)


def _source(batch: ImportBatch) -> Source:
    return Source(
        path=batch.file.path,
        format=batch.format,
        kind=batch.kind,
        mapping=batch.mapping,
        encoding=batch.encoding,
        name=batch.file_name,
    )


def _progress(batch_id: int, state: str):
    def report(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id, state=state).update(done=done, total=total)

    return report


def _fail(batch_id: int, message: str) -> str:
    from risingtide.register.services import discard_file

    ImportBatch.objects.filter(pk=batch_id).update(
        state=ImportBatch.State.FAILED, message=message, finished_at=timezone.now()
    )
    discard_file(ImportBatch.objects.get(pk=batch_id))  # pupil data leaves our disk
    return "failed"


@task()
def check_import(batch_id: int) -> str:
    """Read the file and compare it with the school's records: the preview."""
    batch = ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.CHECKING).first()
    if batch is None:
        return "nothing to do"
    try:
        outcome = run_import(
            _source(batch),
            school=batch.school,
            write=False,
            progress=_progress(batch.pk, ImportBatch.State.CHECKING),
        )
    except ImportRefused as refused:
        return _fail(batch.pk, str(refused))
    except Exception:  # an import must never stay "checking" for ever
        logger.exception("checking import %s failed", batch_id)
        return _fail(batch.pk, "The file could not be read.")
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
    from risingtide.register.services import discard_file

    batch = ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.WRITING).first()
    if batch is None:
        return "nothing to do"
    try:
        outcome = run_import(
            _source(batch),
            school=batch.school,
            write=True,
            actor=batch.uploaded_by,
            source_label=f"import {batch.pk} ({batch.file_name})"[:120],
            progress=_progress(batch.pk, ImportBatch.State.WRITING),
        )
    except ImportRefused as refused:
        return _fail(batch.pk, str(refused))
    except Exception:
        logger.exception("writing import %s failed", batch_id)
        return _fail(batch.pk, "The import failed and nothing was written.")
    if not outcome.written:
        discard_file(batch)
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
    discard_file(batch)
    return "written"
