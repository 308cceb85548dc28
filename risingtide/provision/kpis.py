"""KPI actuals and delivery records, worked out from bookings, attendance and ratings; never
typed, never stored.

What each measure counts, for a contract, over the sessions of the services it covers that
start within its period (first to last day, inclusive):

- **Places delivered** (a count): places whose booking the provider marked delivered and whose
  person attended.
- **Share of pupil places to disadvantaged pupils** (a percentage, one decimal): of the places
  booked for pupils (not cancelled; staff places do not count), those whose pupil is in the
  register's *Ever-6 FSM* group (``register.models.ever_6``, the group insights report and the
  funding formula weights), read on the day the KPI is worked out. Ever-6 looks back six years,
  so a pupil eligible for free school meals when they took a place within the last six years
  counts. The pupils booked are those the school booked from its register of more able pupils.
- **Satisfaction** (a mean rating out of 5, one decimal): every rating of those sessions, each
  person's one rating counting once (teachers 1–5; pupils' faces as 5, 3 or 1).

A measure with nothing to count yet (no pupil places, no ratings) has no actual: it is neither
met nor missed. Otherwise it is *met* when the actual reaches the target; below it, *not met
so far* while the contract runs and *not met* once it has ended.

Every function here costs a fixed number of queries whatever the number of contracts or
sessions: the places and ratings are summed per session in the database, and the sessions are
shared out to contracts here.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from risingtide.provision.contract_models import ENDED, Contract, ContractKPI, Rating
from risingtide.provision.models import Booking, Place
from risingtide.register.models import ever_6

MET, NOT_MET_SO_FAR, NOT_MET, NO_DATA = "met", "not_met_so_far", "not_met", "no_data"
STATE_WORDS = {
    MET: "Met",
    NOT_MET_SO_FAR: "Not met so far",
    NOT_MET: "Not met",
    NO_DATA: "Nothing to measure yet",
}
UNITS = {
    ContractKPI.Measure.PLACES: "places",
    ContractKPI.Measure.DISADVANTAGED: "%",
    ContractKPI.Measure.SATISFACTION: "out of 5",
}
ONE_PLACE = Decimal("0.1")
ORDER = list(ContractKPI.Measure)


@dataclass
class Delivery:
    """What was delivered over a set of sessions, and how it was rated."""

    sessions_delivered: int = 0
    places_booked: int = 0
    places_attended: int = 0
    pupil_places: int = 0
    disadvantaged_places: int = 0
    ratings: int = 0
    rating_total: int = 0
    staff_ratings: int = 0
    staff_total: int = 0
    pupil_ratings: int = 0
    pupil_total: int = 0

    def add(self, other: "Delivery") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _mean(total: int, n: int) -> Decimal | None:
        return (Decimal(total) / n).quantize(ONE_PLACE, ROUND_HALF_UP) if n else None

    @property
    def mean_rating(self) -> Decimal | None:
        return self._mean(self.rating_total, self.ratings)

    @property
    def staff_mean(self) -> Decimal | None:
        return self._mean(self.staff_total, self.staff_ratings)

    @property
    def pupil_mean(self) -> Decimal | None:
        return self._mean(self.pupil_total, self.pupil_ratings)

    @property
    def disadvantaged_share(self) -> Decimal | None:
        if not self.pupil_places:
            return None
        share = Decimal(100 * self.disadvantaged_places) / self.pupil_places
        return share.quantize(ONE_PLACE, ROUND_HALF_UP)


@dataclass(frozen=True)
class SessionFigures:
    service_id: int
    day: date
    delivery: Delivery


@dataclass(frozen=True)
class KPIResult:
    kpi: ContractKPI
    actual: Decimal | None
    state: str

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def unit(self) -> str:
        return UNITS[self.kpi.measure]

    def _with_unit(self, value) -> str:
        return f"{value}{'' if self.unit == '%' else ' '}{self.unit}"

    @property
    def target_shown(self) -> str:
        return self._with_unit(self.kpi.target)

    @property
    def actual_shown(self) -> str:
        """The actual with its unit, or a dash while there is nothing to measure."""
        return "–" if self.actual is None else self._with_unit(self.actual)


@dataclass
class ContractFigures:
    delivery: Delivery = field(default_factory=Delivery)
    kpis: list[KPIResult] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for k in self.kpis if k.state == MET)


def session_figures(service_ids: Iterable[int], today: date) -> dict[int, SessionFigures]:
    """Each session of these services with places or ratings: two queries."""
    ids = list(service_ids)
    found: dict[int, SessionFigures] = {}

    def entry(session_id, service_id, starts_at) -> Delivery:
        if session_id not in found:
            day = timezone.localtime(starts_at).date()
            found[session_id] = SessionFigures(service_id, day, Delivery())
        return found[session_id].delivery

    delivered = Q(booking__status=Booking.Status.DELIVERED)
    places = (
        Place.objects.filter(active=True, session__service__in=ids)
        .annotate(disadvantaged=ever_6(today, "pupil_id"))
        .values("session_id", "session__service_id", "session__starts_at")
        .annotate(
            booked=Count("pk"),
            delivered=Count("pk", filter=delivered),
            attended=Count("pk", filter=delivered & Q(attended=True)),
            pupils=Count("pk", filter=Q(pupil__isnull=False)),
            disadvantaged_pupils=Count("pk", filter=Q(pupil__isnull=False) & Q(disadvantaged=True)),
        )
        .order_by()
    )
    for row in places:
        d = entry(row["session_id"], row["session__service_id"], row["session__starts_at"])
        d.sessions_delivered = 1 if row["delivered"] else 0
        d.places_booked = row["booked"]
        d.places_attended = row["attended"]
        d.pupil_places = row["pupils"]
        d.disadvantaged_places = row["disadvantaged_pupils"]
    staff, pupil = Q(rater=Rating.Rater.STAFF), Q(rater=Rating.Rater.PUPIL)
    ratings = (
        Rating.objects.filter(session__service__in=ids)
        .values("session_id", "session__service_id", "session__starts_at")
        .annotate(
            n=Count("pk"),
            total=Sum("score"),
            staff_n=Count("pk", filter=staff),
            staff_total=Sum("score", filter=staff),
            pupil_n=Count("pk", filter=pupil),
            pupil_total=Sum("score", filter=pupil),
        )
        .order_by()
    )
    for row in ratings:
        d = entry(row["session_id"], row["session__service_id"], row["session__starts_at"])
        d.ratings, d.rating_total = row["n"], row["total"] or 0
        d.staff_ratings, d.staff_total = row["staff_n"], row["staff_total"] or 0
        d.pupil_ratings, d.pupil_total = row["pupil_n"], row["pupil_total"] or 0
    return found


def delivery_of(service_ids: Iterable[int], today: date | None = None) -> Delivery:
    """Everything delivered by these services, at any time (a provider's record)."""
    total = Delivery()
    for figures in session_figures(service_ids, today or timezone.localdate()).values():
        total.add(figures.delivery)
    return total


def actual(measure: str, delivery: Delivery) -> Decimal | None:
    if measure == ContractKPI.Measure.PLACES:
        return Decimal(delivery.places_attended)
    if measure == ContractKPI.Measure.DISADVANTAGED:
        return delivery.disadvantaged_share
    return delivery.mean_rating


def judge(kpi: ContractKPI, value: Decimal | None, ended: bool) -> KPIResult:
    if value is None:
        return KPIResult(kpi, None, NO_DATA)
    if value >= kpi.target:
        return KPIResult(kpi, value, MET)
    return KPIResult(kpi, value, NOT_MET if ended else NOT_MET_SO_FAR)


def contract_figures(
    contracts: Iterable[Contract], today: date | None = None
) -> dict[int, ContractFigures]:
    """Each contract's delivery and its KPIs against their targets: four queries (the KPIs,
    the services covered, the places and the ratings) for any number of contracts."""
    today = today or timezone.localdate()
    contracts = list(contracts)
    by_id = {c.pk: c for c in contracts}
    covered: dict[int, set[int]] = defaultdict(set)
    for contract_id, service_id in Contract.services.through.objects.filter(
        contract__in=by_id
    ).values_list("contract_id", "service_id"):
        covered[contract_id].add(service_id)
    sessions = session_figures({s for ids in covered.values() for s in ids}, today)
    out = {pk: ContractFigures() for pk in by_id}
    for figures in sessions.values():
        for contract_id, services in covered.items():
            contract = by_id[contract_id]
            if figures.service_id in services and (
                contract.starts_on <= figures.day <= contract.ends_on
            ):
                out[contract_id].delivery.add(figures.delivery)
    for kpi in ContractKPI.objects.filter(contract__in=by_id).order_by("contract_id", "measure"):
        contract = by_id[kpi.contract_id]
        kpi.contract = contract
        ended = contract.status_on(today) == ENDED
        delivery = out[kpi.contract_id].delivery
        out[kpi.contract_id].kpis.append(judge(kpi, actual(kpi.measure, delivery), ended))
    for figures in out.values():
        figures.kpis.sort(key=lambda result: ORDER.index(result.kpi.measure))
    return out


@dataclass(frozen=True)
class KPILine:
    """One KPI of one contract, for the national report."""

    contract: Contract
    result: KPIResult


def kpi_lines(nation_id: int, start: date, end: date, today: date | None = None) -> list[KPILine]:
    """Every KPI of the nation's signed contracts that ran at any time from ``start`` to
    ``end``, with its actual against its target: five queries for any number of contracts."""
    contracts = list(
        Contract.objects.filter(
            provider__nation_id=nation_id,
            signed_on__isnull=False,
            starts_on__lte=end,
            ends_on__gte=start,
        )
        .select_related("provider")
        .order_by("provider__name", "reference")
    )
    figures = contract_figures(contracts, today)
    return [KPILine(c, result) for c in contracts for result in figures[c.pk].kpis]
