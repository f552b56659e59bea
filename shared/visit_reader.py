"""A quicker road through VisitSchema for a well-formed visit: the same fields and hooks, without marshmallow's machinery.

marshmallow's per-field wrappers, nested schema loads and error collection were most of the time a
server spent on a pushed visit (issue 10). `plain_visit` reads a document with the schema's own
field objects (their `_deserialize`, which does every check), its defaults and its hooks; at the
first thing out of the ordinary (a missing or unknown field, a null, any refused value) it returns
None and load_visit lets the schema itself load the document and say what is wrong, so refusals
and their messages always come from the schema. tests/shared/test_visit_reader.py holds it to
giving exactly what the schema gives.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from .visit import Visit


class _Unusual(Exception):
    """Something the schema must look at itself."""


def plain_visit(schema: Schema, data: Any) -> Visit | None:
    """What `schema` (a VisitSchema) loads from `data`, or None when the document is not plainly well formed."""
    try:
        return _visit(schema, data)
    except (_Unusual, ValidationError):
        return None


def _visit(schema: Schema, data: Any) -> Visit:
    nested = {"location": _location, "answers": _items, "photos": _items}
    values = _record(schema, data, nested)
    schema.finished_after_start(values)
    return schema.make(values)


def _record(schema: Schema, data: Any, nested: dict | None = None) -> dict[str, Any]:
    """The checked values of one object by the schema's fields (nested ones read by `nested`)."""
    fields = schema.fields
    if not isinstance(data, dict) or not data.keys() <= fields.keys():
        raise _Unusual
    values = {}
    for name, field in fields.items():
        if name not in data:
            if field.required:
                raise _Unusual
            default = field.load_default
            values[name] = default() if callable(default) else default
        elif data[name] is None:
            if not field.allow_none:
                raise _Unusual
            values[name] = None
        elif field.validators:
            raise _Unusual  # none in the visit schemas today; the schema runs them itself
        elif nested and name in nested:
            values[name] = nested[name](field, data[name])
        else:
            values[name] = field._deserialize(data[name], name, data)
    return values


def _location(field: Any, value: Any) -> Any:
    schema = field.schema
    return schema.make(_record(schema, value))


def _items(field: Any, value: Any) -> list[Any]:
    """A list field of objects: its own length checks, then each item through the inner schema."""
    if not isinstance(value, (list, tuple)) or len(value) > field.max_items or len(value) < field.min_items:
        raise _Unusual
    schema = field.inner.schema
    return [schema.make(_record(schema, item)) for item in value]
