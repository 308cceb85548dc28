"""The spend and uptake reports in the API: the same reads (``provision.reports``), scope and
disclosure control as the pages; a figure hidden on the page is null here, with its shown
text "c"."""

from datetime import date

from ninja import Field, Query, Router, Schema

from risingtide.access.core import requires
from risingtide.insights.disclosure import Figure
from risingtide.lib.api_errors import ErrorOut, refusal
from risingtide.provision import periods, reports

router = Router(tags=["Provision reports"])


class ReportFigureOut(Schema):
    value: float | None = Field(description="Null when suppressed")
    shown: str = Field(description='As the page shows it ("c" when suppressed)')


class SpendRowOut(Schema):
    key: str
    label: str
    bookings: int
    places: int
    attended: int
    schools: int
    spent: int


class GroupRowOut(Schema):
    group: str
    subgroup: str
    places: ReportFigureOut
    share_of_places: ReportFigureOut
    on_register: ReportFigureOut
    share_of_register: ReportFigureOut
    ratio: ReportFigureOut


class GroupTableOut(Schema):
    dimension: str
    label: str
    rows: list[GroupRowOut]


class AccountRowOut(Schema):
    account: int
    name: str
    kind: str
    unspent: int
    expiring: int
    first_expiry: date | None


class ReportOut(Schema):
    scope: str
    name: str
    period: str
    start: date
    end: date
    exact: bool = Field(description="True only for a school's own staff")
    by: str
    spend: list[SpendRowOut]
    total: SpendRowOut
    census_year: int | None
    groups: list[GroupTableOut]
    unmatched_places: int
    expiring_within_days: int
    unspent: list[AccountRowOut]
    unspent_total: int
    expiring_total: int


class ReportFilters(Schema):
    period: str | None = Field(
        None, description='"term:2026:autumn", "fy:2026", or "custom" with start and end'
    )
    start: date | None = None
    end: date | None = None
    by: str | None = Field(None, description="la, school, provider or kind")
    days: int | None = Field(None, ge=1, le=730, description="Expiring within this many days")


def report_figure(f: Figure) -> dict:
    return {"value": None if f.value is None else float(f.value), "shown": f.shown}


def _spend_row(r: reports.SpendRow) -> dict:
    return {
        "key": r.key,
        "label": r.label,
        "bookings": r.bookings,
        "places": r.places,
        "attended": r.attended,
        "schools": r.schools,
        "spent": r.spent,
    }


def _answer(scope, filters: ReportFilters, default_by: str):
    by = filters.by or default_by
    if by not in reports.BREAKDOWNS:
        return refusal(400, "Choose la, school, provider or kind.", {"by": ["Not a breakdown."]})
    try:
        if filters.period == "custom" or (filters.period is None and filters.start):
            if not (filters.start and filters.end) or filters.start > filters.end:
                raise ValueError
            period = periods.custom(filters.start, filters.end)
        else:
            period = periods.parse(filters.period) if filters.period else periods.current()
    except ValueError:
        return refusal(
            400,
            "Give a period: a term, a financial year, or a start and an end on or after it.",
            {"period": ["Not a period."]},
        )
    found = reports.report(scope, period, by, filters.days or reports.EXPIRING_DAYS)
    return {
        "scope": scope.level,
        "name": scope.name,
        "period": period.label,
        "start": period.start,
        "end": period.end,
        "exact": scope.exact,
        "by": by,
        "spend": [_spend_row(r) for r in found.spend.rows],
        "total": _spend_row(found.spend.total),
        "census_year": found.equity.year,
        "groups": [
            {
                "dimension": t.dimension.key,
                "label": t.dimension.label,
                "rows": [
                    {
                        "group": r.label,
                        "subgroup": r.subgroup,
                        "places": report_figure(r.places),
                        "share_of_places": report_figure(r.share_of_places),
                        "on_register": report_figure(r.register),
                        "share_of_register": report_figure(r.share_of_register),
                        "ratio": report_figure(r.ratio),
                    }
                    for r in t.rows
                ],
            }
            for t in found.equity.tables
        ],
        "unmatched_places": found.equity.unmatched,
        "expiring_within_days": found.unspent.days,
        "unspent": [vars(r) for r in found.unspent.rows],
        "unspent_total": found.unspent.total,
        "expiring_total": found.unspent.expiring,
    }


@router.get(
    "/provision/reports/nations/{nation_id}",
    response={200: ReportOut, 400: ErrorOut},
    summary="The marketplace's spend and uptake for a nation",
)
@requires("spend.nation", "nation_id", api=True)
def spend_nation(request, nation_id: int, filters: Query[ReportFilters]):
    return _answer(reports.scope_of(request.user, "nation", request.access_target), filters, "la")


@router.get(
    "/provision/reports/las/{la_id}",
    response={200: ReportOut, 400: ErrorOut},
    summary="The marketplace's spend and uptake for an LA",
)
@requires("spend.la", "la_id", api=True)
def spend_la(request, la_id: int, filters: Query[ReportFilters]):
    return _answer(reports.scope_of(request.user, "la", request.access_target), filters, "school")


@router.get(
    "/provision/reports/schools/{school_id}",
    response={200: ReportOut, 400: ErrorOut},
    summary="The marketplace's spend and uptake for a school (exact for its own staff)",
)
@requires("spend.school", "school_id", api=True)
def spend_school(request, school_id: int, filters: Query[ReportFilters]):
    return _answer(
        reports.scope_of(request.user, "school", request.access_target), filters, "provider"
    )
