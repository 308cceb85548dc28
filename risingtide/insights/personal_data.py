"""What ``insights`` holds about a pupil: census-day snapshots (docs/privacy.md)."""

from risingtide.lib.personal_data import SCHOOL_WORK, Holding, Replace, declare

declare(
    Holding(
        "insights.CensusRecord",
        about=("pupil",),
        # The figures are sums of these rows: they stay, every count and score in them, so
        # every published figure stays what it was; what tied a row to a child goes.
        erase=Replace({"upn": "", "pupil": None}),
    ),
    Holding("insights.ReportRun", named=("requested_by",), erase=SCHOOL_WORK),
)
