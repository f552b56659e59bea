"""Dates and times as the shopper reads them, in the app's language ("12 Dec 14:30"; strftime's %b is always English
on a phone's C locale)."""

from __future__ import annotations

from datetime import date, datetime

from .i18n import N_, _

MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)
"""Short month names (translated where shown)."""


def day_month(day: date) -> str:
    """ "12 Dec" (the day without a leading zero, the month in the app's language)."""
    return f"{day.day} {_(MONTHS[day.month - 1])}"


def moment(when: datetime) -> str:
    """ "12 Dec 14:30" in the phone's time zone."""
    local = when.astimezone()
    return f"{day_month(local)} {local:%H:%M}"
