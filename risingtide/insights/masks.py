"""Disclosure control that holds across every table a figure is published in.

The same figure appears in several tables: a school's FSM count is a cell of its LA's table
(schools × FSM) and of the school's own report seen from outside; the LA's FSM count is a
column total of that table, a cell of the nation's table (LAs × FSM) and the LA column of each
school's report; a school's total is the row total of its LA's table for every dimension. A
mask worked out table by table would hide a figure in one place and print it in another, from
which the hidden cells can be recovered. So one set of hidden figures is kept per year:

- *Primary* suppression follows from the figure alone (``primary``) and is applied wherever it
  is shown, so it is not stored.
- *Complementary* suppression is worked out per table (an LA's schools × one dimension's
  subgroups, with the LA's figures as column totals; a nation's LAs × subgroups), taking every
  figure that any other table hides as already hidden, and stored (``HiddenFigure``). When a
  table's hidden figures change, every other table holding one of them is worked out again,
  until none changes.

A figure is identified by its ``Key``: (level, entity id, dimension, subgroup); ("all", "all")
is the entity's total. Cohort and register counts of a figure share its fate (one mask for
both, as ``disclosure.suppress`` takes them).

Limit: each table is protected on its own, given the figures every other table hides. Tables
share only totals, and every shared figure is hidden or shown alike everywhere; attacks that
combine the equations of two tables through hidden shared totals are not ruled out (the
linked-tables problem; see docs/architecture.md).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum

from risingtide.insights import disclosure, mask_workers
from risingtide.insights.groups import DIMENSIONS
from risingtide.insights.models import HiddenFigure, MaskYear, Summary
from risingtide.schools.models import LocalAuthority

Key = tuple[str, int, str, str]  # (level, entity, dimension, subgroup)
TableId = tuple[str, int, str]  # ("la" or "nation", its id, dimension)
SCHOOL, LA, NATION = Summary.Level.SCHOOL, Summary.Level.LA, Summary.Level.NATION
TOTAL = ("all", "all")
COLUMNED = [d for d in DIMENSIONS if d.column]
_READ = ("level", "school_id", "local_authority_id", "nation_id", "dimension", "subgroup")


def primary(cohort: int, register: int, threshold: int) -> bool:
    """Hidden on its own: a small or zero count of pupils, on the register or not on it."""
    return (
        cohort == 0
        or register == 0
        or cohort < threshold
        or register < threshold
        or cohort - register < threshold
    )


def table_name(table: TableId) -> str:
    return ":".join(map(str, table))


# --- what the pages read -------------------------------------------------------------------


@dataclass(frozen=True)
class Hidden:
    """The complementary hides of some years and entities, as a page loaded them."""

    keys: frozenset[tuple[int, Key]] = frozenset()  # (year, key)
    years: frozenset[int] = frozenset()  # years whose masks are built for the threshold

    def hides(self, year: int, key: Key) -> bool:
        return year not in self.years or (year, key) in self.keys


def load(
    years: list[int],
    *,
    entities: list[tuple[str, int]] = (),
    children: list[tuple[str, int]] = (),
    dimensions: list[str] | None = None,
) -> Hidden:
    """The hides of ``entities`` (level, id) and of every entity whose parent is one of
    ``children`` (level of the children, parent id), in ``years``: two queries."""
    if not years:
        return Hidden()
    threshold = settings.SUPPRESSION_THRESHOLD
    built = MaskYear.objects.filter(year__in=years, threshold=threshold)
    # One indexed SELECT per condition, joined by UNION ALL: an OR of them lets the planner
    # scan every year's hides.
    wheres = [Q(level=level, entity=pk) for level, pk in entities]
    wheres += [Q(level=level, parent=parent) for level, parent in children]
    keys: set[tuple[int, Key]] = set()
    parts = []
    for where in wheres:
        rows = HiddenFigure.objects.filter(where, year__in=years)
        if dimensions is not None:
            rows = rows.filter(dimension__in=["all", *dimensions])
        parts.append(rows.values_list("year", "level", "entity", "dimension", "subgroup"))
    if parts:
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for year, level, entity, dim, sub in rows:
            keys.add((year, (level, entity, dim, sub)))
    return Hidden(frozenset(keys), frozenset(built.values_list("year", flat=True)))


# --- working the masks out -----------------------------------------------------------------


@dataclass
class Tables:
    """One year's figures and hides, loaded an LA or a nation at a time as tables need them."""

    year: int
    threshold: int
    values: dict[Key, list[int]] = field(default_factory=dict)  # key -> [cohort, register]
    # The table's rows (schools or LAs) and columns (subgroups) per table.
    shape: dict[TableId, tuple[list[int], list[str]]] = field(default_factory=dict)
    own: dict[TableId, set[Key]] = field(default_factory=dict)  # stored hides per table
    by: dict[Key, set[TableId]] = field(default_factory=lambda: defaultdict(set))
    parent: dict[tuple[str, int], int] = field(default_factory=dict)
    children: dict[tuple[str, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    seen: dict[tuple[str, int], dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    loaded: set[tuple[str, int]] = field(default_factory=set)
    changed: set[TableId] = field(default_factory=set)
    runs: dict[TableId, int] = field(default_factory=lambda: defaultdict(int))
    # Masks worked out ahead in worker processes, by their exact input (mask_workers).
    premasked: mask_workers.Premasked = field(default_factory=dict)
    memo: dict[TableId, mask_workers.Job] = field(default_factory=dict)

    # loading

    def read(self, rows) -> None:
        # Cohort and register summed by the database: half the rows, and plain tuples (a
        # year's rows are a million at national scale; each costs Python time).
        grouped = (
            rows.order_by()
            .values(*_READ)
            .annotate(cohort=Sum("pupils"), register=Sum("pupils", filter=Q(on_register=True)))
            .values_list(*_READ, "cohort", "register")
        )
        # The ORM's query, read through a plain cursor: its per-value converters cost more
        # than the rest of this loop.
        with connection.cursor() as cursor:
            cursor.execute(*grouped.query.sql_with_params())
            found = cursor.fetchall()
        self.add(
            (
                level,
                school if level == SCHOOL else la if level == LA else nation,
                la if level == SCHOOL else nation,
                dim,
                sub,
                cohort,
                register or 0,
            )
            for level, school, la, nation, dim, sub, cohort, register in found
        )

    def add(self, figures) -> None:
        """Take in figures given as (level, entity, its parent, dimension, subgroup, cohort,
        register), summing those of one key (a figure of each register status)."""
        values, seen, parent_of, children = self.values, self.seen, self.parent, self.children
        for level, entity, parent, dim, sub, cohort, register in figures:
            if (level, entity) not in parent_of:
                parent_of[(level, entity)] = parent
                children[(level, parent)].append(entity)
            pair = values.setdefault((level, entity, dim, sub), [0, 0])
            pair[0] += cohort
            pair[1] += register
            seen[(level, entity)][dim].add(sub)

    def shape_area(self, kind: str, pk: int, level: str, entities: list[int]) -> None:
        """The area's tables (one per dimension), with ``entities`` of ``level`` as rows and
        as columns the subgroups any of them has (the area's own, as its figures are their
        sums)."""
        self.loaded.add((kind, pk))
        for dim in COLUMNED:
            seen = set().union(*(self.seen[(level, e)][dim.key] for e in entities))
            self.shape[(kind, pk, dim.key)] = (entities, _ordered(dim, seen))

    def load_la(self, la: int, with_hides: bool) -> None:
        """An LA's schools and its own figures, its tables, and (``with_hides``) their hides."""
        if ("la", la) in self.loaded:
            return
        # The LA's own rows, unless its nation brought them already.
        levels = [SCHOOL] if (LA, la) in self.parent else [SCHOOL, LA]
        self.read(Summary.objects.filter(level__in=levels, local_authority_id=la, year=self.year))
        self.shape_area("la", la, SCHOOL, sorted(self.children[(SCHOOL, la)]))
        if with_hides:
            self._hides(Q(table__startswith=f"la:{la}:"))

    def load_nation(self, nation: int, with_hides: bool) -> None:
        if ("nation", nation) in self.loaded:
            return
        # LA rows an LA brought already are not read twice (nor summed twice).
        done = [e for (level, e) in self.parent if level == LA]
        self.read(
            Summary.objects.filter(
                Q(level=LA) | Q(level=NATION), nation_id=nation, year=self.year
            ).exclude(level=LA, local_authority_id__in=done)
        )
        self.shape_area("nation", nation, LA, sorted(self.children[(LA, nation)]))
        if with_hides:
            # The nation's own tables, and every LA table's hides of an LA-level figure.
            self._hides(Q(table__startswith=f"nation:{nation}:") | Q(level=LA, parent=nation))

    def _hides(self, where: Q) -> None:
        for table, level, entity, dim, sub in (
            HiddenFigure.objects.filter(where, year=self.year)
            .values_list("table", "level", "entity", "dimension", "subgroup")
            .iterator(chunk_size=10000)
        ):
            kind, pk, tdim = table.split(":")
            tid = (kind, int(pk), tdim)
            key = (level, entity, dim, sub)
            self.own.setdefault(tid, set()).add(key)
            self.by[key].add(tid)

    # tables and their figures

    def keys(self, table: TableId) -> list[list[Key]]:
        """The table's figures with margins: (r+1) × (c+1) keys, row totals last."""
        kind, pk, dim = table
        rows, cols = self.shape[table]
        level, whole = (SCHOOL, LA) if kind == "la" else (LA, NATION)
        grid = [[(level, e, dim, s) for s in cols] + [(level, e, *TOTAL)] for e in rows]
        grid.append([(whole, pk, dim, s) for s in cols] + [(whole, pk, *TOTAL)])
        return grid

    def tables_holding(self, key: Key) -> list[TableId]:
        level, entity, dim, _sub = key
        dims = [d.key for d in COLUMNED] if dim == "all" else [dim]
        out: list[TableId] = []
        if level == SCHOOL:
            out += [("la", self.parent[(SCHOOL, entity)], d) for d in dims]
        elif level == LA:
            out += [("la", entity, d) for d in dims]
            out += [("nation", self.parent[(LA, entity)], d) for d in dims]
        else:
            out += [("nation", entity, d) for d in dims]
        return out

    def inputs(self, table: TableId) -> mask_workers.Job:
        """The table's figures' keys, its cohort and register counts, and which figures are
        small on their own (worked out once: the figures do not change while loaded)."""
        if (found := self.memo.get(table)) is None:
            found = self.memo[table] = self._inputs(table)
        return found

    def _inputs(self, table: TableId) -> mask_workers.Job:
        grid = self.keys(table)
        pairs = [[self.values.get(k, [0, 0]) for k in row] for row in grid]
        cohorts = [[p[0] for p in row[:-1]] for row in pairs[:-1]]
        registers = [[p[1] for p in row[:-1]] for row in pairs[:-1]]
        small = [[primary(c, r, self.threshold) for c, r in row] for row in pairs]
        return table, grid, cohorts, registers, small

    def work_out(self, table: TableId, keep: set[Key]) -> set[Key]:
        """The table's complementary hides, given what every other table hides and keeping
        ``keep`` hidden."""
        rows, cols = self.shape[table]
        if not rows or not cols:
            return set()
        _, grid, cohorts, registers, small = self.inputs(table)
        by = self.by
        # Hidden by another table (a set holding anything but this table), or kept.
        forced = [
            [bool((b := by.get(k)) and (len(b) > 1 or table not in b)) or k in keep for k in row]
            for row in grid
        ]
        flags = [
            [a or b for a, b in zip(s, f, strict=True)] for s, f in zip(small, forced, strict=True)
        ]
        mask = self.premasked.get(mask_workers.input_key(table, flags)) or disclosure.suppress(
            [cohorts, registers], self.threshold, primary=flags
        )
        hidden = [[*cells, total] for cells, total in zip(mask.cells, mask.row_totals, strict=True)]
        hidden.append([*mask.col_totals, mask.grand_total])
        return {
            k
            for krow, hrow, srow, frow in zip(grid, hidden, small, forced, strict=True)
            for k, h, s, f in zip(krow, hrow, srow, frow, strict=True)
            if h and not s and (not f or k in keep)
        }

    def settle(self, queue: list[TableId], fresh: set[TableId] = frozenset()) -> None:
        """Work tables out until no table's hides change. A table's hides only grow while it
        settles (tables could otherwise undo each other's choices for ever), except that a
        table in ``fresh``, whose figures changed, starts its first working-out from none."""
        queued = set(queue)
        while queue:
            table = queue.pop(0)
            queued.discard(table)
            first = table in fresh and not self.runs[table]
            new = self.work_out(table, set() if first else self.own.get(table, set()))
            old = self.own.get(table, set())
            self.runs[table] += 1
            if new == old:
                continue
            self.own[table] = new
            self.changed.add(table)
            for key in old - new:
                self.by[key].discard(table)
            for key in new - old:
                self.by[key].add(table)
            for key in old ^ new:
                for other in self.tables_holding(key):
                    if other != table and other not in queued:
                        self._ensure(other)
                        queued.add(other)
                        queue.append(other)

    def _ensure(self, table: TableId) -> None:
        kind, pk, _dim = table
        if kind == "la":
            self.load_la(pk, with_hides=True)
        else:
            self.load_nation(pk, with_hides=True)

    def write(self, *, fresh: bool = False) -> None:
        """Replace the stored hides of every table that changed (``fresh``: the year has
        none stored, so there are none to delete)."""
        names = [] if fresh else [table_name(t) for t in self.changed]
        for chunk in range(0, len(names), 500):
            HiddenFigure.objects.filter(
                year=self.year, table__in=names[chunk : chunk + 500]
            ).delete()
        parent, year = self.parent, self.year
        rows = [
            (year, name, key[0], key[1], parent.get(key[:2], key[1]), key[2], key[3])
            for table in self.changed
            if (name := table_name(table))
            for key in self.own.get(table, ())
        ]
        _insert_hides(rows)


_HIDE_COLUMNS = ("year", "table", "level", "entity", "parent", "dimension", "subgroup")


def _insert_hides(rows: list[tuple]) -> None:
    """Store hides given as ``_HIDE_COLUMNS`` tuples: by COPY on PostgreSQL (a full rebuild
    stores some 80,000 a year, and building a model instance for each took longer than
    working the masks out), else by one executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(HiddenFigure._meta.db_table)
    columns = ", ".join(quote(c) for c in _HIDE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(_HIDE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _ordered(dim, seen: set[str]) -> list[str]:
    return [g for g in dim.groups if g in seen] + sorted(seen - set(dim.groups))


def rebuild(years: list[int], *, workers: int | None = None, ahead=None) -> int:
    """Work out every table's hides for ``years`` afresh; returns the number stored.
    ``workers``: processes for the LAs' first pass (``mask_workers``); by default one per CPU
    at national scale, none for a small world; 0 or 1 works all out in this process.
    ``ahead``: a ``mask_ahead.Ahead`` that worked the years out from the census while the
    summaries were written; a year it gives tables for (checked against the summaries) is
    only stored here."""
    threshold = settings.SUPPRESSION_THRESHOLD
    stored = 0
    with transaction.atomic():
        for year in sorted(set(years)):
            HiddenFigure.objects.filter(year=year).delete()
            tables = ahead.tables(year) if ahead is not None else None
            if tables is None:
                tables = Tables(year, threshold)
                nations = sorted(
                    set(
                        Summary.objects.filter(level=NATION, year=year).values_list(
                            "nation_id", flat=True
                        )
                    )
                )
                for nation in nations:
                    tables.load_nation(nation, with_hides=False)
                settle_afresh(tables, nations, workers)
            tables.write(fresh=True)
            stored += sum(len(tables.own.get(t, ())) for t in tables.changed)
            MaskYear.objects.update_or_create(year=year, defaults={"threshold": threshold})
        # A year with figures has national ones: read through the national rows' index, not
        # by scanning a million rows for their years.
        MaskYear.objects.filter(year__in=years).exclude(
            year__in=Summary.objects.filter(level=NATION, year__in=years).values("year")
        ).delete()
    return stored


def settle_afresh(tables: Tables, nations: list[int], workers: int | None) -> None:
    """A year's every table worked out from no hides, in the one queue order a full rebuild
    uses: each nation's LAs' tables (LA by LA), then the nation's own."""
    las = {n: tables.shape[("nation", n, COLUMNED[0].key)][0] for n in nations}
    queue: list[TableId] = []
    # Each LA's first pass goes to the workers as soon as the LA is read, so they
    # work while this process waits for the database.
    with mask_workers.Premasker(
        tables.threshold, workers, len(COLUMNED) * sum(map(len, las.values()))
    ) as premasker:
        for nation in nations:
            for la in las[nation]:
                tables.load_la(la, with_hides=False)
                own = [("la", la, d.key) for d in COLUMNED]
                premasker.add([tables.inputs(t) for t in own if all(tables.shape[t])])
                queue += own
            queue += [("nation", nation, d.key) for d in COLUMNED]
        tables.premasked = premasker.results()
    tables.settle(queue)


def areas_changed(la_ids: list[int], years: list[int]) -> None:
    """These LAs' figures changed (a school's data did): work out again their tables and
    their nations', then any other table whose figures those hide or stop hiding."""
    threshold = settings.SUPPRESSION_THRESHOLD
    with transaction.atomic():
        built = dict(MaskYear.objects.filter(year__in=years).values_list("year", "threshold"))
        nations = sorted(
            set(LocalAuthority.objects.filter(pk__in=la_ids).values_list("nation_id", flat=True))
        )
        for year in sorted(set(years)):
            if built.get(year) != threshold:
                rebuild([year])  # never built (or for another threshold): the whole year
                continue
            tables = Tables(year, threshold)
            queue: list[TableId] = []
            for nation in nations:
                tables.load_nation(nation, with_hides=True)
                queue += [("nation", nation, d.key) for d in COLUMNED]
            for la in sorted(set(la_ids)):
                tables.load_la(la, with_hides=True)
                queue = [("la", la, d.key) for d in COLUMNED] + queue
            # The changed LAs' tables start afresh (their figures are new); every other table
            # keeps what it hid, so a change settles in a few tables, not across the nation.
            # A full rebuild (``rebuild_insights --masks-only``) sheds hides no longer needed.
            tables.settle(queue, fresh={t for t in queue if t[0] == "la"})
            tables.write()
