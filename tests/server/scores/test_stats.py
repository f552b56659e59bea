"""The statistics behind league tables: t quantiles, exact means and variances, ranks and overlaps."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.services.scores.stats import Sums, competition_ranks, publish, t_quantile_975, uncertain_ranks
from shared.exact import round2


@pytest.mark.parametrize(
    "df,expected",
    [
        (1, 12.706),
        (2, 4.303),
        (4, 2.776),
        (9, 2.262),
        (29, 2.045),
        (30, 2.042),
        (31, 2.040),
        (40, 2.021),
        (60, 2.000),
        (120, 1.980),
        (10_000, 1.960),
    ],
)
def test_t_quantiles_match_the_published_table(df, expected):
    assert t_quantile_975(df) == pytest.approx(expected, abs=5e-4)


def test_the_approximation_beyond_the_table_joins_it_smoothly():
    assert t_quantile_975(30) > t_quantile_975(31) > t_quantile_975(32)
    assert t_quantile_975(31) == pytest.approx(2.0395134, abs=1e-6)


def test_zero_degrees_of_freedom_is_refused():
    with pytest.raises(ValueError):
        t_quantile_975(0)


def test_sums_give_the_exact_mean_and_no_interval_below_two_scores():
    assert Sums.of(3, 25050, None).mean() == Fraction(25050, 300)
    assert Sums(1, 6000, 36_000_000).interval() is None
    assert Sums().mean() is None and Sums().interval() is None


def test_identical_scores_have_a_zero_width_interval():
    assert Sums(4, 4 * 7333, 4 * 7333**2).interval() == (73.33, 73.33)


def test_published_values_round_halves_away_from_zero():
    assert publish(Fraction(8000 + 5, 1000)) == 8.01
    assert publish(Fraction(-8005, 1000)) == -8.01
    assert publish(None) is None


def test_competition_ranks_share_ties_and_skip():
    assert competition_ranks([90.0, 80.0, 80.0, 70.0, 70.0, 70.0, 10.0]) == [1, 2, 2, 4, 4, 4, 7]
    assert competition_ranks([]) == []


def test_a_rank_is_uncertain_when_it_overlaps_the_rank_above_or_below():
    intervals = [(90.0, 95.0), (80.0, 89.0), (85.0, 88.0), (40.0, 50.0), None]
    assert uncertain_ranks(intervals) == [False, True, True, True, True]
    assert uncertain_ranks([(10.0, 20.0)]) == [False]


@given(st.fractions(min_value=-1000, max_value=1000))
def test_publishing_rounds_exactly_like_the_shared_scoring(value):
    assert publish(value) == round2(value)


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=40))
def test_the_interval_from_integer_sums_matches_the_textbook_formula(hundredths):
    values = [h / 100 for h in hundredths]
    n, mean = len(values), sum(values) / len(values)
    s = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_quantile_975(n - 1) * s / math.sqrt(n)
    low, high = Sums(n, sum(hundredths), sum(h * h for h in hundredths)).interval()
    assert low == pytest.approx(max(0.0, mean - half), abs=0.0051)
    assert high == pytest.approx(min(100.0, mean + half), abs=0.0051)
