"""Building blocks for API endpoints: a Blueprint whose JSON parsing cannot crash, bounded text fields."""

from __future__ import annotations

import flask_smorest
from marshmallow import ValidationError, fields, validate
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from shared.text import UncleanText, clean_text

BEARER_SCHEME = "bearerAuth"
BEARER: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}]  # use as @blp.doc(security=BEARER)


class SafeParser(FlaskParser):
    """webargs' parser reading JSON through request.get_json, so server.json_input's limits hold (400, not 500)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return req.get_json(force=True)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest Blueprint using SafeParser; every API module should use this one."""

    ARGUMENTS_PARSER = SafeParser()


class Text(fields.String):
    """A string with a length bound that passes shared.text's rule (single-line unless ``multiline``)."""

    def __init__(self, *, max_length: int, min_length: int = 0, multiline: bool = False, **kwargs):
        length = validate.Length(min=min_length, max=max_length)
        extra = kwargs.pop("validate", None) or []
        super().__init__(validate=[length, *([extra] if callable(extra) else extra)], **kwargs)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return clean_text(text, multiline=self.multiline)
        except UncleanText as exc:
            raise ValidationError(exc.reason.capitalize() + ".") from None
