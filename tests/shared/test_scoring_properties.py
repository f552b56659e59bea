"""Properties of scoring over random valid checklists and visits (strategies.py)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shared.answers import validate_answers
from shared.schemas import dump_checklist
from shared.scoring import score_visit
from shared.validation import load_checklist, validate_checklist
from shared.visibility import visible_questions
from shared.visit import Answer

from .strategies import checklist_docs, possible_values, visits

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], Any, list[Answer], list[Any]]:
    """A checklist document, the loaded checklist, and a valid visit for it."""
    document = draw(checklist_docs())
    checklist = load_checklist(document)
    answers, photos = draw(visits(checklist))
    return document, checklist, answers, photos


def percents(score) -> tuple:
    """Every percentage of a score."""
    return (score.percent, *(s.percent for s in score.sections))


@FAST
@given(scenarios())
def test_generated_checklists_and_visits_are_valid(scenario):
    document, checklist, answers, photos = scenario
    assert validate_checklist(document) == []
    assert validate_answers(checklist, answers, photos) == []
    assert load_checklist(dump_checklist(checklist)) == checklist


@FAST
@given(scenarios())
def test_percent_is_within_0_and_100_or_not_scored(scenario):
    _, checklist, answers, photos = scenario
    score = score_visit(checklist, answers, photos)
    for percent in percents(score):
        assert percent is None or 0 <= percent <= 100
    for question in score.questions:
        assert question.fraction is None or 0 <= question.fraction <= 1
        assert 0 <= question.earned <= question.possible
    if score.zeroed:
        assert score.percent == 0.0


@FAST
@given(scenarios(), st.data())
def test_answering_na_to_one_question_leaves_the_others_unchanged(scenario, data):
    _, checklist, answers, photos = scenario
    named = {q.visible_if.question for q in checklist.questions() if q.visible_if}
    candidates = [q.key for q in checklist.questions() if q.allow_na and q.key not in named]
    assume(candidates)
    key = data.draw(st.sampled_from(candidates))
    changed = [a for a in answers if a.question != key] + [Answer(key, na=True)]
    before, after = score_visit(checklist, answers, photos), score_visit(checklist, changed, photos)
    for old, new in zip(before.questions, after.questions):
        if old.key == key:
            assert (new.earned, new.possible, new.fraction) == (0.0, 0.0, None)
        else:
            assert (old.earned, old.possible, old.status) == (new.earned, new.possible, new.status)


@FAST
@given(scenarios(), st.integers(2, 7))
def test_multiplying_every_weight_by_a_constant_changes_no_percentage(scenario, factor):
    document, checklist, answers, photos = scenario
    scaled = copy.deepcopy(document)
    for section in scaled["sections"]:
        if section["weight"] is not None:
            section["weight"] *= factor
        for question in section["questions"]:
            question["weight"] *= factor
    before = score_visit(checklist, answers, photos)
    after = score_visit(load_checklist(scaled), answers, photos)
    assert percents(before) == percents(after)
    assert (before.critical_failures, before.flagged, before.zeroed) == (
        after.critical_failures,
        after.flagged,
        after.zeroed,
    )


@FAST
@given(scenarios(), st.data())
def test_a_hidden_questions_answer_has_no_effect_on_the_score(scenario, data):
    document, checklist, answers, photos = scenario
    hidden = sorted({q.key for q in checklist.questions()} - visible_questions(checklist, answers))
    hidden = [k for k in hidden if checklist.question(k).type != "photo"]
    assume(hidden)
    key = data.draw(st.sampled_from(hidden))
    source = next(q for s in document["sections"] for q in s["questions"] if q["key"] == key)
    replacement = data.draw(st.sampled_from([None, *possible_values(source)]))
    changed = [a for a in answers if a.question != key]
    if replacement is not None:
        changed.append(Answer(key, replacement))
    assert score_visit(checklist, answers, photos) == score_visit(checklist, changed, photos)


@FAST
@given(scenarios())
def test_answer_order_does_not_matter(scenario):
    _, checklist, answers, photos = scenario
    assert score_visit(checklist, answers, photos) == score_visit(checklist, answers[::-1], photos)
