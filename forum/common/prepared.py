"""Reads composed by the ORM once per process and run many times with new values.

A cold topic page makes the same few reads for every reader: the topic, its page of posts and
their authors, the studies its posts cite. Composing each read's SQL from a queryset (joins,
selected columns, converters) cost five to ten times more CPU than the database took to run it.
`Prepared` composes a read once per database and shape, with stand-in values where the caller's
go, then each call runs that SQL with the caller's values and builds the model instances as
Django's own iterator would (select_related objects, deferred fields and annotations included):
filled in at once where that makes the very instance `from_db` would, since going through
`Model.__init__` column by column cost more than the query.

Plain reads only: model instances, or tuples from values_list() of plain columns; a queryset with
prefetch_related, values() dictionaries or annotations among its values is refused when it is
first composed, never silently read another way.

A page of a list is a value too (`rows=slice(start, stop)`): Django writes a slice's numbers into
the SQL itself ("LIMIT 21 OFFSET 40"), which would make every page number a shape of its own, so
the slice composed with stand-in numbers is found in the SQL and made two parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count
from typing import Any, Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import JSONField, Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.signals import post_init, pre_init

# Stand-ins for the caller's values while the SQL is composed: ids no row has, each distinct, so
# their places among the query's parameters can be found again.
_STAND_IN_BASE = -7_381_955_000
# The slice's stand-in: Django refuses negative bounds, and writes these as "LIMIT n OFFSET m".
_ROWS_START, _ROWS_LENGTH = 7_381_955_000, 7_381_954_999
_ROWS_SQL = f"LIMIT {_ROWS_LENGTH} OFFSET {_ROWS_START}"
# The query's parameters in its SQL, "%%" being a percent sign of its own.
_PLACEHOLDER = re.compile(r"%%|%s")


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
    # Whether an instance may be made by filling its attributes in (`_plain_instance`).
    plain: bool = False

    def params(self, values: list) -> list:
        return [values[place] if place is not None else constant
                for place, constant in zip(self.places, self.constants)]


class Prepared:
    """`build(*values)` gives the queryset; `Prepared(build).fetch(*values)` its objects. Values are
    whole numbers (ids, post numbers): the stand-ins that find their places are.

    A value may be a list (for `__in`): each length is its own shape, composed once.

    `fetch(*values, rows=slice(start, stop))`: the rows from `start` to `stop`, cut where
    `build(*values, rows=...)` slices its queryset (`queryset[rows]`, or a subquery's), once."""

    def __init__(self, build: Callable[..., Any]):
        self._build = build
        self._compiled: dict[tuple, _Compiled] = {}

    def fetch(self, *values, rows: slice | None = None, using: str = DEFAULT_DB_ALIAS) -> list:
        shape = (using, rows is not None,
                 *(len(value) if isinstance(value, (list, tuple)) else None for value in values))
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = self._compile(values, rows is not None, using)
        flat = [item for value in values for item in (value if isinstance(value, (list, tuple)) else (value,))]
        if rows is not None:
            if not (isinstance(rows.start, int) and isinstance(rows.stop, int) and rows.step is None
                    and 0 <= rows.start <= rows.stop):
                raise ValueError("A prepared read's rows are a slice from a start to a stop, not below it.")
            flat += [rows.stop - rows.start, rows.start]  # LIMIT, OFFSET
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params(flat))
            fetched = cursor.fetchall()
        # Receivers of pre_init or post_init may be connected at any time: looked for each read.
        plain = compiled.plain and not (pre_init.has_listeners(compiled.model) or post_init.has_listeners(compiled.model))
        return [self._instance(compiled, row, connection, using, plain=plain) for row in fetched]

    def _compile(self, values: tuple, sliced: bool, using: str) -> _Compiled:
        counter = count()
        stand_ins = [[_STAND_IN_BASE - next(counter) for _ in value] if isinstance(value, (list, tuple))
                     else _STAND_IN_BASE - next(counter) for value in values]
        if sliced:
            queryset = self._build(*stand_ins, rows=slice(_ROWS_START, _ROWS_START + _ROWS_LENGTH))
        else:
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
        places = [_STAND_IN_BASE - param if isinstance(param, int) and 0 <= _STAND_IN_BASE - param < given
                  else None for param in params]
        # A value may reach the SQL more than once: a subquery's that a filter repeats in the WHERE.
        if set(place for place in places if place is not None) != set(range(given)):
            raise ValueError("Each value given to a prepared read must reach its SQL as a parameter.")
        if sliced:
            if sql.count(_ROWS_SQL) != 1:
                raise ValueError("A sliced prepared read cuts its rows once, where its build slices them.")
            before = sql[:sql.index(_ROWS_SQL)]
            at = sum(1 for placeholder in _PLACEHOLDER.findall(before) if placeholder == "%s")
            sql = sql.replace(_ROWS_SQL, "LIMIT %s OFFSET %s")
            places[at:at] = [given, given + 1]  # the LIMIT and OFFSET fetch() appends to the values
            params = [*params[:at], None, None, *params[at:]]
        places = tuple(places)
        select, klass_info = compiler.select, compiler.klass_info
        converters = compiler.get_converters([column for column, _sql, _alias in select[:compiler.col_count]])
        converters = {position: (tuple(_empty_json_read_at_once(function) for function in functions), expression)
                      for position, (functions, expression) in converters.items()}
        if rows_only:
            return _Compiled(sql=sql, places=places, constants=tuple(params), model=None, init_list=(),
                             fields_start=0, fields_end=0, related_populators=[], annotation_col_map={},
                             converters=tuple(converters.items()))
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        init_list = tuple(column.target.attname for column, _sql, _alias in select[start:end])
        related_populators = get_related_populators(klass_info, select, using)
        _related_filled_plainly(related_populators)
        return _Compiled(
            sql=sql, places=places, constants=tuple(params), model=klass_info["model"], init_list=init_list,
            plain=_fills_plainly(klass_info["model"], init_list),
            fields_start=start, fields_end=end,
            related_populators=related_populators,
            annotation_col_map=dict(compiler.annotation_col_map or {}),
            converters=tuple(converters.items()),
        )

    @staticmethod
    def _instance(compiled: _Compiled, row, connection, using: str, *, plain: bool = False):
        if compiled.converters:
            row = list(row)
            for position, (functions, expression) in compiled.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        if compiled.model is None:
            return tuple(row)
        values = row[compiled.fields_start:compiled.fields_end]
        if plain:
            instance = _plain_instance(compiled.model, compiled.init_list, values, using)
        else:
            instance = compiled.model.from_db(using, compiled.init_list, values)
        for populator in compiled.related_populators:
            populator.populate(row, instance)
        for name, position in compiled.annotation_col_map.items():
            setattr(instance, name, row[position])
        return instance


def _fills_plainly(model, attnames: tuple[str, ...]) -> bool:
    """Whether `_plain_instance` makes the instance `model.from_db` would: the model keeps Django's
    own __init__ and from_db, and setting its columns' attributes does nothing but store them
    (a foreign key's id attribute forgets a cached related object, which a new instance has none
    of); a file field's, say, would do more."""
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not Model.from_db.__func__:
        return False
    for attname in attnames:
        descriptor = getattr(model, attname, None)
        if hasattr(descriptor, "__set__") and not isinstance(descriptor, ForeignKeyDeferredAttribute):
            return False
    return True


class _PlainFromDb:
    """Stands in for a select_related model in Django's RelatedPopulator, which asks it for
    nothing but `from_db`: its instances filled in at once, as the read's own are."""

    def __init__(self, model):
        self.model = model

    def from_db(self, db, field_names, values):
        if pre_init.has_listeners(self.model) or post_init.has_listeners(self.model):
            return self.model.from_db(db, field_names, values)
        return _plain_instance(self.model, field_names, values, db)


def _related_filled_plainly(populators: list) -> None:
    # A topic list's rows each bring their category, author and last poster.
    for populator in populators:
        if _fills_plainly(populator.model_cls, tuple(populator.init_list)):
            populator.model_cls = _PlainFromDb(populator.model_cls)
        _related_filled_plainly(populator.related_populators)


def _plain_instance(model, attnames: tuple[str, ...], values, using: str):
    # Model.__init__ sets each column's attribute in turn: 8 µs a post, where filling them in at
    # once takes 1, and a cold topic page makes sixty-odd instances. Deferred columns are left out,
    # as __init__ leaves them.
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values))
    state = instance._state = ModelState()
    state.adding = False
    state.db = using
    return instance


def _empty_json_read_at_once(function):
    """A JSON column's converter that gives an empty list or object without parsing it: a study's
    registry entries, status facts and open-access facts are empty for most studies, and a topic
    page reads three for each of thirty-odd studies. Anything else is parsed as before."""
    field = getattr(function, "__self__", None)
    if getattr(function, "__func__", None) is not JSONField.from_db_value or field.decoder is not None:
        return function

    def convert(value, expression, connection):
        if value == "[]":
            return []
        if value == "{}":
            return {}
        return function(value, expression, connection)

    return convert
