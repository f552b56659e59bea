"""An assignment's due window (due_from..due_to, both days included): is today in it, and the question to ask if not."""

from __future__ import annotations

from datetime import date

from .dates import day_month as day_text
from .i18n import _


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def shown_day(text: str | None) -> str:
    """An ISO day from the server as a row shows it ("12 Dec"); empty for none."""
    day = _day(text)
    return day_text(day) if day else ""


def outside_window(due_from: str | None, due_to: str | None, today: date) -> bool:
    """True when today is before due_from or after due_to (an open end is no limit; no dates: never outside)."""
    start, end = _day(due_from), _day(due_to)
    return (start is not None and today < start) or (end is not None and today > end)


def start_question(due_from: str | None, due_to: str | None, today: date) -> str | None:
    """What to ask before starting a visit outside its window ("This visit is due from 12 Dec to 14 Dec. Start it
    today anyway?"); None when today is inside it and the visit just starts."""
    if not outside_window(due_from, due_to, today):
        return None
    start, end = _day(due_from), _day(due_to)
    if start is not None and end is not None:
        if start == end:
            due = _("This visit is due on {day}.").format(day=day_text(start))
        else:
            due = _("This visit is due from {start} to {end}.").format(start=day_text(start), end=day_text(end))
    elif end is not None:
        due = _("This visit is due by {day}.").format(day=day_text(end))
    else:
        assert start is not None  # outside_window: one end is set
        due = _("This visit is due from {day}.").format(day=day_text(start))
    anyway = _("Start it today anyway?")
    return f"{due} {anyway}"
