"""A quicker road through VisitSchema: load and dump with the schema's own fields and hooks, without marshmallow's machinery.

marshmallow's per-field wrappers, nested schema loads and error collection were most of the time a
server spent on a pushed visit (issue 10). `plain_visit` reads a document with the schema's own
field objects (their `_deserialize`, which does every check), its defaults and its hooks; at the
first thing out of the ordinary (a missing or unknown field, a null, any refused value) it returns
None and load_visit lets the schema itself load the document and say what is wrong, so refusals
and their messages always come from the schema. `plain_dump` writes a visit with the fields'
`_serialize`, as the schema's dump does. tests/shared/test_visit_quick.py holds both to giving
exactly what the schema gives.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields

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


def plain_dump(schema: Schema, obj: Any) -> dict[str, Any]:
    """What `schema.dump(obj)` gives (keys in the same order), for schemas without dump hooks such as VisitSchema's."""
    found = {}
    for name, field in schema.dump_fields.items():
        value = getattr(obj, name)
        if value is None:
            found[field.data_key or name] = None
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            found[field.data_key or name] = [plain_dump(field.inner.schema, item) for item in value]
        elif isinstance(field, fields.Nested):
            found[field.data_key or name] = plain_dump(field.schema, value)
        else:
            found[field.data_key or name] = field._serialize(value, name, obj)
    return found
