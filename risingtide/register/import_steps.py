"""The steps of an import a person takes: upload a file, map its columns, confirm the preview,
or cancel; the checking and writing between them run in the background (``tasks``).

Its own module because an import is a small workflow with its own states (``ImportBatch.State``)
and refusals, apart from the register's decisions in ``services``. Each step checks the actor's
capability first, then changes, then writes the audit event, as every service does.
"""

import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from risingtide.audit.models import record
from risingtide.lib import storage
from risingtide.register import column_mapping, table_files
from risingtide.register.import_batches import ColumnMapping, ImportBatch
from risingtide.register.import_files import discard_file, guess_format, sha256_of, sniff
from risingtide.register.services import require
from risingtide.register.tasks import check_import, write_import
from risingtide.schools.models import School

MAX_UPLOAD = 200 * 1024 * 1024


def start_import(
    actor, school: School, upload, *, fmt: str = "", kind: str = "pupils", encoding: str = "utf-8"
) -> ImportBatch:
    """Keep the uploaded file and begin checking it (CTF) or ask for the column mapping."""
    require(actor, "register.manage", school)
    fmt = fmt or guess_format(upload.name)
    if fmt not in ImportBatch.Format.values or kind not in ImportBatch.Kind.values:
        raise ValidationError({"format": "Choose CTF, CSV or Excel."})
    if fmt == "ctf" and kind != "pupils":
        raise ValidationError({"kind": "A CTF carries pupil data; choose 'Pupil data'."})
    if encoding not in ("utf-8", "cp1252"):
        raise ValidationError({"encoding": "Choose UTF-8 or Windows-1252."})
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise ValidationError({"file": "The file is larger than 200 MB."})
    with tempfile.NamedTemporaryFile(delete=False, suffix="." + fmt) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        path = handle.name
    try:
        sniff(path, fmt)
        batch = ImportBatch(
            school=school,
            uploaded_by=actor,
            file_name=os.path.basename(upload.name)[:200],
            sha256=sha256_of(path),
            format=fmt,
            kind=kind,
            encoding=encoding,
        )
        if fmt != "ctf":
            try:
                headers = table_files.headers(path, fmt, encoding=encoding)
            except table_files.TableRefused as refused:
                raise ValidationError({"file": str(refused)}) from None
            saved = ColumnMapping.objects.filter(school=school, kind=kind).first()
            mapping = {
                k: v for k, v in (saved.mapping if saved else {}).items() if v in headers
            } or column_mapping.guess_mapping(headers, kind=kind)
            batch.mapping = mapping
            batch.summary = {"headers": headers}
            batch.state = ImportBatch.State.MAPPING
        with storage.files_undone_on_failure():
            with open(path, "rb") as data:
                batch.file.save(f"{batch.sha256[:16]}.{fmt}", File(data), save=False)
            batch.save()
    finally:
        os.unlink(path)
    record(actor, "import.uploaded", batch, school=school, file=batch.file_name, format=fmt)
    if batch.state == ImportBatch.State.CHECKING:
        transaction.on_commit(lambda: check_import.enqueue(batch.pk))
    return batch


def set_mapping(actor, batch: ImportBatch, mapping: dict[str, str]) -> ImportBatch:
    """The coordinator's column mapping: checked, saved for the school's next file, then the
    file is checked with it."""
    require(actor, "import.confirm", batch)
    if batch.format == ImportBatch.Format.CTF:
        raise ValidationError("A CTF needs no column mapping.")
    if batch.state not in (ImportBatch.State.MAPPING, ImportBatch.State.PREVIEW):
        raise ValidationError("This import is past its mapping step.")
    fields = column_mapping.REGISTER_FIELDS if batch.kind == "register" else column_mapping.FIELDS
    keys = {f.key for f in fields}
    headers = batch.summary.get("headers", [])
    mapping = {k: v for k, v in mapping.items() if v}
    errors = {}
    for key, header in mapping.items():
        if key not in keys:
            errors[key] = "Unknown field."
        elif header not in headers:
            errors[key] = f"The file has no column {header!r}."
    for f in fields:
        if f.required and f.key not in mapping:
            errors[f.key] = f"Choose the column that holds {f.label}."
    used = [h for h in mapping.values()]
    for header in {h for h in used if used.count(h) > 1}:
        errors.setdefault("mapping", f"The column {header!r} is chosen for two fields.")
    if errors:
        raise ValidationError(errors)
    ColumnMapping.objects.update_or_create(
        school=batch.school,
        kind=batch.kind,
        defaults={"mapping": mapping, "updated_by": actor},
    )
    updated = ImportBatch.objects.filter(
        pk=batch.pk, state__in=[ImportBatch.State.MAPPING, ImportBatch.State.PREVIEW]
    ).update(mapping=mapping, state=ImportBatch.State.CHECKING, done=0)
    if not updated:  # confirmed or cancelled meanwhile (another tab)
        raise ValidationError("This import is past its mapping step.")
    batch.refresh_from_db()
    transaction.on_commit(lambda: check_import.enqueue(batch.pk))
    return batch


def confirm_import(actor, batch: ImportBatch) -> ImportBatch:
    require(actor, "import.confirm", batch)
    updated = ImportBatch.objects.filter(
        pk=batch.pk, state=ImportBatch.State.PREVIEW, summary__error_count=0
    ).update(state=ImportBatch.State.WRITING, done=0, confirmed_at=timezone.now())
    if not updated:
        raise ValidationError("Only a checked import without errors can be confirmed.")
    batch.refresh_from_db()
    record(actor, "import.confirmed", batch, school=batch.school, file=batch.file_name)
    transaction.on_commit(lambda: write_import.enqueue(batch.pk))
    return batch


def cancel_import(actor, batch: ImportBatch) -> None:
    require(actor, "import.confirm", batch)
    updated = ImportBatch.objects.filter(
        pk=batch.pk,
        state__in=[ImportBatch.State.MAPPING, ImportBatch.State.PREVIEW],
    ).update(state=ImportBatch.State.CANCELLED, finished_at=timezone.now())
    if not updated:
        raise ValidationError("This import can no longer be cancelled.")
    batch.refresh_from_db()
    discard_file(batch)
    record(actor, "import.cancelled", batch, school=batch.school)
