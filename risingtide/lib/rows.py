"""Model instances from plain SQL rows, each column converted as the ORM converts it.

For the few statements run on every request with SQL written or compiled once (the signed-in
person, the access engine's ``obtain``): ``raw()`` works out again, row by row and query by
query, which column is which field and how to convert it, which cost about as much as running
the statement. Here that is worked out once per model and database connection.
"""

from collections.abc import Sequence
from weakref import WeakKeyDictionary

from django.db import connections
from django.db.models import Model

# Per connection object (each thread has its own): the converters bind its operations.
_converters: WeakKeyDictionary = WeakKeyDictionary()


def _converters_of(model: type[Model], connection) -> list[tuple[int, list, object]]:
    by_model = _converters.get(connection)
    if by_model is None:
        by_model = _converters[connection] = {}
    found = by_model.get(model)
    if found is None:
        found = []
        for i, field in enumerate(model._meta.concrete_fields):
            col = field.get_col(model._meta.db_table)
            convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if convs:
                found.append((i, convs, col))
        by_model[model] = found
    return found


def columns(model: type[Model], quote) -> str:
    """The model's concrete columns in the order ``instance`` expects them."""
    return ", ".join(quote(f.column) for f in model._meta.concrete_fields)


def instance(model: type[Model], using: str, row: Sequence) -> Model:
    """The ``model`` instance of ``row``, whose first columns are the model's concrete fields
    in their order (``columns``); any further columns are ignored (the caller reads them)."""
    connection = connections[using]
    count = len(model._meta.concrete_fields)
    values = list(row[:count])
    for i, convs, col in _converters_of(model, connection):
        value = values[i]
        for convert in convs:
            value = convert(value, col, connection)
        values[i] = value
    return model.from_db(using, None, values)
