"""Scoring rules, table-driven with hand-computed numbers (docs/checklist-format.md "Scoring", docs/architecture.md, Domain rules and scoring)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.scoring import answer_fraction, score_visit
from shared.visit import Answer

from .factories import ans, checklist, choice, number, one, photo, q, scale, sec

YES_NO_INVERTED = [{"value": "yes", "label": "Yes", "score": 0}, {"value": "no", "label": "No", "score": 1}]
SHOW_IF_NO = {"question": "a", "in": ["no"]}

# (id, checklist, answers, expected visit percent, expected earned, expected possible)
CASES: list[Any] = [
    ("two_yes_is_100", one(q("a"), q("b")), [ans("a", "yes"), ans("b", "yes")], 100.0, 2, 2),
    ("yes_and_no_is_50", one(q("a"), q("b")), [ans("a", "yes"), ans("b", "no")], 50.0, 1, 2),
    (
        "weights_3_yes_1_no_is_75",
        one(q("a", weight=3), q("b", weight=1)),
        [ans("a", "yes"), ans("b", "no")],
        75.0,
        3,
        4,
    ),
    ("float_weights", one(q("a", weight=0.5), q("b", weight=1.5)), [ans("a", "yes"), ans("b", "no")], 25.0, 0.5, 2),
    (
        "weight_zero_question_adds_nothing",
        one(q("a", weight=0), q("b")),
        [ans("a", "no"), ans("b", "yes")],
        100.0,
        1,
        1,
    ),
    (
        "two_of_three_rounds_to_66_67",
        one(q("a"), q("b"), q("c")),
        [ans("a", "yes"), ans("b", "yes"), ans("c", "no")],
        66.67,
        2,
        3,
    ),
    ("na_left_out", one(q("a"), q("b", allow_na=True)), [ans("a", "yes"), ans("b", na=True)], 100.0, 1, 1),
    (
        "hidden_answer_left_out",
        one(q("a"), q("b", visible_if=SHOW_IF_NO)),
        [ans("a", "yes"), ans("b", "no")],
        100.0,
        1,
        1,
    ),
    (
        "shown_conditional_counts",
        one(q("a"), q("b", visible_if=SHOW_IF_NO)),
        [ans("a", "no"), ans("b", "yes")],
        50.0,
        1,
        2,
    ),
    ("unanswered_left_out", one(q("a"), q("b")), [ans("a", "no")], 0.0, 0, 1),
    ("scale_4_on_1_to_5_is_75", one(scale("s", 1, 5)), [ans("s", 4)], 75.0, 0.75, 1),
    ("scale_min_is_0", one(scale("s", 1, 5)), [ans("s", 1)], 0.0, 0, 1),
    ("scale_7_on_0_to_10_is_70", one(scale("s", 0, 10)), [ans("s", 7)], 70.0, 0.7, 1),
    ("scale_2_on_1_to_4_is_33_33", one(scale("s", 1, 4)), [ans("s", 2)], 33.33, 1 / 3, 1),
    ("scale_negative_range", one(scale("s", -2, 2)), [ans("s", 0)], 50.0, 0.5, 1),
    ("scale_weighted", one(scale("s", 1, 5, weight=4), q("a")), [ans("s", 4), ans("a", "no")], 60.0, 3, 5),
    ("choice_half_score", one(choice("c", ("good", 1), ("ok", 0.5), ("bad", 0))), [ans("c", "ok")], 50.0, 0.5, 1),
    ("choice_decimal_score_is_exact", one(choice("c", ("x", 0.1), ("y", 1))), [ans("c", "x")], 10.0, 0.1, 1),
    (
        "choice_null_score_option_left_out",
        one(choice("c", ("good", 1), ("unsure", None)), q("a")),
        [ans("c", "unsure"), ans("a", "no")],
        0.0,
        0,
        1,
    ),
    ("choice_without_scores_is_unscored", one(choice("c", ("x", None), ("y", None))), [ans("c", "x")], None, 0, 0),
    ("yes_no_inverted_no_is_100", one(q("i", options=YES_NO_INVERTED)), [ans("i", "no")], 100.0, 1, 1),
    ("yes_no_inverted_yes_is_0", one(q("i", options=YES_NO_INVERTED)), [ans("i", "yes")], 0.0, 0, 1),
    ("number_without_rule_is_unscored", one(number("n")), [ans("n", 5)], None, 0, 0),
    (
        "text_date_time_photo_are_unscored",
        one(q("t", "text"), q("d", "date"), q("h", "time"), q("p", "photo")),
        [ans("t", "fine"), ans("d", "2026-11-20"), ans("h", "09:30")],
        None,
        0,
        0,
    ),
    ("nothing_answered_is_not_scored", one(q("a"), scale("s")), [], None, 0, 0),
    (
        "all_weights_zero_is_not_scored",
        one(q("a", weight=0), q("b", weight=0)),
        [ans("a", "yes"), ans("b", "no")],
        None,
        0,
        0,
    ),
    ("invalid_value_left_out", one(scale("s", 1, 5), q("a")), [ans("s", 9), ans("a", "yes")], 100.0, 1, 1),
    ("first_of_duplicate_answers_counts", one(q("a")), [ans("a", "yes"), ans("a", "no")], 100.0, 1, 1),
    ("half_rounds_up_3_125_to_3_13", one(scale("s", 0, 32)), [ans("s", 1)], 3.13, 1 / 32, 1),
    ("half_rounds_up_0_125_to_0_13", one(scale("s", 0, 800)), [ans("s", 1)], 0.13, 1 / 800, 1),
    (
        "mixed_types",
        one(q("a", weight=2), scale("s", 1, 5), choice("c", ("x", 0.5)), number("n", "<", 3, weight=3)),
        [ans("a", "yes"), ans("s", 2), ans("c", "x"), ans("n", 2.5)],
        82.14,
        5.75,
        7,
    ),
]


@pytest.mark.parametrize(
    "cl, answers, percent, earned, possible", [pytest.param(*case[1:], id=case[0]) for case in CASES]
)
def test_visit_percent_earned_and_possible_match_hand_computed_values(cl, answers, percent, earned, possible):
    score = score_visit(cl, answers)
    assert score.percent == percent
    assert score.earned == pytest.approx(earned)
    assert score.possible == pytest.approx(possible)


PASS_RULES = [
    ("<", 2, 1, 1),
    ("<", 2, 2, 0),
    ("<=", 2, 2, 1),
    ("<=", 2, 3, 0),
    ("==", 2, 2.0, 1),
    ("==", 2, 2.5, 0),
    ("==", 0.1, 0.1, 1),
    ("!=", 2, 3, 1),
    ("!=", 2, 2, 0),
    (">=", 2, 2, 1),
    (">=", 2, 1.5, 0),
    (">", 2, 2.5, 1),
    (">", 2, 2, 0),
    ("<", -1, -1.5, 1),
]


@pytest.mark.parametrize(
    "op, limit, value, fraction", PASS_RULES, ids=[f"{v}_{op}_{lim}_is_{f}" for op, lim, v, f in PASS_RULES]
)
def test_number_pass_rule_scores_1_when_it_holds_and_0_when_not(op, limit, value, fraction):
    score = score_visit(one(number("n", op, limit)), [ans("n", value)])
    assert score.questions[0].fraction == fraction
    assert score.percent == fraction * 100


SECTION_CASES: list[Any] = [
    (
        "weighted_mean_of_sections",
        checklist(sec("s1", q("a"), q("b"), weight=1), sec("s2", q("c"), weight=3)),
        [ans("a", "yes"), ans("b", "no"), ans("c", "yes")],
        87.5,
        [50.0, 100.0],
    ),
    (
        "same_without_section_weights_is_total_ratio",
        checklist(sec("s1", q("a"), q("b")), sec("s2", q("c"))),
        [ans("a", "yes"), ans("b", "no"), ans("c", "yes")],
        66.67,
        [50.0, 100.0],
    ),
    (
        "section_with_nothing_scorable_is_left_out_of_mean",
        checklist(sec("s1", q("a"), weight=1), sec("s2", q("t", "text"), weight=3)),
        [ans("a", "yes"), ans("t", "hello")],
        100.0,
        [100.0, None],
    ),
    (
        "section_weight_zero_counts_for_nothing",
        checklist(sec("s1", q("a"), weight=0), sec("s2", q("b"), weight=2)),
        [ans("a", "no"), ans("b", "yes")],
        100.0,
        [0.0, 100.0],
    ),
    (
        "section_weights_summing_to_zero_is_not_scored",
        checklist(sec("s1", q("a"), weight=0), sec("s2", q("b"), weight=0)),
        [ans("a", "yes"), ans("b", "no")],
        None,
        [100.0, 0.0],
    ),
    (
        "decimal_section_weights",
        checklist(sec("s1", q("a"), weight=0.1), sec("s2", q("b"), weight=0.3)),
        [ans("a", "yes"), ans("b", "no")],
        25.0,
        [100.0, 0.0],
    ),
    (
        "no_section_scorable_is_not_scored",
        checklist(sec("s1", q("t", "text"), weight=1), sec("s2", q("b"), weight=1)),
        [],
        None,
        [None, None],
    ),
]


@pytest.mark.parametrize(
    "cl, answers, percent, section_percents", [pytest.param(*case[1:], id=case[0]) for case in SECTION_CASES]
)
def test_section_weights_give_the_weighted_mean_of_scorable_sections(cl, answers, percent, section_percents):
    score = score_visit(cl, answers)
    assert score.percent == percent
    assert [s.percent for s in score.sections] == section_percents


CRITICAL = {"critical": True}
CRITICAL_CASES: list[Any] = [
    (
        "zero_policy_zeroes_visit",
        one(q("g", **CRITICAL), q("a"), q("b"), q("c"), critical_policy="zero"),
        [ans("g", "no"), ans("a", "yes"), ans("b", "yes"), ans("c", "yes")],
        0.0,
        75.0,
        ("g",),
        False,
        True,
    ),
    (
        "flag_policy_keeps_score",
        one(q("g", **CRITICAL), q("a"), q("b"), q("c"), critical_policy="flag"),
        [ans("g", "no"), ans("a", "yes"), ans("b", "yes"), ans("c", "yes")],
        75.0,
        75.0,
        ("g",),
        True,
        False,
    ),
    (
        "default_policy_is_flag",
        one(q("g", **CRITICAL), q("a")),
        [ans("g", "no"), ans("a", "yes")],
        50.0,
        50.0,
        ("g",),
        True,
        False,
    ),
    (
        "question_policy_overrides_checklist",
        one(q("g", critical_policy="flag", **CRITICAL), critical_policy="zero"),
        [ans("g", "no")],
        0.0,
        0.0,
        ("g",),
        True,
        False,
    ),
    (
        "question_zero_overrides_checklist_flag",
        one(q("g", critical_policy="zero", **CRITICAL), q("a")),
        [ans("g", "no"), ans("a", "yes")],
        0.0,
        50.0,
        ("g",),
        False,
        True,
    ),
    (
        "zero_even_when_otherwise_unscorable",
        one(q("g", weight=0, **CRITICAL), critical_policy="zero"),
        [ans("g", "no")],
        0.0,
        None,
        ("g",),
        False,
        True,
    ),
    (
        "both_policies_zero_and_flag",
        one(q("g", critical_policy="zero", **CRITICAL), q("h", critical_policy="flag", **CRITICAL), q("a")),
        [ans("g", "no"), ans("h", "no"), ans("a", "yes")],
        0.0,
        33.33,
        ("g", "h"),
        True,
        True,
    ),
    (
        "passed_critical_is_no_failure",
        one(q("g", **CRITICAL), critical_policy="zero"),
        [ans("g", "yes")],
        100.0,
        100.0,
        (),
        False,
        False,
    ),
    (
        "na_critical_is_no_failure",
        one(q("g", allow_na=True, **CRITICAL), q("a"), critical_policy="zero"),
        [ans("g", na=True), ans("a", "yes")],
        100.0,
        100.0,
        (),
        False,
        False,
    ),
    (
        "unanswered_critical_is_no_failure",
        one(q("g", **CRITICAL), q("a"), critical_policy="zero"),
        [ans("a", "yes")],
        100.0,
        100.0,
        (),
        False,
        False,
    ),
    (
        "hidden_critical_is_no_failure",
        one(q("a"), q("g", visible_if=SHOW_IF_NO, **CRITICAL), critical_policy="zero"),
        [ans("a", "yes"), ans("g", "no")],
        100.0,
        100.0,
        (),
        False,
        False,
    ),
    (
        "choice_zero_option_fails",
        one(choice("c", ("ok", 1), ("bad", 0), **CRITICAL), critical_policy="zero"),
        [ans("c", "bad")],
        0.0,
        0.0,
        ("c",),
        False,
        True,
    ),
    (
        "choice_partial_score_passes",
        one(choice("c", ("ok", 1), ("meh", 0.5), **CRITICAL), critical_policy="zero"),
        [ans("c", "meh")],
        50.0,
        50.0,
        (),
        False,
        False,
    ),
    (
        "scale_minimum_fails",
        one(scale("s", 1, 5, **CRITICAL), critical_policy="zero"),
        [ans("s", 1)],
        0.0,
        0.0,
        ("s",),
        False,
        True,
    ),
    ("failed_pass_rule_fails", one(number("n", "<=", 2, **CRITICAL)), [ans("n", 3)], 0.0, 0.0, ("n",), True, False),
    (
        "inverted_yes_no_fails_on_yes",
        one(q("i", options=YES_NO_INVERTED, **CRITICAL)),
        [ans("i", "yes")],
        0.0,
        0.0,
        ("i",),
        True,
        False,
    ),
]


@pytest.mark.parametrize(
    "cl, answers, percent, section_percent, failures, flagged, zeroed",
    [pytest.param(*case[1:], id=case[0]) for case in CRITICAL_CASES],
)
def test_critical_failures_zero_or_flag_the_visit(cl, answers, percent, section_percent, failures, flagged, zeroed):
    score = score_visit(cl, answers)
    assert score.percent == percent
    assert score.sections[0].percent == section_percent
    assert score.critical_failures == failures
    assert (score.flagged, score.zeroed) == (flagged, zeroed)
    assert [qs.key for qs in score.questions if qs.critical_failure] == list(failures)


STATUS_CASES: list[Any] = [
    ("scored", q("a"), [ans("a", "yes")], [], "scored"),
    ("na", q("a", allow_na=True), [ans("a", na=True)], [], "na"),
    ("unanswered", q("a"), [], [], "unanswered"),
    ("blank_text_is_unanswered", q("t", "text"), [ans("t", "   ")], [], "unanswered"),
    ("invalid", scale("s"), [ans("s", "five")], [], "invalid"),
    ("unscored_type", q("t", "text"), [ans("t", "hi")], [], "unscored"),
    ("null_score_option", choice("c", ("x", None)), [ans("c", "x")], [], "unscored"),
    ("photo_with_photos", q("p", "photo"), [], [photo("p")], "unscored"),
    ("photo_without_photos", q("p", "photo"), [], [], "unanswered"),
]


@pytest.mark.parametrize("question, answers, photos, status", [pytest.param(*c[1:], id=c[0]) for c in STATUS_CASES])
def test_every_question_reports_why_it_did_or_did_not_count(question, answers, photos, status):
    score = score_visit(one(question), answers, photos)
    assert score.questions[0].status == status
    if status != "scored":
        assert (score.questions[0].fraction, score.questions[0].earned, score.questions[0].possible) == (None, 0, 0)


def test_hidden_question_status_is_hidden():
    score = score_visit(one(q("a"), q("b", visible_if=SHOW_IF_NO)), [ans("a", "yes"), ans("b", "yes")])
    assert score.questions[1].status == "hidden"


def test_na_answer_is_left_out_of_earned_and_possible():
    score = score_visit(one(q("a", weight=2, allow_na=True), q("b", weight=3)), [ans("a", na=True), ans("b", "yes")])
    assert (score.earned, score.possible, score.percent) == (3.0, 3.0, 100.0)
    assert (score.questions[0].earned, score.questions[0].possible) == (0.0, 0.0)


def test_question_scores_carry_section_key_fraction_and_weighted_points():
    cl = checklist(sec("s1", scale("x", 1, 5, weight=2)), sec("s2", q("y")))
    score = score_visit(cl, [ans("x", 4), ans("y", "no")])
    x, y = score.questions
    assert (x.key, x.section_key, x.fraction, x.earned, x.possible) == ("x", "s1", 0.75, 1.5, 2.0)
    assert (y.key, y.section_key, y.fraction, y.earned, y.possible) == ("y", "s2", 0.0, 0.0, 1.0)


def test_section_scores_carry_title_points_and_weight():
    cl = checklist(sec("s1", q("a"), q("b"), weight=2), sec("s2", q("c"), weight=1))
    s1 = score_visit(cl, [ans("a", "yes"), ans("b", "no")]).sections[0]
    assert (s1.key, s1.title, s1.earned, s1.possible, s1.percent, s1.weight) == (
        "s1",
        "Section s1",
        1.0,
        2.0,
        50.0,
        2.0,
    )


def test_to_dict_is_plain_json():
    score = score_visit(one(q("g", critical=True), q("a")), [ans("g", "no"), ans("a", "yes")])
    data = json.loads(json.dumps(score.to_dict()))
    assert data["percent"] == 50.0 and data["flagged"] is True and data["critical_failures"] == ["g"]
    assert data["sections"][0]["key"] == "main" and data["questions"][1]["status"] == "scored"


def test_scoring_never_raises_on_junk_answers():
    cl = one(q("a"), scale("s"), number("n", "<", 1), choice("c", ("x", 1)), q("t", "text"), q("d", "date"))
    junk = [Answer(k, v) for k in ("a", "s", "n", "c", "t", "d", "zz") for v in (True, 1.5, "x", -1, None, "")]
    score = score_visit(cl, junk)
    assert score.percent is None or 0 <= score.percent <= 100


@pytest.mark.parametrize("value, fraction", [("yes", 1), ("no", 0), ("maybe", None), (True, None)])
def test_answer_fraction_of_plain_yes_no(value, fraction):
    assert answer_fraction(one(q("a")).question("a"), value) == fraction


@pytest.mark.parametrize("value", [0, 1, 1234, 4999, 5000])
def test_a_scale_too_wide_for_the_scoring_plans_table_scores_exactly_as_a_narrow_one(value):
    from fractions import Fraction

    from shared.exact import round2
    from shared.scoring import SCALE_TABLE_LIMIT

    cl = one(scale("wide", 0, 5000, weight=0.3), scale("narrow", 1, 7, weight=2.5))
    assert SCALE_TABLE_LIMIT < 5000
    score = score_visit(cl, [ans("wide", value), ans("narrow", 4)])
    earned = Fraction(value, 5000) * Fraction(3, 10) + Fraction(3, 6) * Fraction(5, 2)
    possible = Fraction(3, 10) + Fraction(5, 2)
    assert (score.earned, score.possible) == (float(earned), float(possible))
    assert score.percent == round2(earned * 100 / possible)
    wide = score.questions[0]
    assert (wide.fraction, wide.earned) == (value / 5000, float(Fraction(value, 5000) * Fraction(3, 10)))
