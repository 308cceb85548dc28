"""Rostering (OneRoster) in the API, under the same capabilities as the pages: upload a bundle
for a school or an LA, read an import's state and preview, confirm or cancel it, and export a
roster as a OneRoster 1.2 CSV bundle."""

from datetime import datetime

from django.http import FileResponse
from ninja import File, Router, Schema, Status, UploadedFile
from pydantic import Field

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.rostering import exporting, queries, services
from risingtide.rostering.outcome import KEEP

router = Router(tags=["Rostering (OneRoster)"])


class RosterCountsOut(Schema):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0


class RosterProblemOut(Schema):
    file: str
    line: int
    field: str
    reason: str


class RosterChangeOut(Schema):
    kind: str
    action: str
    name: str
    sourcedId: str


class SkippedOut(Schema):
    file: str
    line: int
    sourcedId: str
    reason: str


class RosterImportOut(Schema):
    id: int
    school: int | None
    local_authority: int | None
    state: str
    file_name: str
    done: int
    total: int
    percent: int
    counts: dict[str, RosterCountsOut] = Field(
        description="By kind (groups, pupils, staff, memberships): what confirming will do, "
        "or once imported what was done"
    )
    error_count: int
    errors: list[RosterProblemOut] = Field(
        description=f"The problems by file and line (first {KEEP})"
    )
    changes: list[RosterChangeOut] = Field(description=f"What changes, by name (first {KEEP})")
    skipped: list[SkippedOut] = Field(description="Rows passed over, with why")
    message: str
    created_at: datetime
    confirmed_at: datetime | None
    finished_at: datetime | None


def _out(batch) -> dict:
    view = queries.import_view(batch)
    return {
        "id": batch.pk,
        "school": batch.school_id,
        "local_authority": batch.local_authority_id,
        "state": batch.state,
        "file_name": batch.file_name,
        "done": batch.done,
        "total": batch.total,
        "percent": batch.percent,
        "counts": view["counts"],
        "error_count": batch.error_count,
        "errors": view["errors"],
        "changes": view["changes"],
        "skipped": view["skipped"],
        "message": batch.message,
        "created_at": batch.created_at,
        "confirmed_at": batch.confirmed_at,
        "finished_at": batch.finished_at,
    }


@router.post(
    "/schools/{school_id}/roster/imports",
    response={202: RosterImportOut, 400: ErrorOut},
    summary="Upload a school's OneRoster 1.2 CSV bundle (zip): it is checked in the background",
)
@requires("roster.import", "school_id", api=True)
@refusals_as_400
def roster_start_school_import(request, school_id: int, file: File[UploadedFile]):
    batch = services.start_import(request.user, request.access_target, file)
    return Status(202, _out(batch))


@router.post(
    "/las/{la_id}/roster/imports",
    response={202: RosterImportOut, 400: ErrorOut},
    summary="Upload an LA's OneRoster 1.2 CSV bundle (zip) for its schools",
)
@requires("roster.import_la", "la_id", api=True)
@refusals_as_400
def roster_start_la_import(request, la_id: int, file: File[UploadedFile]):
    batch = services.start_import(request.user, request.access_target, file)
    return Status(202, _out(batch))


@router.get(
    "/roster/imports/{import_id}",
    response=RosterImportOut,
    summary="A roster import: its state, preview or result",
)
@requires("roster_import.view", "import_id", api=True)
def roster_import(request, import_id: int):
    return _out(request.access_target)


@router.post(
    "/roster/imports/{import_id}/confirm",
    response={202: RosterImportOut, 400: ErrorOut},
    summary="Confirm a checked roster import without errors: it is written in the background",
)
@requires("roster_import.confirm", "import_id", api=True)
@refusals_as_400
def roster_confirm_import(request, import_id: int):
    return Status(202, _out(services.confirm_import(request.user, request.access_target)))


@router.post(
    "/roster/imports/{import_id}/cancel",
    response={200: RosterImportOut, 400: ErrorOut},
    summary="Cancel a roster import before it is confirmed (its bundle is discarded)",
)
@requires("roster_import.confirm", "import_id", api=True)
@refusals_as_400
def roster_cancel_import(request, import_id: int):
    batch = request.access_target
    services.cancel_import(request.user, batch)
    return _out(batch)


def _export(request, owner):
    handle, name = exporting.export_roster(request.user, owner)
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")


@router.get(
    "/schools/{school_id}/roster/export",
    summary="The school's roster as a OneRoster 1.2 CSV bundle (zip, bulk)",
    openapi_extra={"responses": {200: {"content": {"application/zip": {}}}}},
)
@requires("roster.export", "school_id", api=True)
def roster_export_school(request, school_id: int):
    return _export(request, request.access_target)


@router.get(
    "/las/{la_id}/roster/export",
    summary="The rosters of the LA's schools as a OneRoster 1.2 CSV bundle (zip, bulk)",
    openapi_extra={"responses": {200: {"content": {"application/zip": {}}}}},
)
@requires("roster.export_la", "la_id", api=True)
def roster_export_la(request, la_id: int):
    return _export(request, request.access_target)
