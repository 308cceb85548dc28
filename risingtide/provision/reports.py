"""Spend and uptake of the marketplace for a nation, an LA or a school, read live: credits
spent and places taken by LA, school, provider or kind of service in a period; places taken by
each pupil group against the group's share of the register; and the credits still unspent, with
those expiring soon. Each read takes a fixed number of queries whatever the number of schools,
bookings or pupils, and returns typed rows that the page, the CSV and the API all show.

*Spent* is what a booking holds or paid out: its places at the price it was booked at, less
what went back to the school when it was cancelled. A booking counts in the period its session
starts in. Every figure about pupils shown outside their own school passes the insights
disclosure control: the register counts as insights publishes them (the same figure hidden in
every table, ``insights.masks``), the places counts as one table of their own
(``disclosure.publish_table``)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from risingtide.access.core import can
from risingtide.credits.models import Account, Lot, Posting, Transaction
from risingtide.insights import disclosure, masks
from risingtide.insights.disclosure import Figure
from risingtide.insights.groups import BY_KEY, Dimension
from risingtide.insights.models import CensusRecord, Summary
from risingtide.insights.queries import Control
from risingtide.provision.kpis import KPILine, kpi_lines
from risingtide.provision.models import Booking, Place, Service
from risingtide.provision.periods import Period
from risingtide.register.models import academic_year, year_label

# The pupil groups whose places are set against their share of the register (one vocabulary
# with the register and insights: ``insights.groups``).
GROUP_DIMENSIONS = ("fsm", "ever_6", "eal", "sen", "gender", "ethnic_group")
BREAKDOWNS = {
    "la": "Local authority",
    "school": "School",
    "provider": "Provider",
    "kind": "Kind of service",
}
EXPIRING_DAYS = 60
ACCOUNTS_SHOWN = 100


@dataclass(frozen=True)
class Scope:
    """Whose marketplace: a nation, an LA or a school (``level`` as insights names them);
    ``exact`` when the reader is the school's own staff (no disclosure control)."""

    level: str  # "nation", "la" or "school"
    pk: int
    name: str
    exact: bool = False

    def bookings(self) -> Q:
        return {
            "nation": Q(school__local_authority__nation_id=self.pk),
            "la": Q(school__local_authority_id=self.pk),
            "school": Q(school_id=self.pk),
        }[self.level]

    def accounts(self) -> Q:
        return {
            "nation": Q(nation_id=self.pk)
            | Q(local_authority__nation_id=self.pk)
            | Q(school__local_authority__nation_id=self.pk, kind=Account.Kind.SCHOOL),
            "la": Q(local_authority_id=self.pk)
            | Q(school__local_authority_id=self.pk, kind=Account.Kind.SCHOOL),
            "school": Q(school_id=self.pk, kind=Account.Kind.SCHOOL),
        }[self.level]

    def summaries(self) -> Q:
        field_name = {"nation": "nation_id", "la": "local_authority_id", "school": "school_id"}
        return Q(level=self.level, **{field_name[self.level]: self.pk})


def scope_of(user, level: str, place) -> Scope:
    """The scope of a report on ``place`` (a nation, LA or school) for ``user``: exact only
    for a school's own staff (insights' own capability: one rule for every pupil figure)."""
    exact = level == "school" and can(user, "insights.own", place)
    return Scope(level, place.pk, str(place), exact)


# --- spend and uptake -------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendRow:
    key: str
    label: str
    bookings: int
    places: int  # places taken (not cancelled)
    attended: int
    spent: int  # credits
    schools: int  # schools that booked


@dataclass
class Spend:
    period: Period
    by: str
    rows: list[SpendRow]
    total: SpendRow

    @property
    def by_label(self) -> str:
        return BREAKDOWNS[self.by]


def _in_period(period: Period) -> Q:
    zone = timezone.get_current_timezone()
    low = datetime.combine(period.start, datetime.min.time(), zone)
    high = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), zone)
    return Q(session__starts_at__gte=low, session__starts_at__lt=high)


def bookings_in(scope: Scope, period: Period) -> QuerySet:
    return Booking.objects.filter(scope.bookings(), _in_period(period))


def spend(scope: Scope, period: Period, by: str = "school") -> Spend:
    """Credits spent and places taken in ``scope`` in ``period``, one row per ``by`` (an LA,
    school, provider or kind of service), largest spend first: three grouped queries, so the
    work in Python grows with the rows shown, not with the bookings."""
    if by not in BREAKDOWNS:
        raise ValueError(f"no breakdown {by!r}")
    key, name = {
        "la": ("school__local_authority_id", "school__local_authority__name"),
        "school": ("school_id", "school__name"),
        "provider": ("session__service__provider_id", "session__service__provider__name"),
        "kind": ("session__service__kind", None),
    }[by]
    bookings = bookings_in(scope, period)
    # Joined to its places, a booking's price counts once a place: the credits it held.
    grouped = bookings.values(*(f for f in (key, name) if f)).annotate(
        n=Count("pk", distinct=True),
        held=Sum("price_each"),
        taken=Count("places", filter=Q(places__active=True)),
        came=Count("places", filter=Q(places__active=True, places__attended=True)),
        schools=Count("school_id", distinct=True),
    )
    # What went back to the school when a booking was cancelled, per booking, summed by key.
    back = (
        Posting.objects.filter(
            transaction__kind=Transaction.Kind.RELEASE,
            amount__gt=0,
            transaction__against=OuterRef("hold_id"),
        )
        .values("transaction__against")
        .annotate(n=Sum("amount"))
        .values("n")
    )
    released = dict(
        bookings.annotate(back=Coalesce(Subquery(back), 0))
        .values(key)
        .annotate(n=Sum("back"))
        .values_list(key, "n")
    )
    kinds = dict(Service.Kind.choices)
    rows = []
    for row in grouped:
        value = row[key]
        rows.append(
            SpendRow(
                str(value),
                row[name] if name else kinds.get(value, value),
                bookings=row["n"],
                places=row["taken"],
                attended=row["came"],
                spent=(row["held"] or 0) - released.get(value, 0),
                schools=row["schools"],
            )
        )
    total = SpendRow(
        "total",
        "Total",
        bookings=sum(r.bookings for r in rows),
        places=sum(r.places for r in rows),
        attended=sum(r.attended for r in rows),
        spent=sum(r.spent for r in rows),
        schools=bookings.values("school_id").distinct().count(),
    )
    rows.sort(key=lambda r: (-r.spent, -r.places, r.label))
    return Spend(period, by, rows, total)


# --- places by pupil group against the register -------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    label: str
    subgroup: str
    places: Figure
    share_of_places: Figure
    register: Figure
    share_of_register: Figure
    ratio: Figure  # share of places over share of the register


@dataclass(frozen=True)
class GroupTable:
    dimension: Dimension
    rows: list[GroupRow]
    places: Figure
    register: Figure


@dataclass(frozen=True)
class Equity:
    year: int | None  # the census year whose characteristics and register are used
    tables: list[GroupTable]
    exact: bool
    unmatched: int  # places of pupils with no census record that year (not in the tables)

    @property
    def year_label(self) -> str:
        return year_label(self.year) if self.year is not None else ""


def _census_year(scope: Scope, period: Period) -> int | None:
    wanted = academic_year(period.end)
    years = (
        Summary.objects.filter(scope.summaries(), dimension="all", year__lte=wanted)
        .order_by("-year")
        .values_list("year", flat=True)[:1]
    )
    return next(iter(years), None)


def _published_places(counts: list[int], exact: bool) -> tuple[list[Figure], Figure]:
    if exact:
        return [Figure(n, raw=n) for n in counts], Figure(sum(counts), raw=sum(counts))
    rounding = settings.SUPPRESSION_ROUNDING or None
    table = disclosure.publish_table(
        [[[n] for n in counts]], settings.SUPPRESSION_THRESHOLD, rounding
    )[0]
    return [row[0] for row in table.cells], table.grand_total


def equity(scope: Scope, period: Period, dimensions=GROUP_DIMENSIONS) -> Equity:
    """Places taken by pupils of each group (their characteristics in the census year of the
    period's end) beside the group's share of the register: six queries."""
    year = _census_year(scope, period)
    if year is None:
        return Equity(None, [], scope.exact, 0)
    places = Place.objects.filter(
        active=True,
        pupil__isnull=False,
        booking__in=bookings_in(scope, period).exclude(status=Booking.Status.CANCELLED),
    )
    per_pupil = dict(places.values_list("pupil_id").annotate(n=Count("pk")))
    dims = [BY_KEY[d] for d in dimensions]
    columns = [d.column for d in dims]
    # By school first: the census is indexed by (school, year), not by pupil.
    records = CensusRecord.objects.filter(
        school_id__in=places.values("booking__school_id"),
        year=year,
        pupil_id__in=places.values("pupil_id"),
    ).values_list("pupil_id", *columns)
    counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    matched = 0
    for pupil_id, *values in records:
        n = per_pupil.get(pupil_id, 0)
        matched += n
        for dim, value in zip(dims, values, strict=True):
            counted[dim.key][_subgroup(dim, value)] += n
    register: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    summary = Summary.objects.filter(
        scope.summaries(), year=year, dimension__in=["all", *dimensions]
    ).values_list("dimension", "subgroup", "on_register", "pupils")
    for dim_key, sub, on_register, pupils in summary:
        pair = register[(dim_key, sub)]
        pair[0] += pupils
        pair[1] += pupils if on_register else 0
    if scope.exact:
        control = Control.exactly()
    else:
        control = Control.suppressed(masks.load([year], entities=[(scope.level, scope.pk)]))
    total_key = (scope.level, scope.pk, *masks.TOTAL)
    _, register_total = control.pair(year, total_key, *register[masks.TOTAL])
    tables = []
    for dim in dims:
        # Every group of the dimension, in its order, so each table has the same rows at
        # every school, LA and nation; then any value the vocabulary does not name.
        present = set(counted[dim.key]) | {s for d, s in register if d == dim.key}
        subgroups = list(dim.groups) + sorted(present - set(dim.groups))
        shown, places_total = _published_places(
            [counted[dim.key].get(s, 0) for s in subgroups], scope.exact
        )
        rows = []
        for sub, place_figure in zip(subgroups, shown, strict=True):
            key = (scope.level, scope.pk, dim.key, sub)
            _, reg = control.pair(year, key, *register[(dim.key, sub)])
            rows.append(
                GroupRow(
                    label=dim.label_of(sub),
                    subgroup=sub,
                    places=place_figure,
                    share_of_places=disclosure.percent(place_figure, places_total),
                    register=reg,
                    share_of_register=disclosure.percent(reg, register_total),
                    ratio=disclosure.ratio(place_figure, places_total, reg, register_total),
                )
            )
        tables.append(GroupTable(dim, rows, places_total, register_total))
    return Equity(year, tables, scope.exact, sum(per_pupil.values()) - matched)


def _subgroup(dim: Dimension, value) -> str:
    if dim.boolean:
        return "Y" if value else "N"
    return str(value)


# --- unspent and expiring credits -------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    account: int
    name: str
    kind: str
    unspent: int
    expiring: int
    first_expiry: date | None


@dataclass(frozen=True)
class Unspent:
    days: int
    rows: list[AccountRow]  # those with credits, soonest and most expiring first
    total: int
    expiring: int
    accounts: int  # how many accounts hold credits (``rows`` may be cut to a page's worth)


def unspent(scope: Scope, days: int = EXPIRING_DAYS, limit: int | None = None) -> Unspent:
    """The credits still unspent in each account of the scope (nation, LAs, schools), and those
    expiring within ``days``: two queries."""
    today = timezone.localdate()
    accounts = Account.objects.filter(scope.accounts(), balance__gt=0).values_list(
        "pk",
        "kind",
        "balance",
        "nation__name",
        "local_authority__name",
        "school__name",
    )
    soon = {
        pk: (n, first)
        for pk, n, first in Lot.objects.filter(
            account__in=Account.objects.filter(scope.accounts()),
            remaining__gt=0,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=days),
        )
        .values_list("account_id")
        .annotate(n=Sum("remaining"), first=Min("expires_on"))
    }
    kinds = dict(Account.Kind.choices)
    rows = []
    for pk, kind, balance, nation, la, school in accounts:
        n, first = soon.get(pk, (0, None))
        rows.append(
            AccountRow(pk, school or la or nation or "", kinds[kind], balance, n or 0, first)
        )
    # Soonest to expire first, then the largest unspent.
    rows.sort(key=lambda r: (r.first_expiry or date.max, -r.expiring, -r.unspent, r.name))
    return Unspent(
        days,
        rows[:limit] if limit else rows,
        sum(r.unspent for r in rows),
        sum(r.expiring for r in rows),
        len(rows),
    )


# --- the whole report -------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    scope: Scope
    period: Period
    spend: Spend
    equity: Equity
    unspent: Unspent
    kpis: list[KPILine]  # the nation's contracts only: LAs and schools never see contracts


def report(
    scope: Scope, period: Period, by: str = "school", days: int = EXPIRING_DAYS, limit=None
) -> Report:
    """Everything the report page shows: eleven queries at any size (sixteen for the nation,
    with its contracts' KPIs)."""
    kpis = kpi_lines(scope.pk, period.start, period.end) if scope.level == "nation" else []
    return Report(
        scope,
        period,
        spend(scope, period, by),
        equity(scope, period),
        unspent(scope, days, limit),
        kpis,
    )
