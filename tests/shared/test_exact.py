"""Exact numbers: decimals read as written, half-up rounding to 2 places."""

from __future__ import annotations

from fractions import Fraction

import pytest

from shared.exact import is_number, number_text, round2, to_fraction


@pytest.mark.parametrize(
    "value, fraction",
    [
        (0.1, Fraction(1, 10)),
        (3, Fraction(3)),
        (2.5, Fraction(5, 2)),
        (1e-07, Fraction(1, 10**7)),
        (Fraction(1, 3), Fraction(1, 3)),
    ],
)
def test_numbers_become_the_fraction_they_are_written_as(value, fraction):
    assert to_fraction(value) == fraction


@pytest.mark.parametrize("value, error", [(True, TypeError), ("1", TypeError), (float("nan"), ValueError)])
def test_non_numbers_are_refused(value, error):
    with pytest.raises(error):
        to_fraction(value)


@pytest.mark.parametrize(
    "value, rounded",
    [
        (Fraction(200, 3), 66.67),
        (Fraction(25, 8), 3.13),
        (Fraction(1, 8), 0.13),
        (Fraction(-25, 8), -3.13),
        (Fraction(100), 100.0),
        (Fraction(0), 0.0),
        (Fraction(1, 3), 0.33),
        (Fraction(12345, 1000), 12.35),
    ],
)
def test_round2_rounds_halves_away_from_zero(value, rounded):
    assert round2(value) == rounded


@pytest.mark.parametrize(
    "value, ok",
    [
        (1, True),
        (1.5, True),
        (True, False),
        ("1", False),
        (float("inf"), False),
        (10**15, True),
        (10**15 + 1, False),
        (None, False),
    ],
)
def test_is_number_accepts_only_finite_bounded_json_numbers(value, ok):
    assert is_number(value) is ok


def test_number_text_writes_whole_floats_without_point():
    assert (number_text(3.0), number_text(2.5), number_text(7)) == ("3", "2.5", "7")
