"""Which visits a roll-up counts and over which dates: one definition shared by every score, trend and report."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, exists, select

from server.extensions import DbSession
from server.models import Photo, Template, TemplateVersion, Visit, VisitStatus
from server.services.errors import ServiceError

DEFAULT_DAYS = 90
"""A period with no `from` covers the 90 days ending on `to` (a quarter)."""

MAX_PERIOD_DAYS = 3660
"""Longest period accepted (about ten years): bounds the work a single request can ask for."""

MAX_INT_ID = 2**31 - 1

EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)
"""Dates a period may use: wide enough for any audit, far enough from date.min/max for the arithmetic."""


class ScoreFilterError(ServiceError):
    """A filter that cannot select anything meaningful; `field` names the query parameter at fault (API: 422)."""

    status = 422

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class Period:
    """Calendar dates `start`..`end`, both inclusive, matched against visits' finished_at (UTC)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) as aware UTC datetimes."""
        low = datetime.combine(self.start, time(), tzinfo=UTC)
        return low, datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class Scope:
    """What a roll-up counts: approved, completed visits with all their photos finished in `period`, of checklist
    `template_id` if given."""

    period: Period
    template_id: int | None = None

    def shifted(self, period: Period) -> Scope:
        """The same filters over another period (the previous one, for changes)."""
        return replace(self, period=period)


def today_utc() -> date:
    """Today's date in UTC, the calendar every period is measured in."""
    return datetime.now(UTC).date()


def make_scope(
    session: DbSession,
    start: date | None = None,
    end: date | None = None,
    template_id: int | None = None,
    *,
    default_days: int = DEFAULT_DAYS,
    today: date | None = None,
) -> Scope:
    """Check and complete the filters: `end` defaults to today, `start` to `default_days` ending on `end`."""
    end = end or today or today_utc()
    for field, day in (("to", end), ("from", start)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ScoreFilterError(field, f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    start = start or max(EARLIEST, end - timedelta(days=default_days - 1))
    if start > end:
        raise ScoreFilterError("from", f"must be on or before 'to' ({end.isoformat()})")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ScoreFilterError("from", f"the period may span at most {MAX_PERIOD_DAYS} days")
    if template_id is not None and (not 0 < template_id <= MAX_INT_ID or session.get(Template, template_id) is None):
        raise ScoreFilterError("template_id", f"there is no checklist template {template_id}")
    return Scope(Period(start, end), template_id)


def complete() -> ColumnElement[bool]:
    """The visit has every photo of its manifest (approval implies it; said here so no roll-up relies on that)."""
    missing = exists().where(Photo.visit_id == Visit.id, Photo.completed_at.is_(None))
    return ~missing


def counted(scope: Scope) -> list[ColumnElement[bool]]:
    """WHERE conditions on Visit for the visits a roll-up counts: a visit that could not be completed never is."""
    return [*listed(scope), Visit.outcome_reason.is_(None)]


def listed(scope: Scope) -> list[ColumnElement[bool]]:
    """WHERE conditions on Visit for the visits a list or export shows: those counted, and approved visits that
    could not be completed (shown with their reason, never scored)."""
    low, high = scope.period.bounds()
    conditions = [Visit.status == VisitStatus.APPROVED, complete(), Visit.finished_at >= low, Visit.finished_at < high]
    if scope.template_id is not None:
        versions = select(TemplateVersion.id).where(TemplateVersion.template_id == scope.template_id)
        conditions.append(Visit.template_version_id.in_(versions))
    return conditions
