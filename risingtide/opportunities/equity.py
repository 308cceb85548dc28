"""Equity of provision: for each pupil group (FSM, Ever-6, EAL, SEN, gender, ethnic group, in
the one vocabulary of ``register.pupil_groups`` and ``insights.groups``, the same six groups
the marketplace's report sets its places against), the group's share of the places pupils on
the register hold this term against its share of the register, and the share of the group
that meets the entitlement.

Read live, from each pupil's ``entitlement.standings`` and their characteristics on the term's
last day (today, while the term runs): a school sees its own figures exactly; an LA or the
nation sees its schools summed under the insights disclosure control
(``insights.disclosure.publish_table``: small counts and every 0 hidden, then whatever would
let a hidden one be worked out). Each dimension is one table (groups × meeting / short, the
group's register count as its row total) and its places another; the grand totals (pupils on
the register, meeting, short, places) are the same figures in every dimension's table, so
one hidden anywhere is hidden everywhere. Outside the school every group of the vocabulary
has its row, so a group with nobody in it is a 0 hidden as "c", never a missing row that
gives the 0 away. Five queries whatever the number of pupils."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from risingtide.insights import disclosure
from risingtide.insights.disclosure import Figure
from risingtide.insights.groups import BY_KEY, Dimension
from risingtide.opportunities import entitlement
from risingtide.provision import periods
from risingtide.provision.reports import GROUP_DIMENSIONS
from risingtide.register.models import Pupil, ever_6, fsm_on

# A group holding less than this fraction of its share of places stands out (the register's
# own equity check flags a group below 0.8 of the rest's rate by default: the same "four
# fifths" rule).
SHARE_BELOW = 0.8


@dataclass(frozen=True)
class GroupRow:
    label: str
    subgroup: str
    register: Figure  # pupils of the group on the register
    share_of_register: Figure
    places: Figure  # opportunities they hold this term
    share_of_places: Figure
    met: Figure  # of them, meeting the entitlement
    share_met: Figure
    ratio: Figure  # share of places over share of the register


@dataclass(frozen=True)
class GroupTable:
    dimension: Dimension
    rows: list[GroupRow]


@dataclass(frozen=True)
class Equity:
    """A school's, an LA's or the nation's equity of provision in one term."""

    level: str  # "school", "la" or "nation"
    name: str
    term: periods.Period
    exact: bool
    register: Figure
    met: Figure
    share_met: Figure
    places: Figure
    tables: list[GroupTable]
    schools: int  # schools with pupils on the register

    @property
    def threshold(self) -> int:
        return settings.SUPPRESSION_THRESHOLD

    @property
    def stands_out(self) -> list[tuple[str, GroupRow]]:
        """(dimension heading, group) for each group, not the whole register, whose share of
        places is below 0.8 of its share of the register, as shown (a hidden ratio never)."""
        return [
            (table.dimension.label, row)
            for table in self.tables
            for row in table.rows
            if row.ratio.value is not None
            and row.ratio.value < SHARE_BELOW
            and row.share_of_register.value not in (None, 100)
        ]


@dataclass
class _Counts:
    register: int = 0
    met: int = 0
    places: int = 0


def _subgroup(dim: Dimension, value) -> str:
    """The census's reading of a pupil record's value (as ``insights.rollup`` takes it)."""
    if dim.boolean:
        return "Y" if value else "N"
    if dim.key == "gender":
        return value or "U"
    if dim.key == "sen":
        return value or "N"
    if dim.key == "ethnic_group":
        return value or "Unclassified"
    return str(value)


def count_groups(
    schools, term: periods.Period, dimensions=GROUP_DIMENSIONS, today: date | None = None
) -> tuple[_Counts, dict[str, dict[str, _Counts]], int]:
    """The exact counts: everyone, then each dimension's groups, and how many schools."""
    found = entitlement.standings(schools, term)
    day = min(term.end, today or timezone.localdate())
    dims = [BY_KEY[d] for d in dimensions]
    records = (
        Pupil.objects.filter(
            pk__in=entitlement.register_entries(schools, _year(term)).values("pupil_id")
        )
        .annotate(fsm_now=fsm_on(day), ever6=ever_6(day))
        .values_list("pk", "gender", "eal", "sen", "ethnic_group", "fsm_now", "ever6")
    )
    total = _Counts()
    groups: dict[str, dict[str, _Counts]] = {d.key: defaultdict(_Counts) for d in dims}
    for pk, gender, eal, sen, ethnic_group, fsm, ever6 in records:
        if pk not in found:
            continue
        _school, standing = found[pk]
        values = {
            "gender": gender,
            "eal": eal,
            "sen": sen,
            "ethnic_group": ethnic_group,
            "fsm": fsm,
            "ever_6": ever6,
        }
        for counts in [total, *(groups[d.key][_subgroup(d, values[d.key])] for d in dims)]:
            counts.register += 1
            counts.met += standing.met
            counts.places += standing.taken
    return total, groups, len({school for school, _ in found.values()})


def _year(term: periods.Period) -> int:
    return entitlement.term_parts(term)[0]


def _exact(n: int) -> Figure:
    return Figure(n, raw=n)


def equity(
    schools, term: periods.Period, *, level: str, name: str, exact: bool, today=None
) -> Equity:
    """The equity of provision of ``schools`` (a school, or a queryset of school ids) in
    ``term``: exact for the school's own staff, else under disclosure control."""
    total, groups, school_count = count_groups(schools, term, today=today)
    dims = [BY_KEY[d] for d in GROUP_DIMENSIONS]
    order = {d.key: list(d.groups) + sorted(set(groups[d.key]) - set(d.groups)) for d in dims}
    if exact:
        # The school's own: only the groups it has pupils in.
        order = {k: [s for s in subs if groups[k][s].register] for k, subs in order.items()}
        published = {
            k: (
                [
                    [_exact(groups[k][s].met), _exact(groups[k][s].register - groups[k][s].met)]
                    for s in subs
                ],
                [_exact(groups[k][s].register) for s in subs],
                [_exact(groups[k][s].places) for s in subs],
            )
            for k, subs in order.items()
        }
        register, met, places = _exact(total.register), _exact(total.met), _exact(total.places)
    else:
        published, register, met, places = _suppressed(groups, order)
    tables = []
    for dim in dims:
        cells, reg_figures, place_figures = published[dim.key]
        rows = [
            GroupRow(
                label=dim.label_of(sub),
                subgroup=sub,
                register=reg,
                share_of_register=disclosure.percent(reg, register),
                places=place,
                share_of_places=disclosure.percent(place, places),
                met=pair[0],
                share_met=disclosure.percent(pair[0], reg),
                ratio=disclosure.ratio(place, places, reg, register),
            )
            for sub, pair, reg, place in zip(
                order[dim.key], cells, reg_figures, place_figures, strict=True
            )
        ]
        tables.append(GroupTable(dim, rows))
    return Equity(
        level=level,
        name=name,
        term=term,
        exact=exact,
        register=register,
        met=met,
        share_met=disclosure.percent(met, register),
        places=places,
        tables=tables,
        schools=school_count,
    )


def _suppressed(groups, order):
    """Every dimension's tables published under one rule: a grand total (pupils on the
    register, meeting, short, places) hidden in one dimension's table is hidden in all, worked
    out again until no table hides one more (each pass only adds hides, so it ends)."""
    threshold = settings.SUPPRESSION_THRESHOLD
    rounding = settings.SUPPRESSION_ROUNDING or None
    nothing = Figure(None)
    # The shared totals hidden so far: meeting, short, on the register; places.
    hidden_pupils, hidden_places = [False, False, False], False
    again = True
    while again:
        again, published, totals = False, {}, (nothing, nothing, nothing)
        for key, subs in order.items():
            if not subs:
                published[key] = ([], [], [])
                continue
            table = [
                [groups[key][s].met, groups[key][s].register - groups[key][s].met] for s in subs
            ]
            primary = [[False, False, False] for _ in subs] + [list(hidden_pupils)]
            pupils = disclosure.publish_table([table], threshold, rounding, primary=primary)[0]
            places_table = [[groups[key][s].places] for s in subs]
            # A group whose number on the register is hidden has its places hidden too: its
            # places (and its share of them) would show that a small group is there.
            primary_places = [[t.suppressed, t.suppressed] for t in pupils.row_totals] + [
                [hidden_places, hidden_places]
            ]
            places = disclosure.publish_table(
                [places_table], threshold, rounding, primary=primary_places
            )[0]
            shown = [
                pupils.col_totals[0].suppressed,
                pupils.col_totals[1].suppressed,
                pupils.grand_total.suppressed,
            ]
            if shown != hidden_pupils or places.grand_total.suppressed != hidden_places:
                hidden_pupils = [a or b for a, b in zip(hidden_pupils, shown, strict=True)]
                hidden_places = hidden_places or places.grand_total.suppressed
                again = True
            published[key] = (pupils.cells, pupils.row_totals, [row[0] for row in places.cells])
            totals = (pupils.grand_total, pupils.col_totals[0], places.grand_total)
    return (published, *totals)
