"""Reading the insights: a school's report (school against LA and nation), an LA's report (its
schools compared) and the national dashboard (LAs compared), each from a constant number of
queries whatever the number of schools or pupils. Every figure about a school, LA or nation
other than the viewer's own school is published through disclosure control."""

from dataclasses import dataclass, field

from django.conf import settings

from risingtide.access.core import can
from risingtide.insights import disclosure, masks, measures
from risingtide.insights.disclosure import Figure
from risingtide.insights.groups import BY_KEY, DIMENSIONS, Dimension
from risingtide.insights.measures import Figures
from risingtide.insights.models import MEASURES, CensusRecord, Summary
from risingtide.register.models import year_label
from risingtide.schools.models import LocalAuthority, School

TREND_YEARS = 5
DEFAULT_DIMENSION = "fsm"
DASH = Figure(None)


@dataclass(frozen=True)
class Control:
    """How figures are published to this viewer: exactly (a school's own staff looking at
    their school), or under disclosure control: small counts hidden (``masks.primary``), the
    complementary hides of every table the figure is published in (``masks.Hidden``), and
    shown counts optionally rounded."""

    exact: bool
    threshold: int
    rounding: int | None
    hidden: masks.Hidden = field(default_factory=masks.Hidden)

    @classmethod
    def suppressed(cls, hidden: masks.Hidden | None = None) -> "Control":
        """Disclosure control with these hides (none loaded: nothing is shown at all)."""
        rounding = settings.SUPPRESSION_ROUNDING or None
        return cls(False, settings.SUPPRESSION_THRESHOLD, rounding, hidden or masks.Hidden())

    @classmethod
    def exactly(cls) -> "Control":
        return cls(True, 0, None)

    def pair(self, year: int, key: masks.Key, cohort: int, register: int) -> tuple[Figure, Figure]:
        """A figure's cohort and register counts as published (hidden together)."""
        if self.exact:
            return Figure(cohort, raw=cohort), Figure(register, raw=register)
        if masks.primary(cohort, register, self.threshold) or self.hidden.hides(year, key):
            return DASH, DASH
        return self._count(cohort), self._count(register)

    def _count(self, n: int) -> Figure:
        shown = disclosure.round_count(n, self.rounding) if self.rounding else n
        # Derived figures are made from the count as shown: the exact one would narrow down
        # what the rounding hides.
        return Figure(shown, raw=shown)

    def single(self, n: int) -> Figure:
        if self.exact:
            return Figure(n, raw=n)
        if n < self.threshold or n == 0:
            return DASH
        return self._count(n)

    def mean(self, value: float | None, n: int, digits: int = 1) -> Figure:
        """A mean (attainment, progress) over ``n`` pupils: hidden when ``n`` is small."""
        if value is None or (not self.exact and n < self.threshold):
            return Figure(None, digits=digits)
        return Figure(round(value, digits), digits=digits)


def _load(
    level: str,
    key: str,
    ids: list[int],
    years: list[int],
    by: str | None = None,
    dimensions: list[str] | None = None,
) -> dict[tuple, Figures]:
    """Every summary row of ``level`` whose ``key`` is one of ``ids``, in these years (and of
    these dimensions, if given), as Figures per (``by`` or ``key``, year): one query."""
    by = by or key
    out: dict[tuple, Figures] = {}
    rows = Summary.objects.filter(level=level, **{f"{key}__in": ids, "year__in": years})
    if dimensions:
        rows = rows.filter(dimension__in=dimensions)
    rows = rows.values_list(by, "year", "dimension", "subgroup", "on_register", *MEASURES)
    for pk, year, dim, sub, on_register, *values in rows.iterator(chunk_size=5000):
        figures = out.get((pk, year)) or out.setdefault((pk, year), Figures())
        figures.rows[(dim, sub, on_register)] = dict(zip(MEASURES, values, strict=True))
    return out


def _years(level: str, key: str, pk: int, year: int | None) -> tuple[int | None, list[int], list]:
    """The year to show (the one asked for if it has figures, else the latest), the years of
    the trend up to it, and every year with figures as (year, label) choices."""
    available = sorted(
        Summary.objects.filter(level=level, **{key: pk}, dimension="all")
        .values_list("year", flat=True)
        .distinct()
    )
    if not available:
        return None, [], []
    year = year if year in available else available[-1]
    trend = [y for y in available if year - TREND_YEARS < y <= year]
    return year, trend, [(y, year_label(y)) for y in reversed(available)]


def _dimension(key: str | None) -> Dimension:
    dim = BY_KEY.get(key or DEFAULT_DIMENSION)
    return dim if dim and dim.column else BY_KEY[DEFAULT_DIMENSION]


# --- one entity's breakdown -------------------------------------------------------------------


@dataclass
class GroupRow:
    """One subgroup's published figures at one school, LA or nation."""

    label: str
    subgroup: str
    cohort: Figure
    register: Figure
    rate: Figure
    share_of_cohort: Figure
    share_of_register: Figure
    ratio: Figure
    flagged: bool
    gt_attainment: Figure
    gt_progress: Figure
    gt_scored: int


def _flagged(group, ratio: Figure, control: Control) -> bool:
    """Under-represented, judged on the ratio as shown (0.797 shows as 0.80: not flagged)."""
    return bool(
        group
        and not ratio.suppressed
        and group.cohort >= max(control.threshold, 1)
        and ratio.value < measures.EQUITY_FRACTION
    )


@dataclass
class Breakdown:
    """A dimension's subgroups at one entity, with its totals, as published to the viewer."""

    name: str
    dimension: Dimension
    rows: list[GroupRow]
    cohort: Figure
    register: Figure
    rate: Figure

    def row(self, subgroup: str) -> GroupRow | None:
        return next((r for r in self.rows if r.subgroup == subgroup), None)


def breakdown(
    name: str,
    figures: Figures,
    dimension: Dimension,
    expected: list[float | None],
    control: Control,
    subgroups: list[str] | None = None,
    *,
    year: int,
    entity: tuple[str, int],
) -> Breakdown:
    """One entity's (``entity``: level and id) subgroups of ``dimension`` in ``year``, each
    count published as the figure it is (``masks.Key``) wherever else it appears."""
    groups = {g.subgroup: g for g in measures.group_measures(figures, dimension, expected)}
    subgroups = subgroups if subgroups is not None else list(groups)
    level, pk = entity
    cohort, register = control.pair(
        year, (level, pk, *masks.TOTAL), figures.cohort(), figures.register()
    )
    rows = []
    for sub in subgroups:
        g = groups.get(sub)
        c, r = control.pair(
            year, (level, pk, dimension.key, sub), g.cohort if g else 0, g.register if g else 0
        )
        ratio = disclosure.ratio(r, register, c, cohort)
        rows.append(
            GroupRow(
                label=dimension.label_of(sub),
                subgroup=sub,
                cohort=c,
                register=r,
                rate=disclosure.percent(r, c),
                share_of_cohort=disclosure.percent(c, cohort),
                share_of_register=disclosure.percent(r, register),
                ratio=ratio,
                flagged=_flagged(g, ratio, control),
                gt_attainment=control.mean(
                    g.gt_attainment if g else None, g.gt["att_n"] if g else 0
                ),
                gt_progress=control.mean(g.gt_progress if g else None, g.gt_scored if g else 0),
                gt_scored=g.gt_scored if g else 0,
            )
        )
    return Breakdown(name, dimension, rows, cohort, register, disclosure.percent(register, cohort))


# --- the school report ------------------------------------------------------------------------


@dataclass
class Comparison:
    """One dimension: the school's breakdown beside its LA's and the nation's, with the
    national comparators for its G&T pupils' progress."""

    dimension: Dimension
    school: Breakdown
    la: Breakdown
    nation: Breakdown
    comparators: dict[str, measures.Comparators]

    @property
    def lines(self) -> list["Line"]:
        """Each subgroup across the levels, with its gaps to the national comparators. A gap
        to a national group smaller than the threshold is withheld like the group's mean: the
        school's own progress may be exact, and ours minus the gap is theirs."""
        threshold = settings.SUPPRESSION_THRESHOLD
        out = []
        for ours, la, nation in zip(self.school.rows, self.la.rows, self.nation.rows, strict=True):
            c = self.comparators[ours.subgroup]
            progress = ours.gt_progress.value
            gaps = [
                Figure(None, digits=1)
                if (g := measures.gap(progress, theirs)) is None or n < threshold
                else Figure(round(g, 1), digits=1)
                for theirs, n in zip(c.means, c.sizes, strict=True)
            ]
            out.append(Line(ours, la, nation, gaps))
        return out


@dataclass(frozen=True)
class Line:
    """One subgroup across the three levels, with its G&T progress gaps (same/other/all)."""

    school: GroupRow
    la: GroupRow
    nation: GroupRow
    gaps: list[Figure]


@dataclass
class TrendRow:
    year: int
    label: str
    rates: list[Figure]  # school, LA, nation
    ratios: list[Figure]  # of the dimension's focus group
    progress: list[Figure]  # of G&T pupils


@dataclass
class SchoolReport:
    school: School
    local_authority: LocalAuthority
    year: int | None
    years: list[int]
    control: Control
    available: list = field(default_factory=list)  # (year, label) choices
    headline: list[Breakdown] = field(default_factory=list)
    counts: list[list[Figure]] = field(default_factory=list)  # gifted, talented, top 5%
    comparisons: list[Comparison] = field(default_factory=list)
    trend: list[TrendRow] = field(default_factory=list)
    trend_dimension: Dimension | None = None
    prompts: list[str] = field(default_factory=list)
    expected: list[float | None] = field(default_factory=list)

    @property
    def year_label(self) -> str:
        return year_label(self.year) if self.year else ""

    @property
    def has_figures(self) -> bool:
        return self.year is not None

    @property
    def glance(self) -> list[tuple[Breakdown, list[Figure]]]:
        return list(zip(self.headline, self.counts, strict=True))

    @property
    def places(self) -> list[str]:
        return [b.name for b in self.headline]

    @property
    def focus_label(self) -> str:
        dim = self.trend_dimension
        return dim.label_of(dim.focus or next(iter(dim.groups))) if dim else ""


def school_report(
    user, school: School, year: int | None = None, trend: str | None = None
) -> SchoolReport:
    """The school's report for ``year`` (default: its latest), against its LA and nation:
    exact for the school's own staff, otherwise under disclosure control like the LA's."""
    la = LocalAuthority.objects.select_related("nation").get(pk=school.local_authority_id)
    year, years, available = _years(Summary.Level.SCHOOL, "school_id", school.pk, year)
    hidden = masks.load(
        years,
        entities=[
            (Summary.Level.SCHOOL, school.pk),
            (Summary.Level.LA, la.pk),
            (Summary.Level.NATION, la.nation_id),
        ],
    )
    outside = Control.suppressed(hidden)
    own = user is not None and can(user, "insights.own", school)
    control = Control.exactly() if own else outside
    report = SchoolReport(school, la, year, years, control, available=available)
    if year is None:
        return report
    ours = _load(Summary.Level.SCHOOL, "school_id", [school.pk], years)
    theirs = _load(Summary.Level.LA, "local_authority_id", [la.pk], years)
    nations = _load(Summary.Level.NATION, "nation_id", [la.nation_id], years)
    empty = Figures()
    places = [
        (school.name, (Summary.Level.SCHOOL, school.pk), ours, school.pk, control),
        (la.name, (Summary.Level.LA, la.pk), theirs, la.pk, outside),
        (la.nation.name, (Summary.Level.NATION, la.nation_id), nations, la.nation_id, outside),
    ]
    n = nations.get((la.nation_id, year), empty)
    expected = report.expected = n.expected_by_band()

    def one(place, dim, subs=None, in_year=year, expect=expected):
        name, entity, loaded, pk, c = place
        figures = loaded.get((pk, in_year), empty)
        return breakdown(name, figures, dim, expect, c, subs, year=in_year, entity=entity)

    report.headline = [one(place, BY_KEY["all"]) for place in places]
    report.counts = [
        [c.single(loaded.get((pk, year), empty).count(m)) for m in ("gifted", "talented", "top_5")]
        for _name, _entity, loaded, pk, c in places
    ]
    s = ours.get((school.pk, year), empty)
    for dim in DIMENSIONS[1:]:
        subs = n.subgroups(dim) or s.subgroups(dim)
        subs += [x for x in s.subgroups(dim) if x not in subs]
        report.comparisons.append(
            Comparison(
                dim,
                *(one(place, dim, subs) for place in places),
                {sub: measures.comparators(n, dim, sub, expected) for sub in subs},
            )
        )
    report.trend_dimension = dim = _dimension(trend)
    focus = dim.focus or next(iter(dim.groups))
    for y in years:
        if (la.nation_id, y) not in nations:
            continue
        expect = nations[(la.nation_id, y)].expected_by_band()
        rates, ratios, progress = [], [], []
        for place in places:
            if (place[3], y) not in place[2]:
                rates.append(DASH)
                ratios.append(DASH)
                progress.append(DASH)
                continue
            whole = one(place, BY_KEY["all"], in_year=y, expect=expect)
            row = one(place, dim, list(dim.groups), in_year=y, expect=expect).row(focus)
            rates.append(whole.rate)
            ratios.append(row.ratio if row else DASH)
            progress.append(whole.rows[0].gt_progress)
        report.trend.append(TrendRow(y, year_label(y), rates, ratios, progress))
    report.prompts = prompts(report)
    return report


def _pct(f: Figure) -> str:
    return f.shown


def prompts(report: SchoolReport) -> list[str]:
    """Plain-English prompts for action, from the school's figures: groups under-represented
    on the register, an identification rate outside the usual range, G&T groups whose progress
    lags the national comparator. A prompt never quotes a suppressed figure."""
    out = []
    school = report.headline[0]
    if not school.rate.suppressed and school.rate.value is not None:
        rate = school.rate.value
        if rate < 5:
            out.append(
                f"{school.rate.shown} of pupils are on the register, below the 5–10% the "
                "guidance suggests: look again at the evidence used to identify pupils."
            )
        elif rate > 20:
            out.append(
                f"{school.rate.shown} of pupils are on the register, well above the 5–10% the "
                "guidance suggests: check each identification rests on evidence."
            )
    for comparison in report.comparisons:
        for row in comparison.school.rows:
            if row.flagged and not row.share_of_cohort.suppressed:
                out.append(
                    f"{row.label} pupils are {row.share_of_cohort.shown} of the cohort but "
                    f"{row.share_of_register.shown} of the register (representation ratio "
                    f"{row.ratio.shown}): look at how they are identified and what evidence "
                    "is missing for them."
                )
        dim = comparison.dimension
        if dim.focus:
            row = comparison.school.row(dim.focus)
            comparator = comparison.comparators.get(dim.focus)
            if row and comparator and not row.gt_progress.suppressed:
                lag = measures.gap(row.gt_progress.value, comparator.other)
                if lag is not None and lag <= -2:
                    out.append(
                        f"G&T pupils in the group '{row.label}' make {abs(lag):.1f} points "
                        "less progress than other G&T pupils nationally: target support "
                        "at them."
                    )
    return out


# --- underachievement (pupil-level: the school's own staff who see the register) -------------


@dataclass
class Underachiever:
    record: CensusRecord
    name: str
    expected: float
    progress: float


def underachievement(school: School, year: int, expected: list[float | None]) -> list:
    """G&T pupils whose progress is at least ``UNDERACHIEVEMENT_POINTS`` below what their
    starting point predicts, worst first (one query)."""
    threshold = settings.UNDERACHIEVEMENT_POINTS
    out = []
    records = CensusRecord.objects.filter(
        school=school, year=year, on_register=True, band__isnull=False
    ).select_related("pupil")
    for record in records:
        progress = measures.pupil_progress(record.band, record.attainment_x10, expected)
        if progress is not None and progress <= -threshold:
            name = str(record.pupil) if record.pupil else record.upn
            out.append(Underachiever(record, name, expected[record.band] / 10, progress))
    return sorted(out, key=lambda u: (u.progress, u.name))
