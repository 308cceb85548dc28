"""Equity of provision: the figures against direct counts, and the disclosure control outside
the school (nothing small shown, the shared totals hidden alike in every table)."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risingtide.insights.groups import BY_KEY
from risingtide.opportunities import entitlement, equity
from risingtide.opportunities.equity import _Counts, _suppressed
from risingtide.opportunities.tests.test_entitlement_world import (
    AUTUMN,
    opportunity,
    pupil,
    take,
)
from risingtide.provision.reports import GROUP_DIMENSIONS
from risingtide.register.models import FsmPeriod

TERM = entitlement.chosen_term(AUTUMN)

# (gender, eal, sen, ethnic_group, fsm, opportunities held: 0, 1 or 2 (2 meets it))
PUPILS = [
    ("F", False, "", "White", False, 2),
    ("F", False, "", "White", True, 1),
    ("M", True, "K", "Asian", True, 0),
    ("M", False, "", "Black", False, 2),
    ("F", True, "E", "", False, 2),
    ("M", False, "K", "Mixed", True, 2),
    ("U", False, "", "White", False, 0),
]


@pytest.fixture
def school(world):
    school = world.schools["own"]
    clubs = [
        opportunity(school, "Maths", components=("curriculum",)),
        opportunity(school, "Trip", components=("beyond",)),
    ]
    for n, (gender, eal, sen, ethnic, fsm, held) in enumerate(PUPILS):
        record = pupil(school, f"P{n}", gender=gender, eal=eal, sen=sen, ethnic_group=ethnic)
        if fsm:
            FsmPeriod.objects.create(pupil=record, start=TERM.start)
        for club in clubs[:held]:
            take(record, club)
    return school


def _direct(column):
    register, places, met = Counter(), Counter(), Counter()
    for gender, eal, sen, ethnic, fsm, held in PUPILS:
        value = {
            "gender": gender or "U",
            "eal": "Y" if eal else "N",
            "sen": sen or "N",
            "ethnic_group": ethnic or "Unclassified",
            "fsm": "Y" if fsm else "N",
            "ever_6": "Y" if fsm else "N",
        }[column]
        register[value] += 1
        places[value] += held
        met[value] += held == 2
    return register, places, met


@pytest.mark.django_db
def test_the_schools_figures_are_the_direct_counts(school):
    found = equity.equity(school, TERM, level="school", name="Own", exact=True)
    assert (found.register.value, found.places.value, found.met.value) == (7, 9, 4)
    assert found.share_met.shown == "57%"
    assert [t.dimension.key for t in found.tables] == list(GROUP_DIMENSIONS)
    for table in found.tables:
        register, places, met = _direct(table.dimension.key)
        shown = {row.subgroup: row for row in table.rows}
        assert set(shown) == set(register), table.dimension.key
        for sub, row in shown.items():
            assert row.register.value == register[sub]
            assert row.places.value == places[sub]
            assert row.met.value == met[sub]
            assert row.label == BY_KEY[table.dimension.key].label_of(sub)
            expected = round(100 * places[sub] / 9)
            assert row.share_of_places.value == expected


@pytest.mark.django_db
def test_outside_the_school_small_numbers_are_hidden(school, world):
    from risingtide.opportunities.entitlement_queries import la_equity

    found = la_equity(world.las["own"], TERM)
    assert not found.exact
    # 7 on the register may be shown; 4 meeting it (and so 3 short) may not.
    assert found.register.value == 7
    assert found.met.suppressed and found.share_met.suppressed
    for table in found.tables:
        for row in table.rows:
            for figure in (row.register, row.places, row.met):
                assert figure.suppressed or figure.value >= 6


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(counts, counts, st.integers(0, 3)), min_size=1, max_size=4),
    st.lists(st.tuples(counts, counts, st.integers(0, 3)), min_size=1, max_size=3),
)
def test_suppression_hides_small_counts_and_shared_totals_alike(first, second):
    """Two dimensions of the same pupils cut two ways: any shown count is at least the
    threshold, and the grand totals are hidden in both tables or in neither."""
    total_met = sum(m for m, _s, _p in first)
    total_short = sum(s for _m, s, _p in first)
    # Make the second dimension sum to the same totals as the first.
    second = [(m, s, p) for m, s, p in second]
    m2, s2 = sum(m for m, _s, _p in second[:-1]), sum(s for _m, s, _p in second[:-1])
    if m2 > total_met or s2 > total_short:
        return
    last = second[-1]
    second[-1] = (total_met - m2, total_short - s2, last[2])
    groups = {}
    for key, rows in (("a", first), ("b", second)):
        groups[key] = {}
        for n, (met, short, per_pupil) in enumerate(rows):
            groups[key][str(n)] = _Counts(met + short, met, (met + short) * per_pupil)
    # Places must also agree: recompute b's places so the totals match a's.
    total_places = sum(c.places for c in groups["a"].values())
    b_places = sum(c.places for c in groups["b"].values())
    if b_places != total_places:
        keys = list(groups["b"])
        diff = total_places - b_places
        last = groups["b"][keys[-1]]
        if last.places + diff < 0:
            return
        last.places += diff
    order = {k: [s for s in groups[k] if groups[k][s].register] for k in groups}
    if not order["a"] or not order["b"]:
        return
    published, register, met, places = _suppressed(groups, order)
    for cells, row_totals, place_figures in published.values():
        for figure in [*row_totals, *place_figures, *(f for row in cells for f in row)]:
            assert figure.suppressed or figure.value >= 6
        # A group hidden on the register keeps its places hidden too (it would show it is there).
        for total, place in zip(row_totals, place_figures, strict=True):
            assert place.suppressed or not total.suppressed
    # Shown totals are the real totals.
    if not register.suppressed:
        assert register.value == total_met + total_short
    if not met.suppressed:
        assert met.value == total_met
    if not places.suppressed:
        assert places.value == total_places


def test_a_small_group_holding_many_places_keeps_them_hidden():
    """One pupil of a group, holding seven places: seven is over the threshold, but shown it
    would say the group of one is there."""
    groups = {
        "ethnic_group": {"White": _Counts(30, 20, 40), "Mixed": _Counts(1, 1, 7)},
    }
    published, *_ = _suppressed(groups, {"ethnic_group": ["White", "Mixed"]})
    _cells, row_totals, place_figures = published["ethnic_group"]
    assert row_totals[1].suppressed and place_figures[1].suppressed
