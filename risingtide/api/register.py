"""The G&T register and pupil records in the API: the same ``access`` guards and services as
the register's pages. Pupil-level data is read only through ``access.core.visible``, and every
read of it writes one audit event per request (``register.api_read``), whatever the page size."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from risingtide.access.core import requires, visible
from risingtide.api.errors import ErrorOut, refusals_as_400
from risingtide.portfolios.models import Item
from risingtide.register import import_steps, lists, services
from risingtide.register.column_mapping import FIELDS, REGISTER_FIELDS
from risingtide.register.import_batches import ImportBatch
from risingtide.register.models import (
    Evidence,
    Pupil,
    RegisterEntry,
    academic_year,
    ever_6,
    fsm_on,
)
from risingtide.register.rows import DOMAINS

router = Router(tags=["Register"])

PER_PAGE = 50  # as the pupil list page
MAX_PER_PAGE = 200
ERRORS_SHOWN = 100  # of an import's row errors; the batch keeps up to a thousand
READ = "register.api_read"
# Where a service names a field differently from the API's body.
API_FIELDS = {"item": "item_id"}


# --- answers ---------------------------------------------------------------------------------


class EntrySummaryOut(Schema):
    id: int
    academic_year: int
    status: str
    gifted: bool
    talented: bool
    domains: list[str]
    top_5: bool
    recorded_at: datetime


class EntryOut(EntrySummaryOut):
    pupil: int
    reason: str
    next_review: date | None
    recorded_by: str
    source: str
    current: bool

    @staticmethod
    def resolve_pupil(entry: RegisterEntry) -> int:
        return entry.pupil_id

    @staticmethod
    def resolve_recorded_by(entry: RegisterEntry) -> str:
        return entry.recorded_by_name


class PupilBriefOut(Schema):
    id: int
    upn: str
    legal_surname: str
    legal_forename: str
    preferred_surname: str
    preferred_forename: str
    nc_year: str


class PupilOut(PupilBriefOut):
    temporary_upn: bool
    date_of_birth: date
    gender: str
    ethnicity: str
    ethnic_group: str
    first_language: str
    eal: bool
    sen: str
    looked_after: bool
    on_roll: bool
    fsm_now: bool = Field(description="Eligible for free school meals today")
    ever_6: bool = Field(description="Eligible at any time in the last six years")
    entry: EntrySummaryOut | None = Field(description="This academic year's current entry")

    @staticmethod
    def resolve_entry(pupil: Pupil) -> RegisterEntry | None:
        return pupil.current_entries[0] if pupil.current_entries else None  # prefetched


class PupilPageOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    items: list[PupilOut]


class FsmPeriodOut(Schema):
    start: date
    end: date | None


class ChangeOut(Schema):
    kind: str
    old_value: str
    new_value: str
    changed_on: date
    source: str


class AttainmentOut(Schema):
    stage: str
    subject: str
    component: str
    method: str
    result: str
    score: float | None
    year: int


class EvidenceOut(Schema):
    id: int
    pupil: int
    academic_year: int
    kind: str
    domain: str
    summary: str
    measure: str
    score: float | None
    item: int | None
    added_by: str
    added_at: datetime

    @staticmethod
    def resolve_pupil(evidence: Evidence) -> int:
        return evidence.pupil_id

    @staticmethod
    def resolve_item(evidence: Evidence) -> int | None:
        return evidence.item_id

    @staticmethod
    def resolve_added_by(evidence: Evidence) -> str:
        return evidence.added_by_name


class PupilDetailOut(PupilOut):
    left_on: date | None
    fsm_periods: list[FsmPeriodOut]
    changes: list[ChangeOut]
    attainment: list[AttainmentOut]
    entries: list[EntryOut] = Field(description="Every register entry, newest first")
    evidence: list[EvidenceOut]

    # All prefetched by ``pupil_record``.
    @staticmethod
    def resolve_fsm_periods(pupil: Pupil) -> list:
        return list(pupil.fsm_periods.all())

    @staticmethod
    def resolve_changes(pupil: Pupil) -> list:
        return list(pupil.changes.all())

    @staticmethod
    def resolve_attainment(pupil: Pupil) -> list:
        return list(pupil.attainment.all())

    @staticmethod
    def resolve_entries(pupil: Pupil) -> list:
        return list(pupil.register_entries.all())

    @staticmethod
    def resolve_evidence(pupil: Pupil) -> list:
        return list(pupil.evidence.all())


class RegisterRowOut(EntrySummaryOut):
    pupil: PupilBriefOut
    reason: str
    next_review: date | None
    recorded_by: str
    evidence_this_year: int

    @staticmethod
    def resolve_recorded_by(entry: RegisterEntry) -> str:
        return entry.recorded_by_name


class RegisterPageOut(Schema):
    academic_year: int
    count: int
    page: int
    pages: int
    per_page: int
    items: list[RegisterRowOut]


class NominationIn(Schema):
    domains: list[str] = Field(description="Keys of the register's domains, e.g. maths, music")
    summary: str = Field("", description="The evidence that prompted the nomination")
    kind: str = Field(
        Evidence.Kind.TEACHER_NOMINATION.value,
        description="Who nominates: " + ", ".join(k for k in Evidence.Kind.values if "nom" in k),
    )
    item_id: int | None = Field(None, description="A portfolio item of the pupil's, as evidence")


class EvidenceIn(Schema):
    kind: str = Field(description="One of: " + ", ".join(Evidence.Kind.values))
    summary: str = ""
    domain: str = ""
    measure: str = ""
    score: float | None = None
    item_id: int | None = None


class DecisionIn(Schema):
    status: str = Field(description="identified, not_identified or removed")
    domains: list[str] = Field(default_factory=list)
    top_5: bool = False
    reason: str = ""
    next_review: date | None = None


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
    errors: list[ImportErrorOut] = Field(description=f"The first {ERRORS_SHOWN} row errors")
    message: str
    created_at: datetime
    confirmed_at: datetime | None
    finished_at: datetime | None


class MappingIn(Schema):
    mapping: dict[str, str] = Field(description="Field key → the file's column header")


# --- reads -----------------------------------------------------------------------------------


def _records(user, year: int) -> QuerySet:
    """Pupil records the user may see, with today's FSM flags and this year's current entry."""
    today = timezone.localdate()
    return (
        visible(user, "pupil_record")
        .annotate(fsm_now=fsm_on(today), ever_6=ever_6(today))
        .prefetch_related(
            Prefetch(
                "register_entries",
                RegisterEntry.objects.current().filter(academic_year=year),
                to_attr="current_entries",
            )
        )
    )


def _page(found: QuerySet, page: int, per_page: int) -> dict:
    """One page of ``found`` (two queries: the count, the rows); a page past the end is the
    last, as on the pages."""
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    paginator = Paginator(found, per_page)
    shown = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": shown.number,
        "pages": paginator.num_pages,
        "per_page": per_page,
        "items": list(shown.object_list),
    }


def _read(request, school, why: str, target=None, page: dict | None = None) -> None:
    """The one audit event of a read: a list's shows which page of how many (as the pages')."""
    detail = {}
    if page is not None:
        detail = {
            "what": f"page {page['page']} of {page['pages']}: {len(page['items'])} rows",
            "filters": {
                k: v[:100] for k, v in request.GET.items() if k not in ("page", "per_page")
            },
        }
    services.log_access(request.user, READ, school, why=f"API: {why}", target=target, **detail)


@router.get(
    "/schools/{school_id}/pupils",
    response=PupilPageOut,
    summary="A school's pupil records, with FSM flags and this year's register entry",
)
@requires("register.view", "school_id", api=True)
def school_pupils(
    request,
    school_id: int,
    on_roll: Literal["true", "false", "all"] = Query(
        "true", description="On roll (the default), left the school, or both"
    ),
    nc_year: str = "",
    status: RegisterEntry.Status | None = None,
    q: str = Query("", description="The start of a name or of a UPN"),
    page: int = 1,
    per_page: int = PER_PAGE,
):
    school = request.access_target
    year = academic_year()
    chosen = lists.PupilFilter(
        on_roll={"true": True, "false": False, "all": None}[on_roll],
        nc_year=nc_year.strip()[:4],
        status=status or "",
        q=q.strip()[:100],
    )
    found = lists.pupil_records(request.user, school, year, chosen).prefetch_related(
        Prefetch(
            "register_entries",
            RegisterEntry.objects.current().filter(academic_year=year),
            to_attr="current_entries",
        )
    )
    answer = _page(found, page, per_page)
    _read(request, school, "list pupils", target=school, page=answer)
    return answer


@router.get(
    "/pupils/{pupil_id}",
    response=PupilDetailOut,
    summary="A pupil's record: FSM periods, changes, attainment, register history, evidence",
)
@requires("pupil_record.view", "pupil_id", api=True)
def pupil_record(request, pupil_id: int):
    pupil = (
        _records(request.user, academic_year())
        .select_related("school")
        .prefetch_related(
            "fsm_periods",
            "changes",
            "attainment",
            Prefetch("register_entries", RegisterEntry.objects.order_by("-recorded_at", "-pk")),
            Prefetch("evidence", Evidence.objects.order_by("-added_at", "-pk")),
        )
        .get(pk=request.access_target.pk)
    )
    _read(request, pupil.school, "read a pupil's record", target=pupil)
    return pupil


REGISTER_STATUS = Query(
    None,
    description="A status, or 'all'; by default every pupil on the register or nominated "
    "(not those decided not identified), as on the register page",
)


@router.get(
    "/schools/{school_id}/register",
    response={200: RegisterPageOut, 400: ErrorOut},
    summary="This academic year's current register entries at a school",
)
@requires("register.view", "school_id", api=True)
@refusals_as_400(fields=API_FIELDS)
def school_register(
    request,
    school_id: int,
    status: RegisterEntry.Status | Literal["all"] | None = REGISTER_STATUS,
    gifted: bool | None = None,
    talented: bool | None = None,
    domain: str = "",
    top_5: bool | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
):
    school = request.access_target
    year = academic_year()
    if domain and domain not in DOMAINS:
        raise ValidationError({"domain": "Unknown domain."})
    chosen = lists.RegisterFilter(
        status=status or lists.ON_REGISTER,
        gifted=gifted,
        talented=talented,
        top_5=top_5,
        domain=domain,
    )
    entries = lists.register_entries(request.user, school, year, chosen)
    answer = {"academic_year": year, **_page(entries, page, per_page)}
    _read(request, school, "read the register", target=school, page=answer)
    return answer


# --- nominations, evidence, decisions ----------------------------------------------------------


def _item(user, item_id: int | None) -> Item | None:
    """A portfolio item the user may see, named as evidence (the service checks whose it is)."""
    if item_id is None:
        return None
    item = visible(user, Item).filter(pk=item_id).first()
    if item is None:
        raise ValidationError({"item_id": "There is no such item you may see."})
    return item


@router.post(
    "/pupils/{pupil_id}/nominations",
    response={201: EntryOut, 400: ErrorOut},
    summary="Nominate a pupil for the register, with the evidence that prompted it",
)
@requires("pupil_record.nominate", "pupil_id", api=True)
@refusals_as_400(fields=API_FIELDS)
def nominate_pupil(request, pupil_id: int, nomination: NominationIn):
    entry = services.nominate(
        request.user,
        request.access_target,
        domains=nomination.domains,
        summary=nomination.summary,
        kind=nomination.kind,
        item=_item(request.user, nomination.item_id),
    )
    return Status(201, entry)


@router.post(
    "/pupils/{pupil_id}/evidence",
    response={201: EvidenceOut, 400: ErrorOut},
    summary="Add a piece of evidence to a pupil's record",
)
@requires("pupil_record.nominate", "pupil_id", api=True)
@refusals_as_400(fields=API_FIELDS)
def add_pupil_evidence(request, pupil_id: int, evidence: EvidenceIn):
    added = services.add_evidence(
        request.user,
        request.access_target,
        kind=evidence.kind,
        summary=evidence.summary,
        domain=evidence.domain,
        measure=evidence.measure,
        score=evidence.score,
        item=_item(request.user, evidence.item_id),
    )
    return Status(201, added)


@router.post(
    "/pupils/{pupil_id}/decisions",
    response={201: EntryOut, 400: ErrorOut},
    summary="Decide: identify a pupil, not identify them, or remove them from the register",
)
@requires("pupil_record.decide", "pupil_id", api=True)
@refusals_as_400(fields=API_FIELDS)
def decide_pupil(request, pupil_id: int, decision: DecisionIn):
    entry = services.decide(
        request.user,
        request.access_target,
        status=decision.status,
        domains=decision.domains,
        top_5=decision.top_5,
        reason=decision.reason,
        next_review=decision.next_review,
    )
    return Status(201, entry)


# --- imports ---------------------------------------------------------------------------------


def _batch(batch: ImportBatch) -> dict:
    summary = batch.summary or {}
    written = summary.get("written")
    fields = REGISTER_FIELDS if batch.kind == ImportBatch.Kind.REGISTER else FIELDS
    return {
        "id": batch.pk,
        "school": batch.school_id,
        "state": batch.state,
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
        "errors": ((written or summary).get("errors") or [])[:ERRORS_SHOWN],
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
        _read(request, batch.school, "an import's preview", target=batch)
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
