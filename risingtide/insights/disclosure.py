"""Statistical disclosure control for count tables published outside a pupil's own school.

Small counts (below ``threshold``, and every 0) are shown as "c", and more figures are hidden so
that none can be worked out from the published cells and totals. The table with its margins is an
(r+1)×(c+1) array linked only by "each line sums to its total". Hidden figures are the edges of a
bipartite graph on the row-lines and column-lines; a hidden figure can change, with nothing shown
changing, iff its edge lies on a cycle of hidden figures along which +1/−1 can alternate. Linear
algebra pins the bridges; non-negativity also pins cycles that would take a hidden 0 below zero,
so a 0 gets a direction and a figure is safe iff it is on a *directed* cycle of that mixed graph:
(Boesch–Tindell) its ends share a strong component and it is no bridge of that component.

Complementary cells are added line by line first (a line whose hidden figures cannot carry a cycle
gets its cheapest other cell), then along the cheapest cycle through each figure still unsafe
(Dijkstra; hidden figures cost nothing). Cheapest: fewest grand totals, then fewest margins, then
the smallest counts; ties go to the first cell in reading order, so masks are deterministic.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from risingtide.insights import graphs

SUPPRESSED = "c"

Table = Sequence[Sequence[int]]


@dataclass(frozen=True)
class Mask:
    """Which figures of the published tables are hidden."""

    cells: list[list[bool]]  # r × c
    row_totals: list[bool]  # r
    col_totals: list[bool]  # c
    grand_total: bool


def suppress(
    tables: Sequence[Table], threshold: int = 6, *, primary: Sequence[Sequence[bool]] | None = None
) -> Mask:
    """One mask protecting every table in ``tables`` (same-shape counts about the same cells).

    A figure is hidden if it is 0 or below ``threshold`` in any table, or marked in ``primary``
    (r × c for the cells, or (r+1) × (c+1) with the row totals last in each row and the column
    totals in a last row); further figures are hidden until no hidden figure of any table can
    be recovered from the published cells and totals, by linear algebra or by non-negativity.
    """
    r, c = _shape(tables)
    if r == 0 or c == 0:
        return Mask([[] for _ in range(r)], [False] * r, [False] * c, False)
    full = [_with_margins(table, c) for table in tables]
    # Counts are non-negative, so a figure is small or 0 in some table iff its least is.
    hidden = [
        [(low := min(cells)) < threshold or low == 0 for cells in zip(*lines, strict=True)]
        for lines in zip(*full, strict=True)
    ]
    if primary is not None:
        wide = len(primary) == r + 1 and all(len(row) == c + 1 for row in primary)
        if not wide and (len(primary) != r or any(len(row) != c for row in primary)):
            raise ValueError(f"primary must be {r} × {c} or {r + 1} × {c + 1}")
        for i, j in ((i, j) for i, row in enumerate(primary) for j, flag in enumerate(row) if flag):
            hidden[i][j] = True
    _Protector(full, hidden).protect()
    return Mask(
        cells=[row[:c] for row in hidden[:r]],
        row_totals=[row[c] for row in hidden[:r]],
        col_totals=hidden[r][:c],
        grand_total=hidden[r][c],
    )


def _shape(tables: Sequence[Table]) -> tuple[int, int]:
    if not tables:
        raise ValueError("at least one table is needed")
    r = len(tables[0])
    c = len(tables[0][0]) if r else 0
    for table in tables:
        if len(table) != r or any(len(row) != c for row in table):
            raise ValueError(f"tables must all be {r} × {c}")
        if not all(
            all(map(isinstance, row, itertools.repeat(int))) and (not row or min(row) >= 0)
            for row in table
        ):
            raise ValueError("tables hold non-negative int counts")
    return r, c


def _with_margins(table: Table, c: int) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in table]
    rows.append([sum(row[j] for row in rows) for j in range(c + 1)])
    return rows


class _Protector:
    """Adds complementary suppressions to ``hidden``, an (r+1)×(c+1) pattern with margins last.

    Graph vertices: row-lines 0..r (r is the column-totals line), then column-lines r+1..r+c+1.
    """

    def __init__(self, full: list[list[list[int]]], hidden: list[list[bool]]) -> None:
        self.full, self.hidden = full, hidden
        r = self.r = len(hidden) - 1
        c = self.c = len(hidden[0]) - 1
        self.lines = [[(v, j, r + 1 + j) for j in range(c + 1)] for v in range(r + 1)]
        self.lines += [[(i, j, i) for i in range(r + 1)] for j in range(c + 1)]
        # Lexicographic preference folded into one int so path costs can simply be added.
        summed = [list(map(sum, zip(*lines, strict=True))) for lines in zip(*full, strict=True)]
        margin = 1 + sum(map(sum, summed))
        grand = margin * (r + c + 1)
        self.cost = [[*row[:c], row[c] + margin] for row in summed[:r]]
        self.cost.append([n + margin for n in summed[r][:c]] + [summed[r][c] + grand])

    def protect(self) -> None:
        self._balance_lines()
        # One repair often repairs many figures (a chain of bridges), so look again after each.
        while found := self._first_unsafe():
            t, (i, j) = found
            if not self._repair(t, i, j):
                raise RuntimeError("complementary suppression made no progress")

    def _passable(self, t: int, i: int, j: int, from_row: bool) -> bool:
        """Whether hidden figure (i, j) of table t can carry a cycle from its row-line end."""
        # A hidden 0 can only go up; up is row→column for cells and the grand total but
        # column→row for row and column totals, whose sign in the line relations is flipped.
        return self.full[t][i][j] != 0 or from_row == ((i < self.r) == (j < self.c))

    def _line_ok(self, v: int) -> bool:
        """Whether each hidden figure on line v has another to continue a cycle through v."""
        r, c, hidden = self.r, self.c, self.hidden
        if v <= r:
            row = hidden[v]
            cells = [(v, j) for j in range(c + 1) if row[j]]
            total = row[c]
        else:
            j = v - r - 1
            cells = [(i, j) for i in range(r + 1) if hidden[i][j]]
            total = hidden[r][j]
        if len(cells) < 2:
            return not cells
        # Through a line, every figure but the line's total is passable the same way when it
        # is 0 (_passable), and any figure that is not 0 both ways. So with the total hidden
        # a cycle can always turn on this line; without it, only through a figure not 0, which
        # each table needs.
        return total or all(any(f[i][j] for i, j in cells) for f in self.full)

    def _balance_lines(self) -> None:
        queue, queued = deque(range(len(self.lines))), [True] * len(self.lines)
        while queue:
            v = queue.popleft()
            queued[v] = False
            if self._line_ok(v):
                continue
            free = [
                (self.cost[i][j], i, j, w) for i, j, w in self.lines[v] if not self.hidden[i][j]
            ]
            if not free:
                continue  # left to the cycle pass
            _, i, j, w = min(free)
            self.hidden[i][j] = True
            for x in (v, w):
                if not queued[x]:
                    queued[x] = True
                    queue.append(x)

    def _first_unsafe(self) -> tuple[int, tuple[int, int]] | None:
        """A hidden figure that some table's published figures give away, if there is one."""
        edges = [(i, j) for i, row in enumerate(self.hidden) for j, h in enumerate(row) if h]
        seen = set()
        for t, values in enumerate(self.full):
            zeros = tuple(k for k, (i, j) in enumerate(edges) if not values[i][j])
            if zeros not in seen:  # tables with the same hidden zeros have the same graph
                seen.add(zeros)
                if (k := self._unsafe(values, edges, zeros)) is not None:
                    return t, edges[k]
        return None

    def _unsafe(
        self, values: list[list[int]], edges: list[tuple[int, int]], zeros: tuple[int, ...]
    ) -> int | None:
        """The first hidden figure on no directed cycle, i.e. recoverable from what is shown."""
        r, c = self.r, self.c
        n = len(self.lines)
        ends = [(i, r + 1 + j) for i, j in edges]
        if zeros:
            out: list[list[int]] = [[] for _ in range(n)]
            for i, j in edges:
                # Inlined _passable: this loop runs over every hidden figure, every repair.
                if values[i][j] or (i < r) == (j < c):
                    out[i].append(r + 1 + j)
                if values[i][j] or (i < r) != (j < c):
                    out[r + 1 + j].append(i)
            component = graphs.strong_components(out)
            inside = [k for k, (a, b) in enumerate(ends) if component[a] == component[b]]
            if len(inside) < len(ends):
                first_outside = min(set(range(len(ends))) - set(inside))
            else:
                first_outside = None
        else:
            # No hidden 0: every figure passes both ways, so each connected piece is strongly
            # connected and every figure lies inside one.
            inside, first_outside = range(len(ends)), None
        adjacent: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for k in inside:
            a, b = ends[k]
            adjacent[a].append((b, k))
            adjacent[b].append((a, k))
        bridges = graphs.bridges(adjacent)
        if first_outside is not None:
            bridges.add(first_outside)
        return min(bridges, default=None)

    def _repair(self, t: int, i: int, j: int) -> int:
        """Hide the cheapest cells closing a cycle through (i, j) in table t; how many were new."""
        row_end, col_end = i, self.r + 1 + j
        best: tuple[int, list[tuple[int, int]]] | None = None
        for from_row in (True, False):
            if self._passable(t, i, j, from_row):
                ends = (col_end, row_end) if from_row else (row_end, col_end)
                found = self._cheapest_path(t, *ends, (i, j))
                if found is not None and (best is None or found[0] < best[0]):
                    best = found
        if best is None:  # cannot happen: with every figure hidden, every figure is safe
            raise RuntimeError(f"no cycle can protect {(i, j)}")
        new = [(a, b) for a, b in best[1] if not self.hidden[a][b]]
        for a, b in new:
            self.hidden[a][b] = True
        return len(new)

    def _cheapest_path(
        self, t: int, source: int, target: int, skip: tuple[int, int]
    ) -> tuple[int, list[tuple[int, int]]] | None:
        """Cheapest path in table t's graph avoiding ``skip``; hidden figures cost nothing."""
        dist, back = {source: 0}, {}
        done = [False] * len(self.lines)
        heap = [(0, source)]
        while heap:
            d, v = heapq.heappop(heap)
            if done[v]:
                continue
            done[v] = True
            if v == target:
                path = []
                while v != source:
                    v, i, j = back[v]
                    path.append((i, j))
                return d, path
            from_row = v <= self.r
            for i, j, w in self.lines[v]:
                if done[w] or (i, j) == skip:
                    continue
                if not self.hidden[i][j]:
                    step = d + self.cost[i][j]
                elif self._passable(t, i, j, from_row):
                    step = d
                else:
                    continue
                if step < dist.get(w, step + 1):
                    dist[w], back[w] = step, (v, i, j)
                    heapq.heappush(heap, (step, w))
        return None


# --- Publishing -------------------------------------------------------------------------------


def round_count(n: int, base: int = 5) -> int:
    """``n`` to the nearest multiple of ``base``, halves up (7 → 5, 8 → 10; 5 → 10 for base 10)."""
    if base <= 0:
        raise ValueError("base must be positive")
    return (2 * n + base) // (2 * base) * base


@dataclass(frozen=True)
class Figure:
    """One published figure; ``value`` is None when suppressed."""

    value: float | int | None
    suffix: str = ""  # "%" for percentages
    digits: int = 0
    # The exact figure behind a rounded one, so derived figures are exact; None when hidden, and
    # kept out of repr so it never reaches a page by accident.
    raw: int | Fraction | None = field(default=None, repr=False, compare=False)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        """The text to publish: "c" when suppressed, else the figure (percentages as "18%")."""
        if self.value is None:
            return SUPPRESSED
        return f"{self.value:.{self.digits}f}{self.suffix}"


@dataclass(frozen=True)
class PublishedTable:
    """One input table's figures as they may be published."""

    cells: list[list[Figure]]
    row_totals: list[Figure]
    col_totals: list[Figure]
    grand_total: Figure


def publish_table(
    tables: Sequence[Table],
    threshold: int = 6,
    rounding: int | None = None,
    primary: Sequence[Sequence[bool]] | None = None,
) -> list[PublishedTable]:
    """Each table's cells and totals as Figures under one common mask (see :func:`suppress`).

    With ``rounding``, every shown count is rounded to the nearest multiple of it; totals are
    rounded on their own, not summed from rounded cells.
    """
    mask = suppress(tables, threshold, primary=primary)
    r, c = _shape(tables)
    hidden = [[*cells, total] for cells, total in zip(mask.cells, mask.row_totals, strict=True)]
    hidden.append([*mask.col_totals, mask.grand_total])
    published = []
    for table in tables:
        full = [
            [_count(n, h, rounding) for n, h in zip(row, flags, strict=True)]
            for row, flags in zip(_with_margins(table, c), hidden, strict=True)
        ]
        published.append(
            PublishedTable(
                cells=[row[:c] for row in full[:r]],
                row_totals=[row[c] for row in full[:r]],
                col_totals=full[r][:c],
                grand_total=full[r][c],
            )
        )
    return published


def _count(n: int, hidden: bool, rounding: int | None) -> Figure:
    if hidden:
        return Figure(None)  # no raw value either: nothing can be derived from a hidden count
    # With rounding on, percentages are made from the rounded counts: exact ones would narrow
    # down the very values the rounding hides.
    shown = round_count(n, rounding) if rounding else n
    return Figure(shown, raw=shown)


def _exact(figure: Figure) -> int | Fraction | None:
    if figure.value is None:
        return None
    return figure.raw if figure.raw is not None else Fraction(figure.value)


def _derived(exact: Fraction, digits: int, suffix: str = "") -> Figure:
    scale = 10**digits
    rounded = Fraction(math.floor(exact * scale + Fraction(1, 2)), scale)  # halves up
    value = int(rounded) if digits == 0 else float(rounded)
    return Figure(value, suffix, digits, raw=exact)


def percent(numerator: Figure, denominator: Figure, digits: int = 0) -> Figure:
    """numerator as a percentage of denominator, from the counts as published (rounded when
    rounding is on); hidden if either is."""
    top, bottom = _exact(numerator), _exact(denominator)
    if top is None or bottom is None or bottom == 0:
        return Figure(None, "%", digits)
    return _derived(Fraction(top) * 100 / bottom, digits, "%")


def ratio(
    register: Figure,
    register_total: Figure,
    cohort: Figure,
    cohort_total: Figure,
    digits: int = 2,
) -> Figure:
    """Representation ratio: the group's share of the register over its share of the cohort."""
    a, b, x, y = (_exact(f) for f in (register, register_total, cohort, cohort_total))
    if a is None or b is None or x is None or y is None or not (b and x and y):
        return Figure(None, digits=digits)
    return _derived(Fraction(a) / b / (Fraction(x) / y), digits)
