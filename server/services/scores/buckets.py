"""Week and month buckets: the SQL expression that keys a timestamp to its bucket, and the bucket calendar.

`week_start(column)` / `month_start(column)` compile to dialect-specific SQL with the same result:
the date of the Monday of the ISO week, or the first of the calendar month (timestamps are naive UTC).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from server.services.scores.filters import Period

BUCKETS = ("week", "month")


class week_start(FunctionElement):
    """SQL: the Monday (a DATE) starting the ISO week that holds a timestamp."""

    type = Date()
    name = "week_start"
    inherit_cache = True


class month_start(FunctionElement):
    """SQL: the first day (a DATE) of the calendar month that holds a timestamp."""

    type = Date()
    name = "month_start"
    inherit_cache = True


@compiles(week_start, "postgresql")
def _week_pg(element, compiler, **kw):
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "postgresql")
def _month_pg(element, compiler, **kw):
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(week_start, "sqlite")
def _week_sqlite(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)  # strftime('%w'): Sunday = 0, so Monday is (w + 6) % 7 days back
    return f"date({column}, '-' || ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7) || ' days')"


@compiles(month_start, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


def bucket_expression(by: str, column):
    """The SQL bucket key of `column` for `by` ("week" or "month")."""
    if by not in BUCKETS:
        raise ValueError(f"unknown bucket {by!r}; use one of {BUCKETS}")
    return week_start(column) if by == "week" else month_start(column)


def floor(day: date, by: str) -> date:
    """The first day of the bucket holding `day` (same rule as the SQL)."""
    return day - timedelta(days=day.weekday()) if by == "week" else day.replace(day=1)


def following(start: date, by: str) -> date:
    """The first day of the next bucket."""
    if by == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def label(start: date, by: str) -> str:
    """ "2026-W07" for an ISO week, "2026-02" for a month."""
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def calendar(period: Period, by: str) -> list[tuple[date, date, date]]:
    """(bucket start, first day in the period, last day in the period) for every bucket the period touches."""
    found, start = [], floor(period.start, by)
    while start <= period.end:
        after = following(start, by)
        found.append((start, max(start, period.start), min(after - timedelta(days=1), period.end)))
        start = after
    return found


def day_of(column):
    """SQL: the UTC calendar date (a DATE) of a stored timestamp; date() means that on PostgreSQL and SQLite alike."""
    return func.date(column, type_=Date)
