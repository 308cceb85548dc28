"""The G&T register in the API: this year's current entries at a school, and the register's
decisions about one pupil (nominate, add evidence, decide), through the same services and
``access`` guards as the register's pages. Reading the register writes one audit event."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import Field

from risingtide.access.core import requires, visible
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.portfolios.models import Item
from risingtide.register import lists, services
from risingtide.register.api.common import (
    API_FIELDS,
    PER_PAGE,
    EntryOut,
    EntrySummaryOut,
    EvidenceOut,
    log_read,
    page_of,
)
from risingtide.register.api.pupils import PupilBriefOut
from risingtide.register.models import Evidence, RegisterEntry, academic_year
from risingtide.register.rows import DOMAINS

router = Router(tags=["Register"])


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
    answer = {"academic_year": year, **page_of(entries, page, per_page)}
    log_read(request, school, "read the register", target=school, page=answer)
    return answer


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
