"""The marketplace in the API: the catalogue (searched and filtered as the page is), a service
with its sessions, a school's bookings, booking places with an ``Idempotency-Key`` header (the
same key again answers with the first booking) and cancelling under the refund rule; and the
spend and uptake reports. Same guards, reads and domain functions as the pages; every refusal
in the one shape of ``lib.api_errors``. The reports are in ``report_api``."""

from datetime import datetime

from django.core.paginator import Paginator
from ninja import Field, Header, Query, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusal, refusals_as_400
from risingtide.lib.paging import page_number
from risingtide.provision import bookings, queries
from risingtide.provision.eligibility import years_label
from risingtide.provision.models import Booking, Service
from risingtide.standards.models import PlanAction

router = Router(tags=["Provision"])
KEY_HEADER = "Idempotency-Key"
PER_PAGE = 20  # as the catalogue page


class ServiceOut(Schema):
    id: int
    title: str
    provider: str
    kind: Service.Kind
    audience: Service.Audience
    format: Service.Format
    years: str
    price: int = Field(description="E-credits per place")
    status: Service.Status


class ProvisionSessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    places_left: int
    closed: bool


class ServiceDetailOut(ServiceOut):
    summary: str
    venue: str
    register_only: bool
    top_5_only: bool
    fsm_priority_places: int
    consent_needed: bool
    accessibility: str
    full_refund_days: int
    late_refund_percent: int
    sessions: list[ProvisionSessionOut]


class CataloguePage(Schema):
    count: int
    page: int
    pages: int
    results: list[ServiceOut]


class CatalogueFilters(Schema):
    q: str = Field("", max_length=100, description="Search words: title, provider, description")
    kind: Service.Kind | None = None
    audience: Service.Audience | None = None
    year: int | None = Field(None, ge=0, le=13, description="A year group (0 is Reception)")
    format: Service.Format | None = None
    price_up_to: int | None = Field(None, ge=0)
    status: Service.Status | None = Field(
        None, description="Other than published: only for the contract manager and providers"
    )
    page: str | None = None


class BookedPlaceOut(Schema):
    id: int
    name: str
    attended: bool | None


class BookingOut(Schema):
    id: int
    school: int
    session: int
    service: str
    starts_at: datetime
    status: Booking.Status
    price_each: int
    places: list[BookedPlaceOut]
    created_at: datetime


class BookingIn(Schema):
    pupils: list[int] = Field(default_factory=list, description="Pupil record ids")
    staff: list[int] = Field(default_factory=list, description="Staff user ids")
    plan_action: int | None = Field(None, description="An action of the school's plan")


def _service(s: Service) -> dict:
    return {
        "id": s.pk,
        "title": s.title,
        "provider": s.provider.name,
        "kind": s.kind,
        "audience": s.audience,
        "format": s.format,
        "years": years_label(s),
        "price": s.price,
        "status": s.status,
    }


def _booking(b: Booking) -> dict:
    return {
        "id": b.pk,
        "school": b.school_id,
        "session": b.session_id,
        "service": b.session.service.title,
        "starts_at": b.session.starts_at,
        "status": b.status,
        "price_each": b.price_each,
        "places": [
            {"id": p.pk, "name": str(p), "attended": p.attended}
            for p in b.places.all()
            if p.active or b.status == Booking.Status.CANCELLED
        ],
        "created_at": b.created_at,
    }


@router.get(
    "/provision/services",
    response=CataloguePage,
    summary="The catalogue: services the caller may see, searched and filtered",
)
@requires("service.browse", api=True)
def catalogue_services(request, filters: Query[CatalogueFilters]):
    wanted = queries.wanted_by(
        request.user,
        text=filters.q,
        kind=filters.kind or "",
        audience=filters.audience or "",
        year=filters.year,
        format=filters.format or "",
        price_up_to=filters.price_up_to,
        status=filters.status or "",
    )
    page = Paginator(queries.catalogue(request.user, wanted), PER_PAGE).get_page(
        page_number(filters.page)
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_service(s) for s in page],
    }


@router.get(
    "/provision/services/{service_id}",
    response=ServiceDetailOut,
    summary="A service with its sessions and places left",
)
@requires("service.view", "service_id", api=True)
def service_detail(request, service_id: int):
    s = request.access_target
    return {
        **_service(s),
        **{
            name: getattr(s, name)
            for name in (
                "summary",
                "venue",
                "register_only",
                "top_5_only",
                "fsm_priority_places",
                "consent_needed",
                "accessibility",
                "full_refund_days",
                "late_refund_percent",
            )
        },
        "sessions": [
            {
                "id": x.pk,
                "starts_at": x.starts_at,
                "ends_at": x.ends_at,
                "capacity": x.capacity,
                "places_left": x.places_left,
                "closed": x.closed,
            }
            for x in queries.sessions_of(s)
        ],
    }


@router.get(
    "/provision/schools/{school_id}/bookings",
    response=list[BookingOut],
    summary="A school's bookings, newest first",
)
@requires("places.book", "school_id", api=True)
def school_bookings(request, school_id: int):
    return [_booking(b) for b in queries.school_bookings(request.access_target)]


@router.post(
    "/provision/schools/{school_id}/sessions/{int:session_id}/bookings",
    response={201: BookingOut, 400: ErrorOut, 404: ErrorOut},
    summary="Book places at a session for the school's pupils or staff, paid in e-credits",
)
@requires("places.book", "school_id", api=True)
@refusals_as_400(fields={"pupil_ids": "pupils", "staff_ids": "staff"})
def book_places(
    request,
    school_id: int,
    session_id: int,
    body: BookingIn,
    idempotency_key: str | None = Header(None, alias=KEY_HEADER),
):
    school = request.access_target
    session = queries.seen_session(request.user, session_id)
    if session is None:
        return refusal(404, "No such session.")
    if not idempotency_key or not idempotency_key.strip():
        return refusal(
            400,
            f"Send an {KEY_HEADER} header: a new one for each booking.",
            {KEY_HEADER: ["This header is required."]},
        )
    action = None
    if body.plan_action is not None:
        action = PlanAction.objects.filter(pk=body.plan_action, plan__school=school).first()
        if action is None:
            return refusal(
                400,
                "Choose an action of this school's own plan.",
                {"plan_action": ["Choose an action of this school's own plan."]},
            )
    booking = bookings.book(
        request.user,
        session,
        school,
        pupil_ids=body.pupils,
        staff_ids=body.staff,
        key=idempotency_key.strip(),
        plan_action=action,
    )
    return Status(201, _booking(queries.school_bookings(school).get(pk=booking.pk)))


@router.post(
    "/provision/bookings/{booking_id}/cancel",
    response={200: BookingOut, 400: ErrorOut},
    summary="Cancel a booking: credits go back under the refund rule it was booked under",
)
@requires("booking.cancel", "booking_id", api=True)
@refusals_as_400
def cancel_booking(request, booking_id: int):
    booking = bookings.cancel(request.user, request.access_target)
    return _booking(queries.school_bookings(booking.school).get(pk=booking.pk))
