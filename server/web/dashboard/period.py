"""The period and region a dashboard page shows, read from the query string (bad input falls back, with a message)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_login import current_user

from server.extensions import db
from server.models import Region
from server.services.org.queries import visible_regions
from server.services.scores import Scope, ScoreFilterError, make_scope


@dataclass(frozen=True)
class PagePeriod:
    """A checked scope and the problem (if any) found in what was asked for."""

    scope: Scope
    problem: str = ""

    def query(self) -> dict:
        """The period as query parameters for links (PDFs, CSV, other pages)."""
        return {"from": self.scope.period.start.isoformat(), "to": self.scope.period.end.isoformat()}


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ScoreFilterError("date", f"'{text}' is not a date (YYYY-MM-DD)") from None


def page_period(args) -> PagePeriod:
    """The ?from=&to= period (default: the last 90 days); an unusable one falls back to the default with a note."""
    try:
        return PagePeriod(make_scope(db.session, _day(args.get("from")), _day(args.get("to"))))
    except ScoreFilterError as exc:
        return PagePeriod(make_scope(db.session), f"Showing the last 90 days: {exc.message}.")


def chosen_region(args) -> tuple[list[Region], Region | None]:
    """The regions this user may pick from and the one picked (?region=<id>, default the first); foreign ids: 404."""
    regions = visible_regions(db.session, current_user)
    wanted = args.get("region")
    if not wanted:
        return regions, regions[0] if regions else None
    match = next((r for r in regions if str(r.id) == wanted), None)
    if match is None:
        abort(404)
    return regions, match
