"""The steps of a roster import a person takes: upload a bundle, confirm its preview, or
cancel; the checking and writing between them run in the background (``tasks``).

Each step checks the actor's capability first, then changes, then writes the audit event, as
the register's import steps do (whose file handling this reuses).
"""

import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from risingtide.audit.models import record
from risingtide.lib import storage
from risingtide.register.import_files import sha256_of
from risingtide.register.services import require
from risingtide.rostering.bundle import BundleRefused, open_bundle, read_manifest
from risingtide.rostering.models import RosterImport
from risingtide.rostering.tasks import check_roster, discard_file, write_roster
from risingtide.schools.models import LocalAuthority, School

MAX_UPLOAD = 500 * 1024 * 1024


def start_import(actor, owner: School | LocalAuthority, upload) -> RosterImport:
    """Keep the uploaded bundle (once its manifest reads) and begin checking it."""
    is_school = isinstance(owner, School)
    require(actor, "roster.import" if is_school else "roster.import_la", owner)
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise ValidationError({"file": "The bundle is larger than 500 MB."})
    with tempfile.NamedTemporaryFile(delete=False, suffix=".zip") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        path = handle.name
    try:
        try:
            with open_bundle(path) as zf:
                read_manifest(zf)  # refused at once: no manifest, wrong version, a file missing
        except BundleRefused as refused:
            raise ValidationError({"file": str(refused)}) from None
        batch = RosterImport(
            school=owner if is_school else None,
            local_authority=None if is_school else owner,
            uploaded_by=actor,
            file_name=os.path.basename(upload.name)[:200],
            sha256=sha256_of(path),
        )
        with storage.files_undone_on_failure():
            with open(path, "rb") as data:
                batch.file.save(f"{batch.sha256[:16]}.zip", File(data), save=False)
            batch.save()
    finally:
        os.unlink(path)
    _record(actor, "roster.uploaded", batch, file=batch.file_name)
    transaction.on_commit(lambda: check_roster.enqueue(batch.pk))
    return batch


def confirm_import(actor, batch: RosterImport) -> RosterImport:
    require(actor, "roster_import.confirm", batch)
    updated = RosterImport.objects.filter(
        pk=batch.pk, state=RosterImport.State.PREVIEW, summary__error_count=0
    ).update(state=RosterImport.State.WRITING, done=0, confirmed_at=timezone.now())
    if not updated:
        raise ValidationError("Only a checked bundle without errors can be confirmed.")
    batch.refresh_from_db()
    _record(actor, "roster.confirmed", batch, file=batch.file_name)
    transaction.on_commit(lambda: write_roster.enqueue(batch.pk))
    return batch


def cancel_import(actor, batch: RosterImport) -> None:
    require(actor, "roster_import.confirm", batch)
    updated = RosterImport.objects.filter(pk=batch.pk, state=RosterImport.State.PREVIEW).update(
        state=RosterImport.State.CANCELLED, finished_at=timezone.now()
    )
    if not updated:
        raise ValidationError("This import can no longer be cancelled.")
    batch.refresh_from_db()
    discard_file(batch)
    _record(actor, "roster.cancelled", batch)


def _record(actor, action: str, batch: RosterImport, **detail) -> None:
    record(actor, action, batch, school=batch.school, **detail)
