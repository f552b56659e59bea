"""Building blocks for API endpoints: a Blueprint whose JSON parsing cannot crash, bounded text fields."""
from __future__ import annotations

import re

import flask_smorest
from marshmallow import ValidationError, fields, validate
from webargs.flaskparser import FlaskParser

BEARER_SCHEME = "bearerAuth"
BEARER = [{BEARER_SCHEME: []}]  # use as @blp.doc(security=BEARER)

# C0 controls (tab allowed), DEL and lone surrogates: no database or hash accepts all of them.
_SINGLE_LINE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class SafeParser(FlaskParser):
    """webargs' parser, but absurdly nested JSON is a 400 rather than a RecursionError (500)."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError as exc:
            self._handle_invalid_json_error(ValueError(str(exc)), req)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest Blueprint using SafeParser; every API module should use this one."""

    ARGUMENTS_PARSER = SafeParser()


class Text(fields.String):
    """A string with a length bound and no control characters, NULs or lone surrogates."""

    def __init__(self, *, max_length: int, min_length: int = 0, multiline: bool = False, **kwargs):
        length = validate.Length(min=min_length, max=max_length)
        extra = kwargs.pop("validate", None) or []
        super().__init__(validate=[length, *([extra] if callable(extra) else extra)], **kwargs)
        self._bad = _MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if self._bad.search(text):
            raise ValidationError("Must not contain control characters.")
        return text
