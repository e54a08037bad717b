"""Reads composed by the ORM once per process and run many times with new values.

A cold topic page makes the same few reads for every reader: the topic, its page of posts and
their authors, the studies its posts cite. Composing each read's SQL from a queryset (joins,
selected columns, converters) cost five to ten times more CPU than the database took to run it.
`Prepared` composes a read once per database and shape, with stand-in values where the caller's
go, then each call runs that SQL with the caller's values and builds the model instances as
Django's own iterator would (select_related objects, deferred fields and annotations included).

Plain reads only: model instances, or tuples from values_list() of plain columns; a queryset with
prefetch_related, values() dictionaries or annotations among its values is refused when it is
first composed, never silently read another way.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import Any, Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# Stand-ins for the caller's values while the SQL is composed: ids no row has, each distinct, so
# their places among the query's parameters can be found again.
_STAND_IN_BASE = -7_381_955_000


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each of the query's parameters: the index of the caller's value that goes there, or
    # None for a constant of the query (kept in `constants`).
    places: tuple[int | None, ...]
    constants: tuple
    model: type | None  # None: the rows themselves (values_list)
    init_list: tuple[str, ...]
    fields_start: int
    fields_end: int
    related_populators: list
    annotation_col_map: dict
    converters: tuple

    def params(self, values: list) -> list:
        return [values[place] if place is not None else constant
                for place, constant in zip(self.places, self.constants)]


class Prepared:
    """`build(*values)` gives the queryset; `Prepared(build).fetch(*values)` its objects. Values are
    whole numbers (ids, post numbers): the stand-ins that find their places are.

    A value may be a list (for `__in`): each length is its own shape, composed once."""

    def __init__(self, build: Callable[..., Any]):
        self._build = build
        self._compiled: dict[tuple, _Compiled] = {}

    def fetch(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        shape = (using, *(len(value) if isinstance(value, (list, tuple)) else None for value in values))
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = self._compile(values, using)
        flat = [item for value in values for item in (value if isinstance(value, (list, tuple)) else (value,))]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params(flat))
            rows = cursor.fetchall()
        return [self._instance(compiled, row, connection, using) for row in rows]

    def _compile(self, values: tuple, using: str) -> _Compiled:
        counter = count()
        stand_ins = [[_STAND_IN_BASE - next(counter) for _ in value] if isinstance(value, (list, tuple))
                     else _STAND_IN_BASE - next(counter) for value in values]
        queryset = self._build(*stand_ins)

        rows_only = queryset._iterable_class is ValuesListIterable
        if (queryset._prefetch_related_lookups or queryset._known_related_objects
                or queryset._iterable_class not in (ModelIterable, ValuesListIterable)
                or (rows_only and (queryset.query.annotation_select or queryset.query.extra_select))):
            raise ValueError("A prepared read is a plain model queryset or values_list() of columns.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        # The n-th value given (lists flattened) was composed as _STAND_IN_BASE - n.
        given = next(counter)
        places = tuple(_STAND_IN_BASE - param if isinstance(param, int) and 0 <= _STAND_IN_BASE - param < given
                       else None for param in params)
        if sorted(place for place in places if place is not None) != list(range(given)):
            raise ValueError("Each value given to a prepared read must reach its SQL once, as one parameter.")
        select, klass_info = compiler.select, compiler.klass_info
        converters = compiler.get_converters([column for column, _sql, _alias in select[:compiler.col_count]])
        if rows_only:
            return _Compiled(sql=sql, places=places, constants=tuple(params), model=None, init_list=(),
                             fields_start=0, fields_end=0, related_populators=[], annotation_col_map={},
                             converters=tuple(converters.items()))
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            sql=sql, places=places, constants=tuple(params), model=klass_info["model"],
            init_list=tuple(column.target.attname for column, _sql, _alias in select[start:end]),
            fields_start=start, fields_end=end,
            related_populators=get_related_populators(klass_info, select, using),
            annotation_col_map=dict(compiler.annotation_col_map or {}),
            converters=tuple(converters.items()),
        )

    @staticmethod
    def _instance(compiled: _Compiled, row, connection, using: str):
        if compiled.converters:
            row = list(row)
            for position, (functions, expression) in compiled.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        if compiled.model is None:
            return tuple(row)
        instance = compiled.model.from_db(using, compiled.init_list, row[compiled.fields_start:compiled.fields_end])
        for populator in compiled.related_populators:
            populator.populate(row, instance)
        for name, position in compiled.annotation_col_map.items():
            setattr(instance, name, row[position])
        return instance
