"""Starting a visit outside its due window asks first; inside it, it just starts."""

from __future__ import annotations

from datetime import date

from mobile.app.due import outside_window, start_question

DEC_12, DEC_14 = "2026-12-12", "2026-12-14"


def test_a_day_inside_the_window_or_on_either_end_starts_without_asking():
    for day in (12, 13, 14):
        assert not outside_window(DEC_12, DEC_14, date(2026, 12, day))
        assert start_question(DEC_12, DEC_14, date(2026, 12, day)) is None


def test_a_day_before_or_after_the_window_asks_with_both_dates():
    for day in (date(2026, 12, 11), date(2026, 12, 15), date(2027, 1, 13)):
        assert start_question(DEC_12, DEC_14, day) == (
            "This visit is due from 12 Dec to 14 Dec. Start it today anyway?"
        )


def test_an_open_ended_window_limits_only_its_set_end_and_no_dates_never_ask():
    assert start_question(None, DEC_14, date(2026, 12, 1)) is None
    assert start_question(None, DEC_14, date(2026, 12, 15)) == "This visit is due by 14 Dec. Start it today anyway?"
    assert start_question(DEC_12, None, date(2027, 6, 1)) is None
    assert start_question(DEC_12, None, date(2026, 12, 2)) == "This visit is due from 12 Dec. Start it today anyway?"
    assert start_question(None, None, date(2026, 12, 2)) is None


def test_a_one_day_window_says_the_day_and_a_date_time_counts_by_its_day():
    assert start_question(DEC_12, DEC_12, date(2026, 12, 13)) == "This visit is due on 12 Dec. Start it today anyway?"
    assert not outside_window("2026-12-12T00:00:00Z", "2026-12-12T00:00:00Z", date(2026, 12, 12))
