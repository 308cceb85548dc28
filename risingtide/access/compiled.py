"""The access engine's per-object statements, compiled to SQL once and run again (decision 0028).

``obtain`` asks one question on nearly every object page: this object, through the view
capability's filter, and whether the person may also do the action. Building and compiling
that query through the ORM cost more CPU than running it (docs/performance.md): two ``visible``
filters, an ``Exists`` and the compiler, on every request, to give the same SQL every time for
the same person. So the statement is compiled once with a slot for the object's id and kept.

What the SQL says is a pure function of the key it is kept under: the person's id (``SELF``
reaches), their anchors by role (every id ``visible`` puts in a filter comes from these), the
action and the database. The anchors are the engine's own reading of the memberships (kept
under the person's access version, read with the person on every request), so when a
membership changes, the anchors change and so does the key: an old statement is never found
again, whichever way the change came. Subjects' paths build filters from ids alone, never from
the database; the one use of the clock (an LA reaches pupil data only while a data-sharing
agreement is in force today) is why today's date is part of the key too
(``access/tests/test_compiled.py`` checks every declared subject).
"""

import threading
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Expression, IntegerField, Model, QuerySet

from risingtide.lib import rows

# Kept per process; the least recently made go first. A person has a handful of actions, each
# a kilobyte or two of SQL.
MAX_STATEMENTS = 4096
_SLOT = object()  # where the object's id goes among the parameters
_statements: dict[tuple, "Statement | object | None"] = {}
_lock = threading.Lock()


class Slot(Expression):
    """A parameter filled in at each run: the object's id."""

    def as_sql(self, compiler, connection):
        return "%s", [_SLOT]


@dataclass(frozen=True)
class Statement:
    """One compiled ``SELECT``: the model's columns in order, then the annotations named."""

    sql: str
    params: tuple
    slot: int
    model: type[Model]
    using: str
    annotations: tuple[str, ...]
    # The id's type's range in this database: beyond it the ORM answers "nothing" unasked.
    low: int | None
    high: int | None

    def first(self, pk: int) -> Model | None:
        if (self.low is not None and pk < self.low) or (self.high is not None and pk > self.high):
            return None
        connection = connections[self.using]
        params = list(self.params)
        params[self.slot] = self.model._meta.pk.get_db_prep_value(pk, connection)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        obj = rows.instance(self.model, self.using, row)
        start = len(self.model._meta.concrete_fields)
        for offset, name in enumerate(self.annotations):
            setattr(obj, name, bool(row[start + offset]))
        return obj


NOTHING = None  # kept for a query that can match nothing (no grant): the answer is 404
UNSUITABLE = object()  # kept for a query ``Statement`` cannot run: the ORM runs it each time


def compile_first(qs: QuerySet) -> Statement | None:
    """``qs.first()`` as a ``Statement`` (``qs`` filtered by a ``Slot``), or ``NOTHING``.
    Refused (``ValueError``) when its rows are not the model's columns then boolean
    annotations, which is all ``obtain`` asks."""
    if not qs.ordered:
        qs = qs.order_by("pk")
    query = qs[:1].query
    compiler = query.get_compiler(qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return NOTHING
    model = qs.model
    fields = model._meta.concrete_fields
    chosen = compiler.klass_info and compiler.klass_info["select_fields"]
    selected = [expression for expression, _, _ in compiler.select]
    targets = [getattr(expression, "target", None) for expression in selected[: len(fields)]]
    annotations = tuple(compiler.annotation_col_map or {})
    if (
        query.select_related
        or chosen != list(range(len(fields)))
        or targets != list(fields)
        or list((compiler.annotation_col_map or {}).values())
        != list(range(len(fields), len(selected)))
        or params.count(_SLOT) != 1
    ):
        raise ValueError(f"Not a statement obtain can keep: {sql}")
    pk_field = model._meta.pk
    low = high = None
    if isinstance(pk_field, IntegerField):
        low, high = connections[qs.db].ops.integer_field_range(pk_field.get_internal_type())
    return Statement(
        sql=sql,
        params=tuple(params),
        slot=params.index(_SLOT),
        model=model,
        using=qs.db,
        annotations=annotations,
        low=low,
        high=high,
    )


def kept(key: tuple, build) -> Statement | object | None:
    """The statement kept under ``key``, or ``build()``'s (``UNSUITABLE`` if it refuses), kept
    for next time."""
    try:
        return _statements[key]
    except KeyError:
        pass
    try:
        statement = build()
    except ValueError:
        statement = UNSUITABLE
    with _lock:
        _statements[key] = statement
        while len(_statements) > MAX_STATEMENTS:
            del _statements[next(iter(_statements))]
    return statement


def clear() -> None:
    with _lock:
        _statements.clear()


def integer_id(pk) -> int | None:
    """``pk`` as the ORM would read it for an integer id, when that is plain: an ``int`` or a
    string of ASCII digits (anything else takes the ORM's own path)."""
    if type(pk) is int:
        return pk
    if isinstance(pk, str) and 0 < len(pk) <= 20 and pk.isascii() and pk.isdigit():
        return int(pk)
    return None
