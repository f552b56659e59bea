"""Exact arithmetic for scoring: JSON numbers as Fractions and half-up rounding, so phone and server agree to the digit."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

NUMBER_LIMIT = 10**15
"""Largest magnitude any number in a checklist or visit may have (hostile-input bound, safe in JavaScript too)."""


def is_number(value: Any) -> bool:
    """True for a finite JSON number (int or float, never a bool) within +-NUMBER_LIMIT."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return -NUMBER_LIMIT <= value <= NUMBER_LIMIT


def to_fraction(value: int | float | Fraction) -> Fraction:
    """A number as an exact Fraction; a float counts as the decimal it is written as, so 0.1 is exactly 1/10."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(repr(value))
    raise TypeError(f"not a number: {type(value).__name__}")


def round2(value: Fraction) -> float:
    """Round an exact value to 2 decimals, halves away from zero (3.125 -> 3.13), and return it as a float.

    In integers: floor(|100 n / d| + 1/2) is (200 |n| + d) // 2d, and int / int is correctly rounded, as float() of a
    Fraction is (scoring rounds several percentages per visit; this avoids five Fraction operations for each)."""
    value = value if isinstance(value, Fraction) else Fraction(value)
    scaled, denominator = value.numerator * 100, value.denominator
    whole = (2 * abs(scaled) + denominator) // (2 * denominator)
    return (whole if scaled >= 0 else -whole) / 100


def number_text(value: int | float) -> str:
    """A number as people write it in messages: 3 not 3.0, 0.5 as 0.5."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)
