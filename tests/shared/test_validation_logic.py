"""Checklist validation across questions: visible_if conditions, required questions that can never show, critical items that cannot score."""

from __future__ import annotations

import pytest

from shared.validation import validate_checklist

from .factories import choice, doc, number, q, scale, sec
from .validation_helpers import assert_names, issues_at, only_issue_at


def test_visible_if_naming_an_unknown_question_is_rejected():
    issue = only_issue_at(
        doc(sec("s", q("a"), q("b", visible_if={"question": "nope", "in": ["yes"]}))),
        "sections[0].questions[1].visible_if.question",
    )
    assert_names(issue, "s", 1, "b", 2)
    assert "'nope', which is not in this checklist" in issue.message


def test_visible_if_naming_its_own_question_is_rejected():
    issue = only_issue_at(
        doc(sec("s", q("a", visible_if={"question": "a", "in": ["yes"]}))),
        "sections[0].questions[0].visible_if.question",
    )
    assert "cannot depend on the question itself" in issue.message


def test_visible_if_naming_a_later_question_is_rejected():
    document = doc(sec("s", q("a", visible_if={"question": "b", "in": ["yes"]})), sec("t", q("b")))
    issue = only_issue_at(document, "sections[0].questions[0].visible_if.question")
    assert_names(issue, "s", 1, "a", 1)
    assert "section 't' (2), question 'b' (1), which comes later" in issue.message


def test_visible_if_cycle_is_impossible_because_conditions_point_backwards():
    document = doc(
        sec(
            "s",
            q("a", visible_if={"question": "b", "in": ["yes"]}),
            q("b", visible_if={"question": "a", "in": ["yes"]}),
        )
    )
    assert [i.path for i in validate_checklist(document)] == ["sections[0].questions[0].visible_if.question"]


IMPOSSIBLE = [
    ("yes_no_maybe", q("src"), ["yes", "maybe"], 1),
    ("choice_unknown_option", choice("src", ("a", 1), ("b", 0)), ["c"], 0),
    ("scale_outside", scale("src", 1, 5), [3, 6], 1),
    ("scale_as_string", scale("src", 1, 5), ["3"], 0),
    ("scale_bool_is_not_1", scale("src", 0, 5), [True], 0),
    ("number_outside_bounds", number("src", min=0, max=10), [11], 0),
    ("text_blank", q("src", "text"), [""], 0),
    ("text_longer_than_max_length", q("src", "text", max_length=3), ["abcd"], 0),
    ("date_malformed", q("src", "date"), ["2026-02-30"], 0),
    ("time_malformed", q("src", "time"), ["25:00"], 0),
]


@pytest.mark.parametrize("source, values, bad", [pytest.param(*c[1:], id=c[0]) for c in IMPOSSIBLE])
def test_visible_if_value_the_question_can_never_have_is_rejected(source, values, bad):
    document = doc(sec("s", source, q("b", visible_if={"question": "src", "in": values})))
    issue = only_issue_at(document, f"sections[0].questions[1].visible_if.in[{bad}]")
    assert_names(issue, "s", 1, "b", 2)
    assert "from question 'src', which it can never have" in issue.message


def test_visible_if_on_a_photo_question_is_rejected():
    document = doc(sec("s", q("p", "photo"), q("b", visible_if={"question": "p", "in": ["yes"]})))
    issue = only_issue_at(document, "sections[0].questions[1].visible_if.question")
    assert "cannot depend on photo question 'p'" in issue.message


def test_visible_if_with_no_values_is_rejected():
    only_issue_at(
        doc(sec("s", q("a"), q("b", visible_if={"question": "a", "in": []}))), "sections[0].questions[1].visible_if.in"
    )


def test_required_question_whose_source_can_never_be_shown_is_rejected():
    document = doc(
        sec(
            "s",
            q("a"),
            q("b", visible_if={"question": "a", "in": ["maybe"]}),
            q("c", required=True, visible_if={"question": "b", "in": ["yes"]}),
        )
    )
    paths = [i.path for i in validate_checklist(document)]
    assert paths == ["sections[0].questions[1].visible_if.in[0]", "sections[0].questions[2].visible_if"]
    issue = issues_at(document, "sections[0].questions[2].visible_if")[0]
    assert issue.message == (
        "section 's' (1), question 'c' (3): the question is required but can never be shown: "
        "question 'b' it depends on can never be shown"
    )


def test_required_question_waiting_only_for_impossible_values_is_rejected():
    document = doc(sec("s", scale("r", 1, 5), q("b", required=True, visible_if={"question": "r", "in": [0, 9]})))
    assert (
        "can never have any of the values it waits for"
        in issues_at(document, "sections[0].questions[1].visible_if")[0].message
    )


def test_required_question_with_one_possible_value_is_fine():
    document = doc(sec("s", scale("r", 1, 5), q("b", required=True, visible_if={"question": "r", "in": [3]})))
    assert validate_checklist(document) == []


def test_optional_question_that_can_never_be_shown_gets_only_the_value_errors():
    document = doc(
        sec(
            "s",
            q("a"),
            q("b", visible_if={"question": "a", "in": ["maybe"]}),
            q("c", visible_if={"question": "b", "in": ["yes"]}),
        )
    )
    assert [i.path for i in validate_checklist(document)] == ["sections[0].questions[1].visible_if.in[0]"]


UNSCORABLE = [
    ("text", q("x", "text")),
    ("photo", q("x", "photo")),
    ("date", q("x", "date")),
    ("time", q("x", "time")),
    ("number_without_pass_rule", number("x")),
    ("choice_without_scored_option", choice("x", ("a", None))),
    ("yes_no_with_null_scores", q("x", options=[{"value": "yes", "score": None}, {"value": "no", "score": None}])),
]


@pytest.mark.parametrize("question", [pytest.param(c[1], id=c[0]) for c in UNSCORABLE])
def test_critical_question_that_cannot_score_is_rejected(question):
    issue = only_issue_at(doc(sec("s", {**question, "critical": True})), "sections[0].questions[0].critical")
    assert_names(issue, "s", 1, "x", 1)
    assert "a critical question must be able to score" in issue.message


@pytest.mark.parametrize(
    "question",
    [q("x"), scale("x"), number("x", "<", 3), choice("x", ("a", None), ("b", 0))],
    ids=["yes_no", "scale", "number_with_rule", "choice_with_one_scored_option"],
)
def test_critical_question_that_can_score_is_fine(question):
    assert validate_checklist(doc(sec("s", {**question, "critical": True}))) == []
