"""Dates read in the app's language: month names come from the catalogue, not from the phone's C locale."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mobile.app import i18n
from mobile.app.dates import day_month, moment
from mobile.app.due import shown_day


def test_a_day_reads_day_then_short_month_in_english_and_spanish():
    assert day_month(date(2026, 12, 5)) == "5 Dec"
    try:
        i18n.use_language("es")
        assert day_month(date(2026, 12, 5)) == "5 dic"
        assert shown_day("2026-08-14") == "14 ago"
    finally:
        i18n.use_language("en")


def test_a_moment_is_in_the_phones_time_zone_and_a_missing_day_is_empty():
    when = datetime(2026, 3, 1, 9, 5, tzinfo=UTC)
    local = when.astimezone()
    assert (
        moment(when)
        == f"{local.day} {['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][local.month - 1]} {local:%H:%M}"
    )
    assert shown_day(None) == "" and shown_day("") == ""
