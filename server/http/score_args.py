"""Query parameters of the score and report endpoints and the web's PDF links (period, checklist, bucket)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from webargs.flaskparser import abort  # flask_smorest.abort is this one, re-exported untyped; here it is NoReturn

from server.extensions import db
from server.permissions import MAX_INT_ID
from server.services.scores import BUCKETS, DEFAULT_DAYS, MAX_PERIOD_DAYS, Scope, make_scope
from server.services.scores.filters import EARLIEST, LATEST

TREND_DEFAULT_DAYS = 365
"""A trend with no `from` covers the year ending on `to`."""

DAYS = validate.Range(EARLIEST, LATEST, error=f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")


class PeriodArgs(Schema):
    """Which visits to count: finished between `from` and `to` (inclusive, UTC dates), of one checklist."""

    from_ = fields.Date(
        data_key="from",
        validate=DAYS,
        metadata={"description": f"first day, YYYY-MM-DD (default: {DEFAULT_DAYS} days ending on `to`)"},
    )
    to = fields.Date(validate=DAYS, metadata={"description": "last day, YYYY-MM-DD (default: today, UTC)"})
    template_id = fields.Integer(
        validate=validate.Range(1, MAX_INT_ID),
        metadata={"description": "only visits of this checklist template, across all its versions"},
    )

    @validates_schema
    def _from_before_to(self, data, **kwargs):
        start, end = data.get("from_"), data.get("to")
        if start and end and start > end:
            raise ValidationError(f"must be on or before 'to' ({end.isoformat()})", field_name="from")
        if start and end and (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise ValidationError(f"the period may span at most {MAX_PERIOD_DAYS} days", field_name="from")


class TrendArgs(PeriodArgs):
    """A period bucketed by ISO week or calendar month."""

    from_ = fields.Date(
        data_key="from",
        validate=DAYS,
        metadata={"description": f"first day, YYYY-MM-DD (default: {TREND_DEFAULT_DAYS} days ending on `to`)"},
    )
    by = fields.String(
        load_default="month",
        validate=validate.OneOf(BUCKETS),
        metadata={"description": "bucket size: `week` (ISO, Monday first) or `month`"},
    )


def scope_or_422(args: dict, default_days: int = DEFAULT_DAYS) -> Scope:
    """The roll-up scope for parsed query arguments; a filter naming nothing real (ScoreFilterError) answers 422."""
    return make_scope(db.session, args.get("from_"), args.get("to"), args.get("template_id"), default_days=default_days)


def load_query_or_422(schema: Schema, query) -> dict:
    """Parse a query string with `schema` outside flask-smorest (web routes); 422 with the fields at fault."""
    try:
        return schema.load(query, unknown="exclude")
    except ValidationError as exc:
        abort(422, messages={"query": exc.messages})
