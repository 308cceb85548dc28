"""Pupil records in the API: a school's pupil list (with FSM flags and this year's register
entry) and one pupil's whole record. Pupil-level data is read only through
``access.core.visible``, and every read writes one audit event (``common.log_read``)."""

from datetime import date
from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from risingtide.access.core import requires, visible
from risingtide.register import lists
from risingtide.register.api.common import (
    PER_PAGE,
    EntryOut,
    EntrySummaryOut,
    EvidenceOut,
    log_read,
    page_of,
)
from risingtide.register.models import (
    Evidence,
    Pupil,
    RegisterEntry,
    academic_year,
    ever_6,
    fsm_on,
)

router = Router(tags=["Register"])


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
    answer = page_of(found, page, per_page)
    log_read(request, school, "list pupils", target=school, page=answer)
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
    log_read(request, pupil.school, "read a pupil's record", target=pupil)
    return pupil
