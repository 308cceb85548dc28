"""The school's provision map as data: every line of it for one academic year (the school's own
opportunities and the marketplace's services it booked), filtered, and laid out as the grids
schools know: year group × wave, or component × term. The page, its CSV and XLSX and the API
all read ``entries``; the page's grids are made from the same list (``map_grids``).

A booked service has no wave, component or term of its own, so the map says what it is:
bookings are for named pupils, so wave 2 (a small group), or wave 3 for mentoring; the component
is "beyond the classroom" (it is delivered by someone outside the school); the term is the one
its session starts in, and its year groups the service's own. A service booked in two terms is
two lines, one per term; the places are the pupils booked (staff places are not provision).

Three queries whatever the size of the map: the opportunities with their places taken, their
components, and the bookings counted by service and session."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.opportunities.models import (
    Component,
    Domain,
    Kind,
    Opportunity,
    OpportunityComponent,
    Participation,
    Term,
    Wave,
)
from risingtide.opportunities.places import HOLDING
from risingtide.people.models import Membership, Role, User
from risingtide.provision.models import Booking, Service
from risingtide.provision.periods import term_of
from risingtide.register.models import academic_year, year_label
from risingtide.register.rows import DOMAINS, GIFTED_DOMAINS, TALENTED_DOMAINS

SCHOOL, MARKETPLACE = "school", "marketplace"
SOURCES = {SCHOOL: "The school's own", MARKETPLACE: "Marketplace"}
VIEWS = {"years": "Year group × wave", "components": "Component × term"}
# Each phase's year groups (Reception is 0), shown even when empty so a gap shows.
PHASE_YEARS = {
    "primary": range(0, 7),
    "secondary": range(7, 12),
    "all-through": range(0, 14),
    "special": range(0, 14),
}
# A service's kind as the map's kinds (for the kind filter); its own name is still shown.
SERVICE_KINDS = {
    Service.Kind.MENTORING: Kind.MENTORING,
    Service.Kind.COMPETITION: Kind.COMPETITION,
}
WAVE_SHORT = {Wave.WHOLE_CLASS: "Whole class", Wave.SMALL_GROUP: "Small group", 3: "Individual"}
TERM_ORDER = [Term.AUTUMN, Term.SPRING, Term.SUMMER, Term.YEAR]


def year_name(year: int) -> str:
    return "Reception" if year == 0 else f"Year {year}"


def years_words(first: int, last: int) -> str:
    if first == last:
        return year_name(first)
    return f"Years {first} to {last}" if first else f"Reception to Year {last}"


@dataclass(frozen=True)
class MapFilters:
    """What the map shows; every filter optional but the academic year (default: this one)."""

    academic_year: int
    wave: int | None = None
    component: str | None = None
    domain: str | None = None
    term: str | None = None
    kind: str | None = None
    year: int | None = None  # a year group the line must be open to
    source: str | None = None  # SCHOOL or MARKETPLACE
    withdrawn: bool = False  # include withdrawn opportunities

    @classmethod
    def default(cls) -> "MapFilters":
        return cls(academic_year=academic_year())


@dataclass(frozen=True)
class Entry:
    """One line of the map: the school's own opportunity, or a service it booked for a term."""

    source: str
    pk: int  # the opportunity's, or the service's
    title: str
    kind: str  # one of Kind (for filtering)
    kind_label: str  # as its owner names it
    wave: int
    components: tuple[str, ...]
    domain: str
    subjects: tuple[str, ...]
    year_from: int
    year_to: int
    academic_year: int
    term: str
    starts_on: date | None
    ends_on: date | None
    staff_lead: str
    provider: str
    capacity: int | None
    places_taken: int
    cost_pounds: Decimal | None  # the school's own
    credits_each: int | None  # a booked service's price per place, in e-credits
    needs_consent: bool
    on_menu: bool
    withdrawn: bool
    description: str = ""

    @property
    def key(self) -> str:
        if self.source == SCHOOL:
            return f"opportunity-{self.pk}"
        return f"service-{self.pk}-{self.term}"

    @property
    def marketplace(self) -> bool:
        return self.source == MARKETPLACE

    @property
    def years(self) -> str:
        return years_words(self.year_from, self.year_to)

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)

    @property
    def wave_label(self) -> str:
        return Wave(self.wave).label

    @property
    def term_label(self) -> str:
        return Term(self.term).label

    @property
    def domain_label(self) -> str:
        return Domain(self.domain).label

    @property
    def component_labels(self) -> list[str]:
        return [Component(c).label for c in self.components]

    @property
    def subject_labels(self) -> list[str]:
        return [DOMAINS.get(s, s) for s in self.subjects]

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken, 0)

    @property
    def cost(self) -> str:
        if self.credits_each is not None:
            return f"{self.credits_each} e-credits a place"
        if not self.cost_pounds:
            return "Free"
        return f"£{self.cost_pounds:,.2f}"

    @property
    def dates(self) -> str:
        if self.starts_on and self.ends_on and self.starts_on != self.ends_on:
            return f"{self.starts_on:%-d %b %Y} to {self.ends_on:%-d %b %Y}"
        day = self.starts_on or self.ends_on
        return f"{day:%-d %b %Y}" if day else ""


def matches(entry: Entry, f: MapFilters) -> bool:
    """Whether a line of the map passes the filters (the same test for both sources)."""
    return (
        (f.wave is None or entry.wave == f.wave)
        and (f.component is None or f.component in entry.components)
        and (f.domain is None or entry.domain in (f.domain, Domain.BOTH))
        and (f.term is None or entry.term == f.term)
        and (f.kind is None or entry.kind == f.kind)
        and (f.year is None or entry.year_from <= f.year <= entry.year_to)
        and (f.source is None or entry.source == f.source)
        and (f.withdrawn or not entry.withdrawn)
    )


def _opportunity_entry(o: Opportunity) -> Entry:
    return Entry(
        source=SCHOOL,
        pk=o.pk,
        title=o.title,
        kind=o.kind,
        kind_label=o.get_kind_display(),
        wave=o.wave,
        components=tuple(sorted((c.component for c in o.components.all()), key=_component_order)),
        domain=o.domain,
        subjects=tuple(o.subjects or ()),
        year_from=o.year_from,
        year_to=o.year_to,
        academic_year=o.academic_year,
        term=o.term,
        starts_on=o.starts_on,
        ends_on=o.ends_on,
        staff_lead=o.staff_lead.get_full_name() if o.staff_lead else "",
        provider="",
        capacity=o.capacity,
        places_taken=o.taken,
        cost_pounds=o.cost_pounds,
        credits_each=None,
        needs_consent=o.needs_consent,
        on_menu=o.on_menu,
        withdrawn=o.withdrawn_at is not None,
        description=o.description,
    )


def _component_order(component: str) -> int:
    return Component.values.index(component)


def opportunities(user, school, year: int):
    """The school's own opportunities of ``year`` that ``user`` sees, with places taken."""
    return (
        visible(user, "opportunity")
        .filter(school=school, academic_year=year)
        .select_related("staff_lead")
        .prefetch_related(Prefetch("components", queryset=OpportunityComponent.objects.all()))
        .annotate(taken=Count("participations", filter=Q(participations__state__in=HOLDING)))
    )


def _year_span(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(date(year, 9, 1), time.min), tz),
        timezone.make_aware(datetime.combine(date(year + 1, 9, 1), time.min), tz),
    )


def _service_domain(subjects: list[str]) -> str:
    keys = set(subjects or [])
    if keys and keys <= set(GIFTED_DOMAINS):
        return Domain.GIFTED
    if keys and keys <= set(TALENTED_DOMAINS):
        return Domain.TALENTED
    return Domain.BOTH


def booked(user, school, year: int) -> list[Entry]:
    """The marketplace's services ``school`` booked for its pupils with sessions in ``year``,
    one line per service and term (cancelled bookings left out), in one query."""
    start, end = _year_span(year)
    rows = (
        visible(user, "booking", "booking.map")
        .filter(
            school=school,
            status__in=[Booking.Status.BOOKED, Booking.Status.DELIVERED],
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .exclude(session__service__audience=Service.Audience.EDUCATORS)
        .values(
            "session__service_id",
            "session__service__title",
            "session__service__kind",
            "session__service__year_from",
            "session__service__year_to",
            "session__service__domains",
            "session__service__consent_needed",
            "session__service__summary",
            "session__service__provider__name",
            "session__starts_at",
            "session__ends_at",
            "price_each",
        )
        .annotate(
            pupils=Count("places", filter=Q(places__active=True, places__pupil__isnull=False))
        )
        .order_by("session__starts_at", "session__service_id")
    )
    lines: dict[tuple[int, str], dict] = {}
    for row in rows:
        starts = timezone.localtime(row["session__starts_at"]).date()
        ends = timezone.localtime(row["session__ends_at"]).date()
        key = (row["session__service_id"], term_of(starts))
        line = lines.setdefault(key, {**row, "first": starts, "last": ends, "pupils": 0})
        line["first"], line["last"] = min(line["first"], starts), max(line["last"], ends)
        line["pupils"] += row["pupils"]
    return [_booked_entry(service_id, term, row, year) for (service_id, term), row in lines.items()]


def _booked_entry(service_id: int, term: str, row: dict, year: int) -> Entry:
    kind = row["session__service__kind"]
    return Entry(
        source=MARKETPLACE,
        pk=service_id,
        title=row["session__service__title"],
        kind=SERVICE_KINDS.get(kind, Kind.OTHER),
        kind_label=Service.Kind(kind).label,
        wave=Wave.INDIVIDUAL if kind == Service.Kind.MENTORING else Wave.SMALL_GROUP,
        components=(Component.BEYOND,),
        domain=_service_domain(row["session__service__domains"]),
        subjects=tuple(row["session__service__domains"] or ()),
        year_from=row["session__service__year_from"],
        year_to=row["session__service__year_to"],
        academic_year=year,
        term=term,
        starts_on=row["first"],
        ends_on=row["last"],
        staff_lead="",
        provider=row["session__service__provider__name"],
        capacity=None,
        places_taken=row["pupils"],
        cost_pounds=None,
        credits_each=row["price_each"],
        needs_consent=row["session__service__consent_needed"],
        on_menu=False,
        withdrawn=False,
        description=row["session__service__summary"],
    )


def _order(entry: Entry) -> tuple:
    return (
        entry.year_from,
        entry.year_to,
        entry.wave,
        TERM_ORDER.index(entry.term),
        entry.title.lower(),
        entry.source,
        entry.pk,
    )


def entries(user, school, filters: MapFilters) -> list[Entry]:
    """Every line of ``school``'s map that ``user`` may see and ``filters`` keep, youngest
    year groups first, then by wave, term and title (the order of the page's list, its files
    and the API)."""
    found = [_opportunity_entry(o) for o in opportunities(user, school, filters.academic_year)]
    found += booked(user, school, filters.academic_year)
    return sorted((e for e in found if matches(e, filters)), key=_order)


def academic_years(user, school, around: int) -> list[int]:
    """The years the map can show: those with opportunities, and last, this and next year."""
    years = set(
        visible(user, "opportunity")
        .filter(school=school)
        .values_list("academic_year", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(years | {around - 1, around, around + 1}, reverse=True)


# --- One opportunity -----------------------------------------------------------------------


def staff_of(school):
    """The school's staff, who may lead an opportunity (for the form's choice)."""
    return (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(
                school=school, role__in=[Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD]
            ).values("user_id"),
        )
        .order_by("last_name", "first_name", "pk")
        .only("pk", "first_name", "last_name", "username")
    )


@dataclass
class OpportunityPage:
    entry: Entry
    opportunity: Opportunity
    holding: list[Participation]  # a place, or took part: those the viewer may see
    waiting: list[Participation]
    asking: int  # requests and offers not yet answered (a count: no names)
    hidden: int  # places the viewer sees counted but not named (not their groups' pupils)


def opportunity_page(user, opportunity: Opportunity) -> OpportunityPage:
    """An opportunity as its staff page shows it: what it is, places taken and left, and who
    has one or is waiting, as far as ``user`` may see those pupils (``participation.view``:
    a teacher their own groups', the coordinator everyone's)."""
    found = opportunities(user, opportunity.school, opportunity.academic_year).get(
        pk=opportunity.pk
    )
    entry = _opportunity_entry(found)
    seen = list(
        visible(user, "participation")
        .filter(opportunity=opportunity)
        .filter(state__in=[*HOLDING, Participation.State.WAITING])
        .select_related("pupil")
        .order_by("waiting_since", "pupil__legal_surname", "pupil__legal_forename", "pk")
    )
    asking = Participation.objects.filter(
        opportunity=opportunity,
        state__in=[
            Participation.State.REQUESTED,
            Participation.State.OFFERED,
            Participation.State.ALTERNATIVE,
        ],
    ).count()
    holding = [p for p in seen if p.state in HOLDING]
    return OpportunityPage(
        entry=entry,
        opportunity=found,
        holding=sorted(holding, key=lambda p: (p.pupil.surname.lower(), p.pupil.forename.lower())),
        waiting=[p for p in seen if p.state == Participation.State.WAITING],
        asking=asking,
        hidden=max(entry.places_taken - len(holding), 0),
    )
