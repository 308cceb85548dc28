"""Disclosure control: no hidden figure can be worked out from what is published.

The checks here do not use the module's graph reasoning: one solves the published table's linear
relations exactly (Fraction Gaussian elimination), the other searches the non-negative integer
completions of the hidden figures by brute force.
"""

import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risingtide.insights.disclosure import (
    SUPPRESSED,
    Figure,
    Mask,
    percent,
    publish_table,
    ratio,
    round_count,
    suppress,
)

Cell = tuple[int, int]


# --- Independent checkers ---------------------------------------------------------------------


def with_margins(table: list[list[int]]) -> list[list[int]]:
    """The table as an (r+1)×(c+1) array: row totals in the last column, column totals below."""
    rows = [[*row, sum(row)] for row in table]
    return [*rows, [sum(row[j] for row in rows) for j in range(len(rows[0]))]]


def hidden_of(mask: Mask) -> set[Cell]:
    """The mask's hidden figures as positions in the (r+1)×(c+1) array."""
    r, c = len(mask.row_totals), len(mask.col_totals)
    hidden = {(i, j) for i in range(r) for j in range(c) if mask.cells[i][j]}
    hidden |= {(i, c) for i in range(r) if mask.row_totals[i]}
    hidden |= {(r, j) for j in range(c) if mask.col_totals[j]}
    return hidden | ({(r, c)} if mask.grand_total else set())


def relations(r: int, c: int) -> list[list[Cell]]:
    """Each relation as [total, *parts]: rows, columns, and both sums of the margins."""
    lines = [[(i, c)] + [(i, j) for j in range(c)] for i in range(r + 1)]
    return lines + [[(r, j)] + [(i, j) for i in range(r)] for j in range(c + 1)]


def determined(full: list[list[int]], hidden: set[Cell]) -> set[Cell]:
    """Hidden figures fixed by the relations once published figures are substituted.

    x is determined iff its unit vector lies in the row space of the hidden unknowns' coefficients.
    """
    r, c = len(full) - 1, len(full[0]) - 1
    unknowns = sorted(hidden)
    column = {cell: k for k, cell in enumerate(unknowns)}
    matrix = []
    for total, *parts in relations(r, c):
        row = [Fraction(0)] * len(unknowns)
        for cell, sign in [(total, -1), *((p, 1) for p in parts)]:
            if cell in column:
                row[column[cell]] += sign
        matrix.append(row)
    basis: list[tuple[int, list[Fraction]]] = []  # (pivot column, row) in reduced form
    for row in matrix:
        row = reduce(row, basis)
        pivot = next((k for k, a in enumerate(row) if a), None)
        if pivot is not None:
            row = [a / row[pivot] for a in row]
            basis = [(p, reduce(b, [(pivot, row)])) for p, b in basis] + [(pivot, row)]
    fixed = set()
    for k, cell in enumerate(unknowns):
        unit = [Fraction(int(m == k)) for m in range(len(unknowns))]
        if not any(reduce(unit, basis)):
            fixed.add(cell)
    return fixed


def reduce(row: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    for pivot, b in basis:
        if row[pivot]:
            factor = row[pivot]
            row = [a - factor * x for a, x in zip(row, b, strict=True)]
    return row


def has_completion(full: list[list[int]], known: dict[Cell, int], cap: int) -> bool:
    """Whether non-negative interior values ≤ cap fit every known figure (margins follow).

    Depth-first over the unknown cells in reading order, pruned by what each line still needs.
    """
    r, c = len(full) - 1, len(full[0]) - 1
    free = [(i, j) for i in range(r) for j in range(c) if (i, j) not in known]
    row_sum = [sum(known.get((i, j), 0) for j in range(c)) for i in range(r)]
    col_sum = [sum(known.get((i, j), 0) for i in range(r)) for j in range(c)]
    row_left = [sum((i, j) not in known for j in range(c)) for i in range(r)]
    col_left = [sum((i, j) not in known for i in range(r)) for j in range(c)]
    left = [len(free)]

    def fits(total: Cell, have: int, room: int) -> bool:
        return total not in known or 0 <= known[total] - have <= room * cap

    def lines_fit(i: int, j: int) -> bool:
        return (
            fits((i, c), row_sum[i], row_left[i])
            and fits((r, j), col_sum[j], col_left[j])
            and fits((r, c), sum(row_sum), left[0])
        )

    def complete() -> bool:
        margins = [*((i, c, row_sum[i]) for i in range(r)), *((r, j, col_sum[j]) for j in range(c))]
        margins.append((r, c, sum(row_sum)))
        return all(known.get((i, j), n) == n for i, j, n in margins)

    def search(k: int) -> bool:
        if k == len(free):
            return complete()
        i, j = free[k]
        row_left[i] -= 1
        col_left[j] -= 1
        left[0] -= 1
        for n in range(cap + 1):
            row_sum[i] += n
            col_sum[j] += n
            if lines_fit(i, j) and search(k + 1):
                return True
            row_sum[i] -= n
            col_sum[j] -= n
        row_left[i] += 1
        col_left[j] += 1
        left[0] += 1
        return False

    if not all(lines_fit(i, j) for i in range(r) for j in range(c)):
        return False
    return search(0)


def pinned(full: list[list[int]], hidden: set[Cell]) -> set[Cell]:
    """Hidden figures taking one value only across all non-negative integer completions.

    For speed, values are searched up to one above the largest count (margins: their line's
    reach). A cap can only make this report more figures as pinned, never fewer, so an empty
    answer is still a proof.
    """
    r, c = len(full) - 1, len(full[0]) - 1
    cap = max(full[i][j] for i in range(r) for j in range(c)) + 1
    published = {(i, j): full[i][j] for i in range(r + 1) for j in range(c + 1)}
    published = {cell: n for cell, n in published.items() if cell not in hidden}
    result = set()
    for cell in sorted(hidden):
        i, j = cell
        reach = cap * (c if j == c else 1) * (r if i == r else 1)
        others = sorted(
            (n for n in range(reach + 1) if n != full[i][j]), key=lambda n: abs(n - full[i][j])
        )
        if not any(has_completion(full, {**published, cell: n}, cap) for n in others):
            result.add(cell)
    return result


def primaries(full: list[list[int]], threshold: int) -> set[Cell]:
    return {
        (i, j) for i, row in enumerate(full) for j, n in enumerate(row) if n < threshold or n == 0
    }


def test_checkers_catch_a_mask_that_leaks():
    full = with_margins([[3, 20], [10, 30]])
    assert determined(full, {(0, 0)}) == {(0, 0)}
    assert pinned(full, {(0, 0)}) == {(0, 0)}
    assert determined(full, {(0, 0), (0, 1), (1, 0), (1, 1)}) == set()
    # Two hidden zeros on a cycle of six cells: no linear relation fixes them, non-negativity does.
    six = with_margins([[3, 0, 30], [30, 4, 2], [5, 30, 0]])
    cycle = {(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 0)}
    assert determined(six, cycle) == set()
    assert pinned(six, cycle) == cycle


# --- Properties -------------------------------------------------------------------------------

counts = st.integers(0, 3) | st.integers(0, 8) | st.integers(0, 40)


@st.composite
def cases(draw, max_side: int, values: st.SearchStrategy[int]):
    r, c = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    n_tables = draw(st.integers(1, 2))
    tables = [
        draw(st.lists(st.lists(values, min_size=c, max_size=c), min_size=r, max_size=r))
        for _ in range(n_tables)
    ]
    primary = draw(
        st.none()
        | st.lists(
            st.lists(st.sampled_from([False] * 7 + [True]), min_size=c, max_size=c),
            min_size=r,
            max_size=r,
        )
    )
    return tables, primary


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(8, counts), threshold=st.integers(1, 10))
def test_no_hidden_figure_is_linearly_determined(case, threshold):
    tables, primary = case
    mask = suppress(tables, threshold, primary=primary)
    hidden = hidden_of(mask)
    for table in tables:
        full = with_margins(table)
        assert primaries(full, threshold) <= hidden
        assert determined(full, hidden) == set()
    if mask.grand_total and not any(map(any, primary or [])):
        # Only when it is small itself (a forced primary cell of a one-cell table is the grand
        # total too, so with forced cells it may have to go).
        assert any(sum(map(sum, table)) < threshold for table in tables)
    if primary:
        assert {(i, j) for i, row in enumerate(primary) for j, p in enumerate(row) if p} <= hidden


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(3, st.integers(0, 6)), threshold=st.integers(2, 6))
def test_every_hidden_figure_has_another_possible_value(case, threshold):
    tables, primary = case
    hidden = hidden_of(suppress(tables, threshold, primary=primary))
    for table in tables:
        full = with_margins(table)
        assert primaries(full, threshold) <= hidden
        assert pinned(full, hidden) == set()


# --- Examples ---------------------------------------------------------------------------------


def test_one_small_group_hides_the_other():
    # An LA's FSM yes/no breakdown: 3 is hidden, so 20 would give it away from the total.
    mask = suppress([[[3, 20]]])
    assert mask.cells == [[True, True]]
    assert mask.row_totals == [False]
    assert mask.col_totals == [True, True]  # one row: the column totals are the cells
    assert mask.grand_total is False


def test_no_small_counts_hides_nothing():
    mask = suppress([[[10, 20, 6], [30, 40, 7]]])
    assert hidden_of(mask) == set()


def test_a_school_of_four_hides_its_total_and_enough_cells():
    table = [[1, 3], [20, 30], [25, 35]]
    mask = suppress([table])
    hidden = hidden_of(mask)
    assert mask.row_totals[0] and mask.cells[0] == [True, True]
    assert not mask.grand_total
    full = with_margins(table)
    assert determined(full, hidden) == set() == pinned(full, hidden)


def test_two_cycles_joined_by_a_bridge_get_another_cell():
    big = 50
    table = [[big] * 4 for _ in range(4)]
    small = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    for n, (i, j) in enumerate(sorted(small)):
        table[i][j] = 1 + n % 5
    full = with_margins(table)
    assert primaries(full, 6) == small
    assert determined(full, small) == {(1, 2)}  # every line has two hidden cells, still a leak
    hidden = hidden_of(suppress([table]))
    assert hidden > small
    assert determined(full, hidden) == set()


def test_hidden_zeros_on_one_cycle_are_not_pinned():
    table = [[3, 0, 30], [30, 4, 2], [5, 30, 0]]
    full = with_margins(table)
    hidden = hidden_of(suppress([table]))
    assert hidden > primaries(full, 6)
    assert pinned(full, hidden) == set()


def test_linked_tables_share_one_mask_and_primary_is_honoured():
    cohort = [[40, 12, 30], [35, 22, 41]]
    register = [[9, 2, 7], [8, 6, 12]]
    primary = [[False, False, False], [False, False, True]]  # e.g. cohort − register is small
    mask = suppress([cohort, register], primary=primary)
    hidden = hidden_of(mask)
    assert {(0, 1), (1, 2)} <= hidden
    for table in (cohort, register):
        full = with_margins(table)
        assert determined(full, hidden) == set() == pinned(full, hidden)


def test_the_same_table_always_gets_the_same_mask():
    rng = random.Random(7)
    table = [[rng.choice([0, 2, 4, 9, 15, 30]) for _ in range(9)] for _ in range(12)]
    assert suppress([table]) == suppress([[row[:] for row in table]])
    # Ties go to the first cell in reading order.
    mask = suppress([[[3, 10, 10], [20, 20, 20]]])
    assert mask.cells == [[True, True, False], [True, True, False]]
    assert not any(mask.row_totals + mask.col_totals)


def test_empty_tables_hide_nothing():
    assert suppress([[]]) == Mask([], [], [], False)
    assert suppress([[[], []]]) == Mask([[], []], [False, False], [], False)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="non-negative"):
        suppress([[[1, -2]]])
    with pytest.raises(ValueError, match="2 × 2"):
        suppress([[[1, 2], [3, 4]], [[1, 2]]])


def test_a_large_table_is_masked_in_one_call():
    """A national-sized table (150 × 20, two counts a cell). How long it takes is measured in
    ``bench/insights_bench.py``, not timed here: a timed test fails on a busy machine."""
    rng = random.Random(2024)
    table = [[rng.choice([0, 1, 3, 5, 8, 12, 20, 40, 90]) for _ in range(20)] for _ in range(150)]
    register = [[n // 3 for n in row] for row in table]
    mask = suppress([table, register])
    assert len(mask.cells) == 150 and all(len(row) == 20 for row in mask.cells)
    small = [(i, j) for i, row in enumerate(register) for j, n in enumerate(row) if n < 6]
    assert small and all(mask.cells[i][j] for i, j in small)


# --- Publishing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "base", "expected"),
    [
        (0, 5, 0),
        (2, 5, 0),
        (3, 5, 5),
        (7, 5, 5),
        (8, 5, 10),
        (12, 5, 10),
        (5, 10, 10),
        (14, 10, 10),
    ],
)
def test_round_count(n, base, expected):
    assert round_count(n, base) == expected


def test_published_counts_are_rounded_each_on_its_own():
    (published,) = publish_table([[[7, 7, 20], [8, 31, 40]]], rounding=5)
    assert [[f.shown for f in row] for row in published.cells] == [
        ["5", "5", "20"],
        ["10", "30", "40"],
    ]
    assert published.row_totals[0].shown == "35"  # 34, not 5 + 5 + 20
    assert [f.shown for f in published.col_totals] == ["15", "40", "60"]
    assert published.grand_total.shown == "115"
    assert published.cells[0][0].raw == 5  # percentages use what is shown
    assert "raw" not in repr(published.cells[0][0])


def test_hidden_figures_show_c_and_keep_nothing():
    (published,) = publish_table([[[3, 20]]])
    hidden = published.cells[0][0]
    assert (hidden.shown, hidden.value, hidden.raw) == (SUPPRESSED, None, None)
    assert published.cells[0][1].shown == SUPPRESSED
    assert published.row_totals[0].shown == "23"


def test_linked_tables_publish_under_one_mask():
    cohort, register = publish_table([[[40, 12], [35, 22]], [[9, 2], [8, 6]]])
    assert cohort.cells[0][1].shown == register.cells[0][1].shown == SUPPRESSED  # 2 registered
    for c_row, r_row in zip(cohort.cells, register.cells, strict=True):
        assert [f.suppressed for f in c_row] == [f.suppressed for f in r_row]


def test_percentages_come_from_the_rounded_counts_and_hide_with_them():
    (published,) = publish_table([[[7, 21]]], rounding=5)
    cell, total = published.cells[0][0], published.row_totals[0]
    assert (cell.shown, total.shown) == ("5", "30")
    # 5 of 30, not 7 of 28: an exact 25% beside "5" and "30" would narrow 7 and 28 down.
    assert percent(cell, total).shown == "17%"
    assert percent(Figure(1, raw=1), Figure(3, raw=3), digits=1).shown == "33.3%"
    assert percent(Figure(1), Figure(8)).shown == "13%"  # halves up
    assert percent(Figure(None), total).shown == SUPPRESSED
    assert percent(cell, Figure(None)).shown == SUPPRESSED
    assert percent(cell, Figure(0, raw=0)).shown == SUPPRESSED


def test_representation_ratio():
    assert ratio(Figure(10), Figure(50), Figure(40), Figure(400)).shown == "2.00"
    assert ratio(Figure(9), Figure(60), Figure(30), Figure(100)).shown == "0.50"
    assert ratio(Figure(None), Figure(50), Figure(40), Figure(400)).shown == SUPPRESSED
    assert ratio(Figure(10), Figure(50), Figure(0), Figure(400)).shown == SUPPRESSED
