"""The measures the reports show, computed from summary figures (plain arithmetic, no SQL).

- **Identification rate**: pupils of a group on the register ÷ pupils of the group.
- **Representation ratio**: the group's share of the register ÷ its share of the cohort (1 is
  fair; below ``EQUITY_FRACTION`` the reports flag it, as the register's equity check does).
- **Attainment**: mean standardised score (mean 100, SD 15) this year.
- **Progress** (value added): a pupil's attainment minus the *expected* attainment for their
  starting point, the national mean attainment this year of all pupils whose prior attainment
  fell in the same band (``models.BAND_EDGES``), as DfE's value-added measures compare pupils
  with similar starting points. A group's progress is its pupils' mean; it needs only each
  band's count and sum, so it is computed from additive figures at any level.
- **Comparators**, as Analyse School Performance uses them: *same* (the same group
  nationally, e.g. FSM G&T pupils nationally), *other* (the rest nationally, e.g. non-FSM G&T
  pupils) and *all* (all G&T pupils nationally); the gap is ours minus theirs.
- **Underachievement**: a G&T pupil whose progress is ``UNDERACHIEVEMENT_POINTS`` or more below
  zero (their attainment that far below what their starting point predicts).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from risingtide.insights.groups import Dimension
from risingtide.insights.models import BANDS, MEASURES

EQUITY_FRACTION = 0.8

Key = tuple[str, str, bool]  # (dimension, subgroup, on register)


def _zero() -> dict[str, int]:
    return dict.fromkeys(MEASURES, 0)


@dataclass
class Figures:
    """One school's, LA's or nation's summary rows for one year."""

    rows: dict[Key, dict[str, int]] = field(default_factory=dict)

    def add(self, key: Key, figures: dict[str, int]) -> None:
        into = self.rows.setdefault(key, _zero())
        for m in MEASURES:
            into[m] += figures[m]

    def _sum(self, dim: str, subgroups: Iterable[str], registers: Iterable[bool]) -> dict:
        out = _zero()
        for sub in subgroups:
            for reg in registers:
                row = self.rows.get((dim, sub, reg))
                if row:
                    for m in MEASURES:
                        out[m] += row[m]
        return out

    def subgroups(self, dimension: Dimension) -> list[str]:
        """The dimension's subgroups in reading order: the known ones, then any others seen."""
        seen = {sub for (dim, sub, _reg) in self.rows if dim == dimension.key}
        return [g for g in dimension.groups if g in seen] + sorted(seen - set(dimension.groups))

    def _pupils(self, dim: str, sub: str, registers: Iterable[bool]) -> int:
        # The pages ask for these counts thousands of times: no full sum of every measure.
        rows = self.rows
        return sum(rows[key]["pupils"] for r in registers if (key := (dim, sub, r)) in rows)

    def cohort(self, dim: str = "all", sub: str = "all") -> int:
        return self._pupils(dim, sub, (True, False))

    def register(self, dim: str = "all", sub: str = "all") -> int:
        return self._pupils(dim, sub, (True,))

    def count(self, measure: str, dim: str = "all", sub: str = "all") -> int:
        return self._sum(dim, [sub], (True,))[measure]

    def register_figures(self, dim: str, subs: Iterable[str]) -> dict[str, int]:
        return self._sum(dim, subs, (True,))

    @property
    def empty(self) -> bool:
        return not self.rows

    def expected_by_band(self) -> list[float | None]:
        """Mean attainment (tenths) of all pupils in each prior band: the expectation."""
        every = self._sum("all", ["all"], (True, False))
        return [
            every[f"band_att_{b}"] / every[f"band_n_{b}"] if every[f"band_n_{b}"] else None
            for b in range(BANDS)
        ]


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def attainment(figures: dict[str, int]) -> float | None:
    """Mean attainment in points, from a row of figures."""
    return figures["att_sum"] / figures["att_n"] / 10 if figures["att_n"] else None


def progress(figures: dict[str, int], expected: list[float | None]) -> float | None:
    """Mean progress in points of the pupils with both scores, against ``expected``."""
    n = total = 0.0
    for b in range(BANDS):
        count = figures[f"band_n_{b}"]
        if count and expected[b] is not None:
            n += count
            total += figures[f"band_att_{b}"] - count * expected[b]
    return total / n / 10 if n else None


def progress_n(figures: dict[str, int]) -> int:
    return sum(figures[f"band_n_{b}"] for b in range(BANDS))


@dataclass(frozen=True)
class GroupMeasures:
    """One subgroup of one dimension at one school, LA or nation."""

    dimension: Dimension
    subgroup: str
    cohort: int
    register: int
    cohort_all: int
    register_all: int
    gt: dict[str, int]  # the group's G&T pupils' figures
    gt_progress: float | None

    @property
    def label(self) -> str:
        return self.dimension.label_of(self.subgroup)

    @property
    def rate(self) -> float | None:
        return rate(self.register, self.cohort)

    @property
    def share_of_cohort(self) -> float | None:
        return rate(self.cohort, self.cohort_all)

    @property
    def share_of_register(self) -> float | None:
        return rate(self.register, self.register_all)

    @property
    def ratio(self) -> float | None:
        cohort, register = self.share_of_cohort, self.share_of_register
        return register / cohort if cohort and register is not None else None

    @property
    def gt_attainment(self) -> float | None:
        return attainment(self.gt)

    @property
    def gt_scored(self) -> int:
        return progress_n(self.gt)


def group_measures(
    figures: Figures, dimension: Dimension, expected: list[float | None]
) -> list[GroupMeasures]:
    cohort_all, register_all = figures.cohort(), figures.register()
    out = []
    for sub in figures.subgroups(dimension):
        gt = figures.register_figures(dimension.key, [sub])
        out.append(
            GroupMeasures(
                dimension,
                sub,
                figures.cohort(dimension.key, sub),
                figures.register(dimension.key, sub),
                cohort_all,
                register_all,
                gt,
                progress(gt, expected),
            )
        )
    return out


@dataclass(frozen=True)
class Comparators:
    """The national G&T figures a school's G&T group is compared with (ASP's three)."""

    same: float | None
    other: float | None
    all: float | None
    sizes: tuple[int, int, int] = (0, 0, 0)  # the pupils behind each mean

    @property
    def means(self) -> tuple[float | None, float | None, float | None]:
        return self.same, self.other, self.all


def comparators(
    nation: Figures, dimension: Dimension, subgroup: str, expected: list[float | None]
) -> Comparators:
    others = [s for s in nation.subgroups(dimension) if s != subgroup]
    same = nation.register_figures(dimension.key, [subgroup])
    other = nation.register_figures(dimension.key, others)
    every = nation.register_figures("all", ["all"])
    return Comparators(
        progress(same, expected),
        progress(other, expected) if others else None,
        progress(every, expected),
        (progress_n(same), progress_n(other) if others else 0, progress_n(every)),
    )


def gap(ours: float | None, theirs: float | None) -> float | None:
    return None if ours is None or theirs is None else ours - theirs


def pupil_progress(
    prior_band: int | None, attainment_x10: int | None, expected: list[float | None]
) -> float | None:
    if prior_band is None or attainment_x10 is None or expected[prior_band] is None:
        return None
    return (attainment_x10 - expected[prior_band]) / 10
