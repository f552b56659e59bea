"""Targets: whether a score is below its checklist version's pass mark, for a visit, its sections, a branch or region.

A pass mark is a percentage 0..100 that the checklist version carries at its top level (the visit score) and
optionally per section. A score is below target when it is strictly less than the pass mark, compared exactly
(the score as published, 2 decimals, against the pass mark as written: 79.99 is below 80, 80 is not). No pass
mark, or no score (nothing scorable), means no verdict: None, never "below".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .checklist import Checklist, Number
from .exact import to_fraction
from .scoring import VisitScore


def is_below(score: Number | None, pass_mark: Number | None) -> bool | None:
    """Whether a percentage is below a pass mark (exact comparison); None when either is missing."""
    if score is None or pass_mark is None:
        return None
    return to_fraction(score) < to_fraction(pass_mark)


@dataclass(frozen=True)
class Verdict:
    """A visit (or a period's score) against its version's targets: below_target None = no pass mark or no score."""

    pass_mark: Number | None
    below_target: bool | None
    sections_below: tuple[str, ...] = ()
    """Keys of the sections whose percentage is below their own pass mark, in checklist order."""


def section_pass_marks(checklist: Checklist) -> dict[str, Number]:
    """Section key -> pass mark, for the sections of this version that set one (checklist order)."""
    return {s.key: s.pass_mark for s in checklist.sections if s.pass_mark is not None}


def has_targets(checklist: Checklist) -> bool:
    """Whether this version sets a pass mark for the visit or for any section."""
    return checklist.pass_mark is not None or any(s.pass_mark is not None for s in checklist.sections)


def judge(checklist: Checklist, percent: Number | None, sections: Mapping[str, Number | None]) -> Verdict:
    """The verdict of a score and its section percentages (section key -> percent or None) against `checklist`'s
    pass marks: the public entry point for anything that needs "below the pass mark" (reports, actions)."""
    below = tuple(
        key for key, mark in section_pass_marks(checklist).items() if is_below(sections.get(key), mark) is True
    )
    return Verdict(checklist.pass_mark, is_below(percent, checklist.pass_mark), below)


def judge_visit(checklist: Checklist, score: VisitScore) -> Verdict:
    """The verdict of a scored visit against the pass marks of the version it was made with."""
    return judge(checklist, score.percent, {s.key: s.percent for s in score.sections})
