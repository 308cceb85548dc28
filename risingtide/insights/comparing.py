"""Comparing schools (an LA's report) or LAs (the national dashboard): one row each, with
the area's total, for one dimension and year. Always under disclosure control: the LA and the
nation are outside every school."""

from dataclasses import dataclass, field

from risingtide.insights import masks, measures
from risingtide.insights.disclosure import Figure
from risingtide.insights.groups import BY_KEY, Dimension
from risingtide.insights.measures import Figures
from risingtide.insights.models import Summary
from risingtide.insights.queries import (
    DASH,
    Breakdown,
    Control,
    GroupRow,
    TrendRow,
    _dimension,
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
    area: tuple[str, int],
    entities: list[tuple[int, str, str]],
    figures: dict[int, Figures],
    whole: Figures,
    expected: list[float | None],
    dim: Dimension,
    year: int,
    years: list[int],
    control: Control,
) -> Comparing:
    """The area's schools (or LAs) side by side: each figure published under the year's
    masks, so the table hides what every other table showing these figures hides."""
    subs = whole.subgroups(dim)
    level = Summary.Level.SCHOOL if area[0] == Summary.Level.LA else Summary.Level.LA
    area_row = breakdown(title, whole, dim, expected, control, subs, year=year, entity=area)
    area_all = breakdown(title, whole, BY_KEY["all"], expected, control, year=year, entity=area)

    def entity_row(pk, name, code, b: Breakdown, f: Figures, outliers: bool) -> EntityRow:
        gt = f.register_figures("all", ["all"])
        progress = control.mean(measures.progress(gt, expected), measures.progress_n(gt))
        for cell in b.rows:
            cell.gt_attainment = DASH
        why = _outliers(b.rate, area_all.rate, b.rows, progress, dim) if outliers else []
        return EntityRow(pk, name, code, b.cohort, b.register, b.rate, b.rows, progress, why)

    rows = []
    for pk, name, code in entities:
        f = figures.get(pk, Figures())
        b = breakdown(name, f, dim, expected, control, subs, year=year, entity=(level, pk))
        rows.append(entity_row(pk, name, code, b, f, True))
    total = entity_row(0, title, "", area_row, whole, False)
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


def _area_report(
    area: tuple[str, int],
    name: str,
    nation_id: int,
    children: tuple[str, str],
    entities: list[tuple[int, str, str]],
    year: int | None,
    dimension: str | None,
) -> Comparing:
    """An area (LA or nation) and its children (schools or LAs) compared for one dimension:
    ``children`` is their summary level and the id field of theirs that names them."""
    level, pk = area
    key = "local_authority_id" if level == Summary.Level.LA else "nation_id"
    child_level, child_key = children
    dim = _dimension(dimension)
    dims = ["all", dim.key]  # the rows the comparison reads, not every dimension's
    year, years, available = _years(level, key, pk, year)
    if year is None:
        return Comparing(name, None, [], dim, [], [], None)
    control = Control.suppressed(
        masks.load(years, entities=[area], children=[(child_level, pk)], dimensions=[dim.key])
    )
    figures = {
        child: f
        for (child, _y), f in _load(child_level, key, [pk], [year], child_key, dims).items()
    }
    own = _load(level, key, [pk], years, dimensions=dims)
    nations = _load(Summary.Level.NATION, "nation_id", [nation_id], years, dimensions=dims)
    n = nations.get((nation_id, year), Figures())
    whole = own.get((pk, year), Figures())
    report = _compare(
        name, area, entities, figures, whole, n.expected_by_band(), dim, year, years, control
    )
    report.trend = _area_trend(years, own, area, nations, nation_id, dim, control)
    report.available = available
    return report


def la_report(la: LocalAuthority, year: int | None = None, dimension: str | None = None):
    """The LA's schools compared (always suppressed: the LA is outside every school)."""
    schools = School.objects.filter(local_authority=la).order_by("name")
    return _area_report(
        (Summary.Level.LA, la.pk),
        la.name,
        la.nation_id,
        (Summary.Level.SCHOOL, "school_id"),
        list(schools.values_list("pk", "name", "urn")),
        year,
        dimension,
    )


def nation_report(nation: Nation, year: int | None = None, dimension: str | None = None):
    """The nation's LAs compared."""
    las = LocalAuthority.objects.filter(nation=nation).order_by("name")
    return _area_report(
        (Summary.Level.NATION, nation.pk),
        nation.name,
        nation.pk,
        (Summary.Level.LA, "local_authority_id"),
        list(las.values_list("pk", "name", "code")),
        year,
        dimension,
    )


def _area_trend(years, area, entity, nations, nation_pk, dim, control) -> list[TrendRow]:
    focus = dim.focus or next(iter(dim.groups))
    area_pk = entity[1]
    rows = []
    for year in years:
        f, n = area.get((area_pk, year)), nations.get((nation_pk, year))
        if f is None or n is None:
            continue
        expected = n.expected_by_band()
        whole = breakdown("", f, BY_KEY["all"], expected, control, year=year, entity=entity)
        row = breakdown(
            "", f, dim, expected, control, list(dim.groups), year=year, entity=entity
        ).row(focus)
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
