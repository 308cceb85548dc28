"""What the marketplace's pages read: the catalogue with its filters, a service with its
sessions, a school's bookings and a provider's bookings. Every read starts from
``access.core.visible`` so a page can show only what its reader may see; each returns a
queryset or plain rows in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from risingtide.access.core import roles, visible
from risingtide.people.models import Role
from risingtide.provision import search
from risingtide.provision.models import Booking, Consent, Place, Service, Session, WaitingEntry

# Those who see services in other states than published, and so may filter by state.
SEES_EVERY_STATE = {Role.NATIONAL_OFFICER, Role.PROVIDER_STAFF}


@dataclass(frozen=True)
class CatalogueFilter:
    text: str = ""
    kind: str = ""
    audience: str = ""
    year: int | None = None
    format: str = ""
    price_up_to: int | None = None
    status: str = Service.Status.PUBLISHED


def sees_every_state(user) -> bool:
    return bool(roles(user) & SEES_EVERY_STATE)


def wanted_by(
    user,
    *,
    text: str = "",
    kind: str = "",
    audience: str = "",
    year: int | None = None,
    format: str = "",
    price_up_to: int | None = None,
    status: str = "",
) -> CatalogueFilter:
    """What a page or API request asks for, as one filter: a state other than published only
    for those who see services in every state."""
    if not status or not sees_every_state(user):
        status = Service.Status.PUBLISHED
    return CatalogueFilter(
        text or "", kind or "", audience or "", year, format or "", price_up_to, status
    )


def catalogue(user, wanted: CatalogueFilter) -> QuerySet:
    """The services ``user`` may see that match ``wanted``, with their provider; searched by
    title, provider and description (best match first), else in order of title. A search
    costs one more query than a listing (whether any whole word matched)."""
    qs = visible(user, "service").select_related("provider")
    if wanted.status:
        qs = qs.filter(status=wanted.status)
    qs = _filtered(qs, wanted)
    found, searched = search.matching(qs, wanted.text)
    if searched and not found.exists():
        # No whole word matched: a part of one ("crypto" for "Cryptography") still finds the
        # services whose title, description or provider's name holds the text as typed.
        text = wanted.text.strip()[:100]
        return qs.filter(
            Q(title__icontains=text)
            | Q(summary__icontains=text)
            | Q(provider__name__icontains=text)
        ).order_by("title", "pk")
    if searched:
        return found.order_by("-rank", "title", "pk")
    return qs.order_by("title", "pk")


def _filtered(qs: QuerySet, wanted: CatalogueFilter) -> QuerySet:
    for field in ("kind", "audience", "format"):
        if value := getattr(wanted, field):
            qs = qs.filter(**{field: value})
    if wanted.year is not None:
        qs = qs.filter(year_from__lte=wanted.year, year_to__gte=wanted.year)
    if wanted.price_up_to is not None:
        qs = qs.filter(price__lte=wanted.price_up_to)
    return qs


def sessions_of(service: Service) -> list[Session]:
    return list(service.sessions.order_by("starts_at", "pk"))


def school_bookings(school) -> QuerySet:
    """A school's bookings, newest first, with their session, service and places."""
    return (
        Booking.objects.filter(school=school)
        .select_related("session__service__provider", "plan_action")
        .prefetch_related(
            Prefetch("places", queryset=Place.objects.select_related("pupil", "staff"))
        )
    )


def school_waiting(school) -> QuerySet:
    return (
        WaitingEntry.objects.filter(
            school=school, status__in=[WaitingEntry.Status.WAITING, WaitingEntry.Status.OFFERED]
        )
        .select_related("session__service")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class PlaceRow:
    """A place as a provider sees it: a name and attendance, never a characteristic."""

    pk: int
    name: str
    attended: bool | None
    # Where the service needs a parent's consent: "Given", "Waiting for a parent or carer"...
    consent: str = ""


def provider_sessions(user, provider) -> list[tuple[Session, list[Booking]]]:
    """Each session of ``provider``'s services with the bookings ``user`` may see of it."""
    bookings = (
        visible(user, "booking")
        .filter(session__service__provider=provider)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("school", "session__service")
        .order_by("session__starts_at", "session_id", "pk")
    )
    grouped: dict[int, tuple[Session, list[Booking]]] = {}
    for booking in bookings:
        grouped.setdefault(booking.session_id, (booking.session, []))[1].append(booking)
    return list(grouped.values())


def place_rows(booking: Booking) -> list[PlaceRow]:
    """The booking's places as names only (what delivery needs)."""
    rows = booking.places.filter(active=True).values_list(
        "pk",
        "pupil__preferred_forename",
        "pupil__legal_forename",
        "pupil__legal_surname",
        "staff__first_name",
        "staff__last_name",
        "attended",
        "consent",
    )
    words = dict(Consent.choices)
    out = []
    for pk, preferred, forename, surname, staff_first, staff_last, attended, consent in rows:
        if surname or forename:
            name = f"{preferred or forename} {surname}".strip()
        else:
            name = f"{staff_first} {staff_last}".strip()
        shown = "" if consent == Consent.NOT_NEEDED else words[consent]
        out.append(PlaceRow(pk, name, attended, shown))
    return out


def seen_session(user, session_id: int) -> Session | None:
    """A session of a service ``user`` may see, with its service and provider; else None."""
    return (
        Session.objects.filter(pk=session_id, service__in=visible(user, "service"))
        .select_related("service__provider")
        .first()
    )
