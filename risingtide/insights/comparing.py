"""Comparing schools (an LA's report) or LAs (the national dashboard): one row each, with
the area's total, for one dimension and year. Always under disclosure control: the LA and the
nation are outside every school."""

from dataclasses import dataclass, field

from risingtide.insights import disclosure, measures
from risingtide.insights.disclosure import Figure
from risingtide.insights.groups import BY_KEY, Dimension
from risingtide.insights.measures import Figures
from risingtide.insights.models import Summary
from risingtide.insights.queries import (
    DASH,
    Control,
    GroupRow,
    TrendRow,
    _dimension,
    _flagged,
    _load,
    _years,
    breakdown,
)
from risingtide.register.models import year_label
from risingtide.schools.models import LocalAuthority, Nation, School


@dataclass
class EntityRow:
    pk: int
    name: str
    code: str
    cohort: Figure
    register: Figure
    rate: Figure
    groups: list[GroupRow]
    gt_progress: Figure
    outlier: list[str]


@dataclass
class Comparing:
    """Schools of an LA, or LAs of a nation, side by side for one dimension and year."""

    title: str
    year: int | None
    years: list[int]
    dimension: Dimension
    subgroups: list[str]
    rows: list[EntityRow]
    total: EntityRow | None
    trend: list[TrendRow] = field(default_factory=list)
    available: list = field(default_factory=list)

    @property
    def year_label(self) -> str:
        return year_label(self.year) if self.year else ""

    @property
    def group_labels(self) -> list[str]:
        return [self.dimension.label_of(s) for s in self.subgroups]

    @property
    def places(self) -> list[str]:
        return [self.title]

    @property
    def focus_label(self) -> str:
        dim = self.dimension
        return dim.label_of(dim.focus or next(iter(dim.groups)))


def _compare(
    title: str,
    entities: list[tuple[int, str, str]],
    figures: dict[int, Figures],
    whole: Figures,
    expected: list[float | None],
    dim: Dimension,
    year: int,
    years: list[int],
) -> Comparing:
    control = Control.suppressed()
    subs = whole.subgroups(dim)
    groups = {
        pk: {
            g.subgroup: g
            for g in measures.group_measures(figures.get(pk, Figures()), dim, expected)
        }
        for pk, _n, _c in entities
    }
    cohorts = [
        [groups[pk][s].cohort if s in groups[pk] else 0 for s in subs] for pk, _n, _c in entities
    ]
    registers = [
        [groups[pk][s].register if s in groups[pk] else 0 for s in subs] for pk, _n, _c in entities
    ]
    cohort_t, register_t = control.publish(cohorts, registers)
    whole_row = breakdown(title, whole, dim, expected, control, subs)
    la_rate = whole_row.rate
    rows = []
    for i, (pk, name, code) in enumerate(entities):
        f = figures.get(pk, Figures())
        cells = []
        for j, sub in enumerate(subs):
            g = groups[pk].get(sub)
            c, r = cohort_t.cells[i][j], register_t.cells[i][j]
            ratio = disclosure.ratio(r, register_t.row_totals[i], c, cohort_t.row_totals[i])
            cells.append(
                GroupRow(
                    label=dim.label_of(sub),
                    subgroup=sub,
                    cohort=c,
                    register=r,
                    rate=disclosure.percent(r, c),
                    share_of_cohort=disclosure.percent(c, cohort_t.row_totals[i]),
                    share_of_register=disclosure.percent(r, register_t.row_totals[i]),
                    ratio=ratio,
                    flagged=_flagged(g, ratio, control),
                    gt_attainment=DASH,
                    gt_progress=control.mean(g.gt_progress if g else None, g.gt_scored if g else 0),
                    gt_scored=g.gt_scored if g else 0,
                )
            )
        gt = f.register_figures("all", ["all"])
        progress = control.mean(measures.progress(gt, expected), measures.progress_n(gt))
        rate = disclosure.percent(register_t.row_totals[i], cohort_t.row_totals[i])
        rows.append(
            EntityRow(
                pk,
                name,
                code,
                cohort_t.row_totals[i],
                register_t.row_totals[i],
                rate,
                cells,
                progress,
                _outliers(rate, la_rate, cells, progress, dim),
            )
        )
    gt = whole.register_figures("all", ["all"])
    total = EntityRow(
        0,
        title,
        "",
        whole_row.cohort,
        whole_row.register,
        whole_row.rate,
        whole_row.rows,
        control.mean(measures.progress(gt, expected), measures.progress_n(gt)),
        [],
    )
    return Comparing(title, year, years, dim, subs, rows, total)


def _outliers(rate, area_rate, cells, progress, dim) -> list[str]:
    """Why a school (or LA) stands out from the area it sits in, in words."""
    out = []
    if not rate.suppressed and not area_rate.suppressed and area_rate.value:
        if rate.value < area_rate.value / 2:
            out.append("identifies under half the area's rate")
        elif rate.value > area_rate.value * 2:
            out.append("identifies over twice the area's rate")
    for cell in cells:
        if cell.flagged:
            out.append(f"{cell.label} under-represented (ratio {cell.ratio.shown})")
    if not progress.suppressed and progress.value is not None and progress.value <= -3:
        out.append(f"G&T progress {progress.shown} points")
    return out


def la_report(la: LocalAuthority, year: int | None = None, dimension: str | None = None):
    """The LA's schools compared (always suppressed: the LA is outside every school)."""
    dim = _dimension(dimension)
    dims = ["all", dim.key]  # the rows the comparison reads, not every dimension's
    year, years, available = _years(Summary.Level.LA, "local_authority_id", la.pk, year)
    schools = list(
        School.objects.filter(local_authority=la).order_by("name").values_list("pk", "name", "urn")
    )
    if year is None:
        return Comparing(la.name, None, [], dim, [], [], None)
    figures = {
        pk: f
        for (pk, _y), f in _load(
            Summary.Level.SCHOOL, "local_authority_id", [la.pk], [year], "school_id", dims
        ).items()
    }
    area = _load(Summary.Level.LA, "local_authority_id", [la.pk], years, dimensions=dims)
    nations = _load(Summary.Level.NATION, "nation_id", [la.nation_id], years, dimensions=dims)
    n = nations.get((la.nation_id, year), Figures())
    report = _compare(
        la.name,
        schools,
        figures,
        area.get((la.pk, year), Figures()),
        n.expected_by_band(),
        dim,
        year,
        years,
    )
    report.trend = _area_trend(years, area, la.pk, nations, la.nation_id, dim)
    report.available = available
    return report


def nation_report(nation: Nation, year: int | None = None, dimension: str | None = None):
    """The nation's LAs compared."""
    dim = _dimension(dimension)
    dims = ["all", dim.key]
    year, years, available = _years(Summary.Level.NATION, "nation_id", nation.pk, year)
    las = list(
        LocalAuthority.objects.filter(nation=nation)
        .order_by("name")
        .values_list("pk", "name", "code")
    )
    if year is None:
        return Comparing(nation.name, None, [], dim, [], [], None)
    figures = {
        pk: f
        for (pk, _y), f in _load(
            Summary.Level.LA, "nation_id", [nation.pk], [year], "local_authority_id", dims
        ).items()
    }
    nations = _load(Summary.Level.NATION, "nation_id", [nation.pk], years, dimensions=dims)
    n = nations.get((nation.pk, year), Figures())
    report = _compare(nation.name, las, figures, n, n.expected_by_band(), dim, year, years)
    report.trend = _area_trend(years, nations, nation.pk, nations, nation.pk, dim)
    report.available = available
    return report


def _area_trend(years, area, area_pk, nations, nation_pk, dim) -> list[TrendRow]:
    control = Control.suppressed()
    focus = dim.focus or next(iter(dim.groups))
    rows = []
    for year in years:
        f, n = area.get((area_pk, year)), nations.get((nation_pk, year))
        if f is None or n is None:
            continue
        expected = n.expected_by_band()
        whole = breakdown("", f, BY_KEY["all"], expected, control)
        row = breakdown("", f, dim, expected, control, list(dim.groups)).row(focus)
        rows.append(
            TrendRow(
                year,
                year_label(year),
                [whole.rate],
                [row.ratio if row else DASH],
                [whole.rows[0].gt_progress],
            )
        )
    return rows
