"""Targets: a score below its version's pass mark, compared exactly, for the visit and for each section."""

from __future__ import annotations

import pytest

from shared.scoring import score_visit
from shared.targets import Verdict, has_targets, is_below, judge, judge_visit, section_pass_marks

from .factories import ans, checklist, q, sec


@pytest.mark.parametrize(
    ("score", "mark", "below"),
    [
        (79.99, 80, True),
        (80, 80, False),
        (80.0, 80, False),
        (80.01, 80, False),
        (72.49, 72.5, True),
        (72.5, 72.5, False),
        (0, 0, False),
        (99.99, 100, True),
        (0.1 + 0.2, 0.3, False),  # 0.30000000000000004 is read as written, above 0.3: never below by float noise
        (None, 80, None),
        (75, None, None),
    ],
)
def test_a_score_is_below_target_only_when_strictly_less_than_the_pass_mark(score, mark, below):
    assert is_below(score, mark) is below


def _targeted(**marks):
    return checklist(
        sec("front", q("greeted"), q("smiled"), pass_mark=marks.get("front")),
        sec("till", q("receipt"), pass_mark=marks.get("till")),
        pass_mark=marks.get("visit"),
    )


def test_a_visit_below_the_pass_mark_with_the_sections_below_their_own():
    cl = _targeted(visit=80, front=90, till=50)
    score = score_visit(cl, [ans("greeted", "yes"), ans("smiled", "no"), ans("receipt", "yes")])
    assert score.percent == 66.67
    assert judge_visit(cl, score) == Verdict(pass_mark=80, below_target=True, sections_below=("front",))


def test_a_visit_score_below_the_mark_is_below_and_one_equal_to_it_is_on_target():
    cl = _targeted(visit=50)
    score = score_visit(cl, [ans("greeted", "yes"), ans("smiled", "no"), ans("receipt", "no")])
    assert score.percent == 33.33
    assert judge_visit(cl, score).below_target is True
    assert judge(cl, 50.0, {}).below_target is False


def test_without_pass_marks_there_is_no_verdict():
    cl = _targeted()
    assert not has_targets(cl) and section_pass_marks(cl) == {}
    assert judge(cl, 10.0, {"front": 0.0}) == Verdict(pass_mark=None, below_target=None, sections_below=())


def test_section_marks_alone_are_targets_and_unscored_sections_are_never_below():
    cl = _targeted(till=60)
    assert has_targets(cl) and section_pass_marks(cl) == {"till": 60}
    assert judge(cl, 20.0, {"till": None}) == Verdict(pass_mark=None, below_target=None, sections_below=())
    assert judge(cl, 20.0, {"till": 59.99}).sections_below == ("till",)


def test_an_unscored_visit_has_no_verdict_against_its_pass_mark():
    cl = checklist(sec("notes", q("said", "text")), pass_mark=80)
    assert judge_visit(cl, score_visit(cl, [ans("said", "hello")])).below_target is None
