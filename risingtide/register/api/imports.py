"""Pupil data imports in the API: upload a CTF, CSV or XLSX, map a table's columns, confirm or
cancel, and read an import's state and preview, through the same steps as the import pages
(``register.import_steps``). Reading a preview that shows pupils' rows writes an audit event."""

from datetime import datetime

from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.register import import_steps, lists
from risingtide.register.api.common import API_FIELDS, log_read
from risingtide.register.column_mapping import FIELDS, REGISTER_FIELDS
from risingtide.register.import_batches import ImportBatch
from risingtide.register.import_comparison import KEEP_ERRORS

router = Router(tags=["Register"])


class MappingFieldOut(Schema):
    key: str
    label: str
    required: bool


class ImportCountsOut(Schema):
    creates: int = 0
    updates: int = 0
    unchanged: int = 0
    error_count: int = 0


class ImportErrorOut(Schema):
    row: int
    upn: str
    field: str
    reason: str


class ImportOut(Schema):
    id: int
    school: int | None
    state: str
    stalled: bool = Field(
        description="Checking or writing for longer than any file takes: its worker was stopped; "
        "nothing was written, and the file may be imported again (as the page says)"
    )
    file_name: str
    format: str
    kind: str
    encoding: str
    mapping: dict[str, str]
    headers: list[str] = Field(description="A CSV's or workbook's columns, to map")
    fields: list[MappingFieldOut] = Field(description="The fields a column may map to")
    done: int
    total: int
    percent: int
    counts: ImportCountsOut = Field(description="Once checked: what confirming will do")
    written: ImportCountsOut | None = Field(description="Once imported: what was done")
    errors: list[ImportErrorOut] = Field(
        description=f"The row errors, as the import's page lists them (the first {KEEP_ERRORS})"
    )
    message: str
    created_at: datetime
    confirmed_at: datetime | None
    finished_at: datetime | None


class MappingIn(Schema):
    mapping: dict[str, str] = Field(description="Field key → the file's column header")


def _batch(batch: ImportBatch) -> dict:
    summary = batch.summary or {}
    written = summary.get("written")
    fields = REGISTER_FIELDS if batch.kind == ImportBatch.Kind.REGISTER else FIELDS
    return {
        "id": batch.pk,
        "school": batch.school_id,
        "state": batch.state,
        "stalled": batch.stalled,
        "file_name": batch.file_name,
        "format": batch.format,
        "kind": batch.kind,
        "encoding": batch.encoding,
        "mapping": batch.mapping or {},
        "headers": summary.get("headers", []),
        "fields": [] if batch.format == ImportBatch.Format.CTF else fields,
        "done": batch.done,
        "total": batch.total,
        "percent": batch.percent,
        "counts": summary,
        "written": written,
        "errors": lists.import_errors(batch),
        "message": batch.message,
        "created_at": batch.created_at,
        "confirmed_at": batch.confirmed_at,
        "finished_at": batch.finished_at,
    }


@router.post(
    "/schools/{school_id}/imports",
    response={202: ImportOut, 400: ErrorOut},
    summary="Upload pupil data (CTF, CSV or XLSX): a CTF is checked at once, a table waits for "
    "its column mapping",
)
@requires("register.manage", "school_id", api=True)
@refusals_as_400(fields=API_FIELDS)
def start_import(
    request,
    school_id: int,
    file: File[UploadedFile],
    format: Form[str] = "",
    kind: Form[str] = ImportBatch.Kind.PUPILS.value,
    encoding: Form[str] = "utf-8",
):
    batch = import_steps.start_import(
        request.user, request.access_target, file, fmt=format, kind=kind, encoding=encoding
    )
    return Status(202, _batch(batch))


@router.get("/imports/{import_id}", response=ImportOut, summary="An import: its state and preview")
@requires("import.view", "import_id", api=True)
def import_batch(request, import_id: int):
    batch = request.access_target
    if batch.summary.get("changes") or batch.summary.get("errors"):  # pupils' rows
        log_read(request, batch.school, "an import's preview", target=batch)
    return _batch(batch)


@router.post(
    "/imports/{import_id}/mapping",
    response={202: ImportOut, 400: ErrorOut},
    summary="Map a CSV's or workbook's columns to fields, then check the file with it",
)
@requires("import.confirm", "import_id", api=True)
@refusals_as_400(fields=API_FIELDS)
def map_import(request, import_id: int, mapping: MappingIn):
    batch = import_steps.set_mapping(request.user, request.access_target, mapping.mapping)
    return Status(202, _batch(batch))


@router.post(
    "/imports/{import_id}/confirm",
    response={202: ImportOut, 400: ErrorOut},
    summary="Confirm a checked import without errors: it is written in the background",
)
@requires("import.confirm", "import_id", api=True)
@refusals_as_400(fields=API_FIELDS)
def confirm_import(request, import_id: int):
    return Status(202, _batch(import_steps.confirm_import(request.user, request.access_target)))


@router.post(
    "/imports/{import_id}/cancel",
    response={200: ImportOut, 400: ErrorOut},
    summary="Cancel an import before it is confirmed (its file is discarded)",
)
@requires("import.confirm", "import_id", api=True)
@refusals_as_400(fields=API_FIELDS)
def cancel_import(request, import_id: int):
    batch = request.access_target
    import_steps.cancel_import(request.user, batch)
    return _batch(batch)
