"""Disclosure control across tables: a figure hidden in one table is hidden wherever it is
published (LA report, nation report, a school's report seen from outside, their CSVs and
PDFs), and each table, with every hide of every table, gives no hidden figure away."""

import random
from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risingtide.insights import comparing, masks, queries, rollup
from risingtide.insights.groups import DIMENSIONS
from risingtide.insights.masks import COLUMNED, LA, NATION, SCHOOL, TOTAL, Tables
from risingtide.insights.models import HiddenFigure, MaskYear
from risingtide.insights.tests.factories import census
from risingtide.insights.tests.test_disclosure import determined, pinned, with_margins
from risingtide.register.models import academic_year

YEAR = academic_year()


# --- a nation of random pupils, worked out in memory ---------------------------------------


def _tables(pupils: list[tuple[int, int, bool, dict]], threshold: int) -> Tables:
    """A Tables as ``load_la``/``load_nation`` would fill it, from (la, school, on register,
    {dimension: subgroup}) pupils of one nation (id 1)."""
    t = Tables(YEAR, threshold)
    subgroups: dict[tuple[str, int], dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for la, school, on, groups in pupils:
        t.parent[(SCHOOL, school)], t.parent[(LA, la)], t.parent[(NATION, 1)] = la, 1, 1
        for level, entity in ((SCHOOL, school), (LA, la), (NATION, 1)):
            for dim, sub in [TOTAL, *groups.items()]:
                pair = t.values.setdefault((level, entity, dim, sub), [0, 0])
                pair[0] += 1
                pair[1] += on
                subgroups[(level, entity)][dim].add(sub)
    las = sorted({la for la, *_ in pupils})
    for dim in COLUMNED:
        for la in las:
            schools = sorted({s for a, s, *_ in pupils if a == la})
            cols = masks._ordered(dim, subgroups[(LA, la)][dim.key])
            t.shape[("la", la, dim.key)] = (schools, cols)
        t.shape[("nation", 1, dim.key)] = (
            las,
            masks._ordered(dim, subgroups[(NATION, 1)][dim.key]),
        )
        t.loaded |= {("la", la) for la in las} | {("nation", 1)}
    return t


def _hidden(t: Tables, table) -> set[tuple[int, int]]:
    """The positions a table publishes as "c": small figures, and any table's hides."""
    out = set()
    for i, row in enumerate(t.keys(table)):
        for j, key in enumerate(row):
            c, r = t.values.get(key, [0, 0])
            if masks.primary(c, r, t.threshold) or t.by.get(key):
                out.add((i, j))
    return out


def _grids(t: Tables, table) -> tuple[list[list[int]], list[list[int]]]:
    keys = t.keys(table)
    cells = [[t.values.get(k, [0, 0]) for k in row[:-1]] for row in keys[:-1]]
    return [[p[0] for p in row] for row in cells], [[p[1] for p in row] for row in cells]


def _check(t: Tables) -> None:
    for table in t.shape:
        rows, cols = t.shape[table]
        if not rows or not cols:
            continue
        hidden = _hidden(t, table)
        for grid in _grids(t, table):
            full = with_margins(grid)
            # The table's margins are the figures published elsewhere: the same numbers.
            keys = t.keys(table)
            assert [t.values.get(k, [0, 0])[0] for k in keys[-1]] == with_margins(
                _grids(t, table)[0]
            )[-1]
            assert determined(full, hidden) == set(), (table, full, hidden)


groups = st.fixed_dictionaries(
    {d.key: st.sampled_from(sorted(d.groups)[:3]) for d in DIMENSIONS if d.column}
)
pupil = st.tuples(st.integers(1, 3), st.integers(0, 3), st.booleans(), groups)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(pupil, min_size=1, max_size=120), threshold=st.integers(2, 6))
def test_no_table_gives_away_a_figure_any_table_hides(people, threshold):
    # School ids unique per LA: LA 2's school 1 is school 21.
    pupils = [(la, la * 10 + s, on, g) for la, s, on, g in people]
    t = _tables(pupils, threshold)
    t.settle(sorted(t.shape))
    _check(t)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(pupil, min_size=1, max_size=40))
def test_no_hidden_figure_of_a_small_table_has_only_one_possible_value(people):
    pupils = [(la, la * 10 + s, on, g) for la, s, on, g in people]
    t = _tables(pupils, 3)
    t.settle(sorted(t.shape))
    for table in t.shape:
        if t.shape[table][0] and t.shape[table][1] and len(t.shape[table][0]) <= 3:
            for grid in _grids(t, table):
                assert pinned(with_margins(grid), _hidden(t, table)) == set()


def test_working_out_again_from_what_is_stored_changes_nothing():
    rng = random.Random(7)
    keys = [d.key for d in COLUMNED]
    pupils = [
        (
            la,
            la * 10 + rng.randrange(4),
            rng.random() < 0.15,
            {k: rng.choice("YN") for k in keys},
        )
        for la in (1, 2, 3)
        for _ in range(rng.randrange(20, 200))
    ]
    t = _tables(pupils, 6)
    t.settle(sorted(t.shape))
    before = {k: set(v) for k, v in t.own.items()}
    t.changed.clear()
    t.settle(sorted(t.shape))  # each table given the others' hides: the same choice
    assert t.changed == set() and t.own == before


# --- through the pages ------------------------------------------------------------------------


@pytest.fixture
def area(world):
    """Own LA: "own" with 3 FSM pupils on the register (hidden), "peer" with 0; Other LA:
    "other" alone."""
    own, peer, other = (world.schools[k] for k in ("own", "peer", "other"))
    census(own, YEAR, 120, fsm=30, fsm_register=3, register=20)
    census(peer, YEAR, 80, fsm=10, fsm_register=0, register=8, start=1000)
    census(other, YEAR, 150, fsm=40, fsm_register=10, register=10, start=2000)
    rollup.rebuild_all()
    return world


def _shown(breakdown) -> dict[str, tuple[str, str]]:
    return {r.subgroup: (r.cohort.shown, r.register.shown) for r in breakdown.rows} | {
        "total": (breakdown.cohort.shown, breakdown.register.shown)
    }


def _entity(row) -> dict[str, tuple[str, str]]:
    return {g.subgroup: (g.cohort.shown, g.register.shown) for g in row.groups} | {
        "total": (row.cohort.shown, row.register.shown)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("dim", [d.key for d in COLUMNED])
def test_a_figure_is_shown_alike_in_every_report(area, dim):
    w = area
    la_report = comparing.la_report(w.las["own"], YEAR, dim)
    nation_report = comparing.nation_report(w.nation, YEAR, dim)
    own_la = next(r for r in nation_report.rows if r.pk == w.las["own"].pk)
    # The LA's figures: the LA report's total row, its row on the nation's, every school's
    # report of it (seen from outside, and by the school's own staff).
    assert _entity(la_report.total) == _entity(own_la)
    for key in ("own", "peer"):
        school = w.schools[key]
        for viewer in (None, w.users[f"leading_teacher@{key}"]):
            report = queries.school_report(viewer, school, YEAR)
            comparison = next(c for c in report.comparisons if c.dimension.key == dim)
            la_shown = _shown(comparison.la)
            assert {s: la_shown[s] for s in _entity(own_la)} == _entity(own_la)
            nation_shown = _shown(comparison.nation)
            assert {s: nation_shown[s] for s in _entity(nation_report.total)} == _entity(
                nation_report.total
            )
        # The school's own figures seen from outside: as on the LA report.
        outside = queries.school_report(None, school, YEAR)
        comparison = next(c for c in outside.comparisons if c.dimension.key == dim)
        row = next(r for r in la_report.rows if r.pk == school.pk)
        school_shown = _shown(comparison.school)
        assert {s: school_shown[s] for s in _entity(row)} == _entity(row)


@pytest.mark.django_db
def test_the_attack_on_separate_masks_fails(area):
    """The LA hides own's 3 FSM pupils on the register; its LA has two schools, so peer's FSM
    register count and the LA's are hidden with it, on every page. Nothing published pins 3."""
    w = area
    la_report = comparing.la_report(w.las["own"], YEAR, "fsm")
    peer_row = next(r for r in la_report.rows if r.pk == w.schools["peer"].pk)
    assert peer_row.groups[0].register.shown == "c"  # 0 FSM on the register: hidden anyway
    own_row = next(r for r in la_report.rows if r.pk == w.schools["own"].pk)
    assert own_row.groups[0].register.shown == "c"
    # The LA's FSM register total (3 + 0) is small: hidden in the LA report, in the nation's
    # and in every school's report.
    assert la_report.total.groups[0].register.shown == "c"
    outside_peer = queries.school_report(None, w.schools["peer"], YEAR)
    fsm = next(c for c in outside_peer.comparisons if c.dimension.key == "fsm")
    assert fsm.school.row("Y").register.shown == "c" and fsm.la.row("Y").register.shown == "c"


@pytest.mark.django_db
def test_masks_are_stored_per_table_and_follow_a_change(area):
    w = area
    assert MaskYear.objects.filter(year=YEAR, threshold=6).exists()
    stored = set(HiddenFigure.objects.values_list("table", "level", "entity", "dimension"))
    assert all(t.split(":")[0] in ("la", "nation") for t, *_ in stored)
    # One school changes: the masks it touches are worked out again, in the same transaction;
    # the result is what a full working-out gives.
    census(w.schools["peer"], YEAR, 80, fsm=10, fsm_register=7, register=8, start=5000)
    from risingtide.insights.models import CensusRecord

    CensusRecord.objects.filter(school=w.schools["peer"], upn__lt="X000000005000").delete()
    rollup.rebuild_schools([w.schools["peer"].pk], [YEAR])
    _check(_stored(w))  # every table safe given what every table hides
    incremental = _hides()
    masks.areas_changed([w.las["own"].pk], [YEAR])  # nothing changed: nothing moves
    assert _hides() == incremental
    rollup.rebuild_masks([YEAR])  # afresh: sheds hides the change left, still safe
    _check(_stored(w))


def _hides() -> set:
    return set(
        HiddenFigure.objects.values_list("table", "level", "entity", "dimension", "subgroup")
    )


def _stored(w) -> Tables:
    t = Tables(YEAR, 6)
    t.load_nation(w.nation.pk, with_hides=True)
    for la in w.las.values():
        t.load_la(la.pk, with_hides=True)
    return t


@pytest.mark.django_db
def test_without_masks_for_the_threshold_nothing_is_shown_outside(area, settings):
    w = area
    settings.SUPPRESSION_THRESHOLD = 3
    report = comparing.la_report(w.las["own"], YEAR, "fsm")
    assert {r.cohort.shown for r in report.rows} == {"c"}
    # The school's own staff still see their own figures exactly.
    own = queries.school_report(w.users["leading_teacher@own"], w.schools["own"], YEAR)
    assert own.headline[0].cohort.shown == "120" and own.headline[1].cohort.shown == "c"
    rollup.rebuild_masks()
    report = comparing.la_report(w.las["own"], YEAR, "fsm")
    assert next(r for r in report.rows if r.pk == w.schools["own"].pk).cohort.shown == "120"


@pytest.mark.django_db
def test_a_schools_own_staff_see_zeros_as_zeros(area):
    w = area
    report = queries.school_report(w.users["leading_teacher@peer"], w.schools["peer"], YEAR)
    fsm = next(c for c in report.comparisons if c.dimension.key == "fsm")
    assert fsm.school.row("Y").register.shown == "0" and fsm.school.row("Y").rate.shown == "0%"
    assert any(
        "FSM pupils are 13% of the cohort but 0% of the register" in p for p in report.prompts
    )


@pytest.mark.django_db
def test_a_gap_to_a_small_national_group_is_withheld(area):
    w = area
    report = queries.school_report(w.users["leading_teacher@own"], w.schools["own"], YEAR)
    fsm = next(c for c in report.comparisons if c.dimension.key == "fsm")
    line = fsm.lines[0]
    assert not any(g.suppressed for g in line.gaps), "13 FSM G&T pupils nationally: shown"
    c = fsm.comparators["Y"]
    fsm.comparators["Y"] = replace(c, sizes=(5, c.sizes[1], c.sizes[2]))
    same, other, every = fsm.lines[0].gaps
    assert same.suppressed and not other.suppressed and not every.suppressed
