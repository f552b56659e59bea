"""How numbers, dates and times print in every report, in one place so tests and charts format them the same way."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TypeGuard

NONE = "—"
"""What an empty table cell prints (no data / not scored)."""


def _finite(value: float | None) -> TypeGuard[float]:
    """Whether value is a real number that can be printed."""
    return value is not None and not isinstance(value, bool) and math.isfinite(value)


def number(value: float | None) -> float | None:
    """value as a finite float, or None (NaN and infinities count as no data, in charts as in tables)."""
    return float(value) if _finite(value) else None


def pct(value: float | None, none: str = NONE) -> str:
    """A percentage with one decimal, e.g. "82.5%"; `none` when not scored."""
    return f"{value:.1f}%" if _finite(value) else none


def num(value: float | None, none: str = NONE) -> str:
    """Points with at most two decimals and no trailing zeros, e.g. "2", "1.5", "0.33"."""
    if not _finite(value):
        return none
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def change(value: float | None) -> str:
    """A change in points with its sign, e.g. "+2.5", "-1.0", "0.0"."""
    if not _finite(value):
        return NONE
    return f"{value:+.1f}" if round(value, 1) != 0 else "0.0"


def mark(value: float | None) -> str:
    """A pass mark as the checklist writes it, up to two decimals, e.g. "80%", "72.5%"; NONE when there is none."""
    return f"{num(value)}%" if _finite(value) else NONE


def target(below: bool | None) -> str:
    """A below-target verdict in words: "Below target", "On target", or NONE (no pass mark or no score)."""
    if below is None:
        return NONE
    return "Below target" if below else "On target"


def target_note(below: bool | None, pass_mark: float | None) -> list[str]:
    """The score box's note for a score below its pass mark (nothing when on target or without one)."""
    return [f"Below target: the pass mark is {mark(pass_mark)}."] if below else []


def interval(low: float | None, high: float | None) -> str:
    """A confidence interval, e.g. "71.2–88.0"."""
    if not (_finite(low) and _finite(high)):
        return NONE
    return f"{low:.1f}–{high:.1f}"


def day(value: date | None) -> str:
    """ISO date, e.g. "2026-03-14"."""
    return value.isoformat()[:10] if value is not None else NONE


def moment(value: datetime | None) -> str:
    """Date and time to the minute with its zone, e.g. "2026-03-14 09:30 UTC" or "... +02:00"."""
    if value is None:
        return NONE
    text = value.strftime("%Y-%m-%d %H:%M")
    offset = value.utcoffset()
    if offset is None:
        return text
    if offset.total_seconds() == 0:
        return f"{text} UTC"
    return f"{text} {value.strftime('%z')[:3]}:{value.strftime('%z')[3:]}"


def period(start: date | None, end: date | None) -> str:
    """A date range, e.g. "2026-01-01 to 2026-03-31"."""
    return f"{day(start)} to {day(end)}"


def words(code: str) -> str:
    """A status code as words, e.g. "awaiting_photos" -> "Awaiting photos"."""
    text = str(code or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else NONE
