"""CSV downloads of the insights pages, built from the very report objects the pages show, so
a download never holds a figure the screen suppressed."""

from collections.abc import Iterator

from django.utils.text import slugify

from risingtide.insights.comparing import Comparing
from risingtide.insights.queries import SchoolReport


def filename(code: str, report: SchoolReport | Comparing, ext: str = "csv") -> str:
    year = report.year_label.replace("/", "-") or "no-figures"
    return f"gt-insights-{slugify(code)}-{year}.{ext}"


def school_rows(report: SchoolReport) -> Iterator[list]:
    """One row per subgroup: the school's identification beside its LA's and the nation's,
    then its G&T pupils' attainment and progress with the national comparators' gaps."""
    places = ("School", "LA", "Nation")
    yield [
        "Year",
        "Dimension",
        "Group",
        *(
            f"{p} {m}"
            for p in places
            for m in ("pupils", "on register", "rate", "share of cohort", "share of register")
        ),
        *(f"{p} representation ratio" for p in places),
        "School G&T attainment",
        "School G&T progress",
        "Gap to same group nationally",
        "Gap to other groups nationally",
        "Gap to all G&T nationally",
    ]
    for comparison in report.comparisons:
        for line in comparison.lines:
            rows, row = (line.school, line.la, line.nation), line.school
            yield [
                report.year_label,
                comparison.dimension.label,
                row.label,
                *(
                    f.shown
                    for r in rows
                    for f in (
                        r.cohort,
                        r.register,
                        r.rate,
                        r.share_of_cohort,
                        r.share_of_register,
                    )
                ),
                *(r.ratio.shown for r in rows),
                row.gt_attainment.shown,
                row.gt_progress.shown,
                *(g.shown for g in line.gaps),
            ]


def comparing_rows(report: Comparing) -> Iterator[list]:
    """One row per school (or LA), then the area's total, as the comparison table shows."""
    groups = report.group_labels
    yield [
        "Year",
        "Name",
        "Code",
        "Pupils",
        "On register",
        "Rate",
        *(f"{g} {m}" for g in groups for m in ("pupils", "on register", "rate", "ratio")),
        "G&T progress",
        "Stands out",
    ]
    for row in [*report.rows, *([report.total] if report.total else [])]:
        yield [
            report.year_label,
            row.name,
            row.code,
            row.cohort.shown,
            row.register.shown,
            row.rate.shown,
            *(f.shown for g in row.groups for f in (g.cohort, g.register, g.rate, g.ratio)),
            row.gt_progress.shown,
            "; ".join(row.outlier),
        ]
