"""Exact means and 95 % t-intervals of visit scores from SQL sums, and league ranks with their uncertainty.

How the numbers are computed (this text is also the API's description of the score endpoints):

- Scores are stored with two decimals, so SQL sums them as whole hundredths of a percent
  (`CAST(ROUND(score * 100) AS INTEGER)`): count n, sum S and sum of squares Q are exact integers on
  SQLite and PostgreSQL alike. The mean S / n is exact until its one rounding (2 decimals, halves away
  from zero); the sample variance (nQ - S^2) / (n(n - 1)) has an exact numerator, so equal scores give
  a zero-width interval and both databases give the same digits.
- A branch's 95 % confidence interval is mean +- t(0.975, n - 1) * s / sqrt(n) (Student's t with n - 1
  degrees of freedom on its visit scores), clipped to 0..100, the range a score can take. n = 1 gives no
  interval. The t quantile comes from a table for 1..30 degrees of freedom (exact to 7 decimals) and the
  Cornish-Fisher expansion of order 4 beyond (error below 1e-6 from 31 on).
- Ranks are competition ranks on the published (rounded) score: equal scores share a rank, the next rank
  skips (1, 2, 2, 4). A rank is `rank_uncertain` when the branch's interval overlaps the interval of the
  branch ranked just above or just below it; a branch without an interval (one visit) counts as 0..100,
  so it and its neighbours are uncertain. Overlapping intervals are a conservative, easily explained
  sign that two ranks cannot be told apart; they are not a significance test.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from statistics import NormalDist
from typing import overload

T_975 = (
    12.7062047,
    4.3026527,
    3.1824463,
    2.7764451,
    2.5705818,
    2.4469119,
    2.3646243,
    2.3060041,
    2.2621572,
    2.2281389,
    2.2009852,
    2.1788128,
    2.1603687,
    2.1447867,
    2.1314495,
    2.1199053,
    2.1098156,
    2.1009220,
    2.0930241,
    2.0859634,
    2.0796138,
    2.0738731,
    2.0686576,
    2.0638986,
    2.0595386,
    2.0555294,
    2.0518305,
    2.0484071,
    2.0452296,
    2.0422725,
)
"""t(0.975, df) for df = 1..30, i.e. the two-sided 95 % quantile of Student's t."""

_Z = NormalDist().inv_cdf(0.975)


@cache
def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom (two-sided 95 %)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(T_975):
        return T_975[df - 1]
    z = _Z
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def publish_ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator (integers, denominator > 0) published: 2 decimals, halves away from zero."""
    scaled = numerator * 100
    whole = (2 * abs(scaled) + denominator) // (2 * denominator)
    return (whole if scaled >= 0 else -whole) / 100


@overload
def publish(value: Fraction | float) -> float: ...
@overload
def publish(value: None) -> None: ...
@overload
def publish(value: Fraction | float | None) -> float | None: ...
def publish(value: Fraction | float | None) -> float | None:
    """A percentage as the API and reports show it: 2 decimals, halves away from zero (as shared.exact.round2,
    in integer arithmetic because a 500-branch league publishes thousands of values); None stays None."""
    if value is None:
        return None
    if isinstance(value, float):  # checked first: a concrete type is quicker to test than the Rational ABC
        return publish_ratio(*value.as_integer_ratio())
    if isinstance(value, Fraction):
        return publish_ratio(value.numerator, value.denominator)
    return publish_ratio(*float(value).as_integer_ratio())


@dataclass(frozen=True)
class Sums:
    """n scores with their sum and sum of squares, in hundredths of a percent (exact integers from SQL)."""

    n: int = 0
    total: int = 0
    squares: int = 0

    @classmethod
    def of(cls, n, total, squares) -> Sums:
        """From SQL results (None for an empty group, Decimal on PostgreSQL)."""
        return cls(int(n or 0), int(total or 0), int(squares or 0))

    def mean(self) -> Fraction | None:
        """The exact mean percentage, or None without scores."""
        return Fraction(self.total, 100 * self.n) if self.n else None

    def interval(self) -> tuple[float, float] | None:
        """The 95 % t-interval of the mean, clipped to 0..100 and published; None below two scores."""
        n = self.n
        if n < 2:
            return None
        spread = n * self.squares - self.total**2  # n(n - 1) s^2, in hundredths squared: an exact integer
        half = t_quantile_975(n - 1) * math.sqrt(max(spread, 0) / (n - 1)) / (100 * n)
        mean = self.total / (100 * n)
        return publish(max(0.0, mean - half)), publish(min(100.0, mean + half))

    def published_mean(self) -> float | None:
        """publish(mean()) in integer arithmetic: the sums are whole hundredths, so no Fraction is needed."""
        return publish_ratio(self.total, 100 * self.n) if self.n else None

    def change_from(self, before: Sums) -> float | None:
        """The published difference of the means (self - before), None unless both have scores; integers only."""
        if not self.n or not before.n:
            return None
        return publish_ratio(self.total * before.n - before.total * self.n, 100 * self.n * before.n)


def mean_of(values: Sequence[Fraction]) -> Fraction | None:
    """The exact mean of exact values (a region's mean of its branch means), None when there are none.

    Numerators are added per denominator first: branch means have few distinct denominators (100 x visit
    counts), so the exact sum costs one addition per distinct denominator, not a growing one per branch.
    """
    if not values:
        return None
    by_denominator: dict[int, int] = {}
    for value in values:
        by_denominator[value.denominator] = by_denominator.get(value.denominator, 0) + value.numerator
    common = math.lcm(*by_denominator)
    total = sum(numerator * (common // denominator) for denominator, numerator in by_denominator.items())
    return Fraction(total, common * len(values))


def mean_of_sums(groups: Iterable[Sums]) -> Fraction | None:
    """mean_of the groups' means (those with scores), from their sums: totals added per count, one Fraction in all.

    A group's mean is total / (100 n), so adding totals of equal counts first gives the exact sum with one
    addition per distinct count and no Fraction per group (a 500-branch league has a few dozen counts).
    """
    by_count: dict[int, int] = {}
    groups_scored = 0
    for sums in groups:
        if sums.n:
            by_count[sums.n] = by_count.get(sums.n, 0) + sums.total
            groups_scored += 1
    if not groups_scored:
        return None
    common = math.lcm(*by_count)
    total = sum(subtotal * (common // n) for n, subtotal in by_count.items())
    return Fraction(total, 100 * common * groups_scored)


def difference(now: Fraction | None, before: Fraction | None) -> float | None:
    """now - before in percentage points, published; None unless both are known."""
    return None if now is None or before is None else publish(now - before)


def competition_ranks(scores: Sequence[float]) -> list[int]:
    """Ranks of scores sorted best first: equal scores share a rank and the next one skips (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and score == scores[i - 1] else i + 1)
    return ranks


def uncertain_ranks(intervals: Sequence[tuple[float, float] | None]) -> list[bool]:
    """For intervals in rank order: does each overlap the one ranked just above or just below (None = 0..100)?"""
    spans = [interval or (0.0, 100.0) for interval in intervals]

    def overlap(a: int, b: int) -> bool:
        return 0 <= b < len(spans) and spans[a][0] <= spans[b][1] and spans[b][0] <= spans[a][1]

    return [overlap(i, i - 1) or overlap(i, i + 1) for i in range(len(spans))]
