"""The provision map's grids, made from its lines (``map_queries.entries``): year group × wave,
the grid schools know, with a line in every year group it is open to; and component × term, a
line under every component it serves. Also how much is on the map by wave and component (a
coordinator's first look at the gaps)."""

from collections import defaultdict
from dataclasses import dataclass, field

from risingtide.opportunities.map_queries import (
    PHASE_YEARS,
    SCHOOL,
    TERM_ORDER,
    Entry,
    MapFilters,
    year_name,
)
from risingtide.opportunities.models import Component, Term, Wave
from risingtide.register.models import year_label


@dataclass(frozen=True)
class Cell:
    column: str  # the column's key: a wave (as text) or a term
    label: str  # the column's header, said again where a phone stacks the cells
    entries: list[Entry]


@dataclass
class Row:
    key: str  # what a row is: a year (as text) or a component
    label: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len({e.key for cell in self.cells for e in cell.entries})


@dataclass
class Grid:
    caption: str
    corner: str  # the header over the rows' names
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[Row]

    @property
    def empty(self) -> bool:
        return not any(cell.entries for row in self.rows for cell in row.cells)


def shown_years(school, found: list[Entry], filters: MapFilters) -> list[int]:
    """The year groups the grid's rows are: the school's phase's, and any a line is open to
    beyond them (a sixth form's), or just the one filtered for."""
    if filters.year is not None:
        return [filters.year]
    years = set(PHASE_YEARS.get(school.phase, range(0, 14)))
    for e in found:
        years.update(range(e.year_from, e.year_to + 1))
    return sorted(years)


def years_grid(school, found: list[Entry], filters: MapFilters) -> Grid:
    """Year group (rows) × wave (columns): each line in every year it is open to."""
    waves = [w for w in Wave if filters.wave in (None, w.value)]
    rows = []
    for year in shown_years(school, found, filters):
        cells = [
            Cell(
                str(w.value),
                w.label,
                [e for e in found if e.wave == w and e.year_from <= year <= e.year_to],
            )
            for w in waves
        ]
        rows.append(Row(str(year), year_name(year), cells))
    return Grid(
        caption=f"Provision map {year_label(filters.academic_year)}: year group by wave",
        corner="Year group",
        columns=[(str(w.value), w.label) for w in waves],
        rows=rows,
    )


def components_grid(found: list[Entry], filters: MapFilters) -> Grid:
    """Component (rows) × term (columns): each line under every component it serves."""
    terms = [t for t in TERM_ORDER if filters.term in (None, t)]
    components = [c for c in Component if filters.component in (None, c.value)]
    rows = [
        Row(
            c.value,
            c.label,
            [
                Cell(
                    t, Term(t).label, [e for e in found if c.value in e.components and e.term == t]
                )
                for t in terms
            ],
        )
        for c in components
    ]
    return Grid(
        caption=f"Provision map {year_label(filters.academic_year)}: component by term",
        corner="Component",
        columns=[(t, Term(t).label) for t in terms],
        rows=rows,
    )


@dataclass
class Summary:
    lines: int
    own: int
    booked: int
    waves: dict[int, int]
    components: dict[str, int]

    @property
    def gaps(self) -> list[str]:
        """The waves and components with nothing on the map, by name."""
        return [Wave(w).label for w, n in self.waves.items() if not n] + [
            Component(c).label for c, n in self.components.items() if not n
        ]


def summary(found: list[Entry]) -> Summary:
    """How much there is: lines by source, wave and component (a coordinator's first look at
    gaps: no wave 3, nothing for the school as a learning organisation)."""
    waves: dict[int, int] = defaultdict(int)
    components: dict[str, int] = defaultdict(int)
    for e in found:
        waves[e.wave] += 1
        for c in e.components:
            components[c] += 1
    own = sum(1 for e in found if e.source == SCHOOL)
    return Summary(
        lines=len(found),
        own=own,
        booked=len(found) - own,
        waves={w.value: waves[w.value] for w in Wave},
        components={c.value: components[c.value] for c in Component},
    )
