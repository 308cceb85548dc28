"""The spend and uptake report as CSV: its three tables one after another, each with a title
line, the figures exactly as the page shows them ("c" where suppressed)."""

from collections.abc import Iterator

from risingtide.provision.reports import Report


def report_lines(report: Report) -> Iterator[list]:
    scope, period = report.scope, report.period
    yield [f"Marketplace spend and uptake: {scope.name}", period.label]
    yield ["From", f"{period.start:%Y-%m-%d}", "To", f"{period.end:%Y-%m-%d}"]
    yield []
    spend = report.spend
    yield [f"Spend and uptake by {spend.by_label.lower()}"]
    yield [spend.by_label, "Bookings", "Places taken", "Attended", "Schools", "Credits spent"]
    for row in [*spend.rows, spend.total]:
        yield [row.label, row.bookings, row.places, row.attended, row.schools, row.spent]
    yield []
    equity = report.equity
    yield [f"Places by pupil group against the register, census {equity.year_label}"]
    yield [
        "Pupil group",
        "Group",
        "Places",
        "Share of places",
        "On register",
        "Share of register",
        "Ratio",
    ]
    for table in equity.tables:
        for row in table.rows:
            yield [
                table.dimension.label,
                row.label,
                row.places.shown,
                row.share_of_places.shown,
                row.register.shown,
                row.share_of_register.shown,
                row.ratio.shown,
            ]
    yield []
    unspent = report.unspent
    yield [f"Unspent credits, and those expiring within {unspent.days} days"]
    yield ["Account", "Kind", "Unspent", "Expiring", "First expiry"]
    for row in unspent.rows:
        first = f"{row.first_expiry:%Y-%m-%d}" if row.first_expiry else ""
        yield [row.name, row.kind, row.unspent, row.expiring, first]
    yield ["Total", "", unspent.total, unspent.expiring, ""]
    if report.scope.level == "nation":
        yield []
        yield ["Contracts: KPIs against their targets"]
        yield ["Contract", "Provider", "KPI", "Target", "Actual", "Met?"]
        for line in report.kpis:
            result = line.result
            yield [
                line.contract.reference,
                line.contract.provider.name,
                result.kpi.get_measure_display(),
                result.target_shown,
                result.actual_shown,
                result.words,
            ]
