"""Checklist validation: one test per rule in docs/checklist-format.md, plus loading, round trips and error collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.checklist import Checklist
from shared.errors import ChecklistInvalid, Issue
from shared.schemas import dump_checklist
from shared.validation import load_checklist, validate_checklist

from .factories import FULL_DOC, choice, doc, number, q, scale, sec
from .validation_helpers import assert_names, only_issue_at

# -- valid documents -------------------------------------------------------------------------------------------


def test_full_document_is_valid_and_loads_into_dataclasses():
    assert validate_checklist(FULL_DOC) == []
    cl = load_checklist(FULL_DOC)
    assert isinstance(cl, Checklist)
    assert [x.key for x in cl.questions()][:3] == ["open_on_time", "why_closed", "cleanliness"]
    assert cl.question("greeting").options[3].score is None
    assert cl.question("cleanliness").labels == ((1, "Poor"), (5, "Great"))


def test_dump_then_load_gives_the_same_checklist():
    cl = load_checklist(FULL_DOC)
    dumped = dump_checklist(cl)
    assert load_checklist(dumped) == cl
    assert load_checklist(json.loads(json.dumps(dumped))) == cl
    assert dump_checklist(load_checklist(dumped)) == dumped


def test_dump_is_canonical_with_defaults_filled_and_unused_type_fields_left_out():
    dumped = dump_checklist(load_checklist(doc(sec("s", q("a"), choice("c", ("x", 1)), number("n")))))
    assert dumped["format"] == 1 and dumped["critical_policy"] == "flag" and dumped["allow_adhoc"] is False
    a, c, n = dumped["sections"][0]["questions"]
    assert a == {
        "key": "a",
        "text": "Question a?",
        "type": "yes_no",
        "required": False,
        "allow_na": False,
        "weight": 1,
        "critical": False,
        "critical_policy": None,
        "help": "",
        "visible_if": None,
    }
    assert c["options"] == [{"value": "x", "label": "X", "score": 1}]
    assert "pass_rule" not in n and "options" not in n


def test_option_label_defaults_to_its_value():
    cl = load_checklist(doc(sec("s", q("c", "choice", options=[{"value": "warm", "score": 1}]))))
    assert cl.question("c").options[0].label == "warm"


def test_null_type_specific_fields_count_as_absent():
    assert validate_checklist(doc(sec("s", q("t", "text", options=None, min=None, pass_rule=None)))) == []


def test_visible_if_loads_with_its_values_and_dumps_as_in():
    document = doc(sec("s", q("a"), q("b", visible_if={"question": "a", "in": ["no"]})))
    cl = load_checklist(document)
    assert cl.question("b").visible_if.values == ("no",)
    assert dump_checklist(cl)["sections"][0]["questions"][1]["visible_if"] == {"question": "a", "in": ["no"]}


# -- collecting errors -----------------------------------------------------------------------------------------


def test_all_errors_are_collected_at_once_in_document_order():
    document = doc(
        sec("a", q("x", weight=-1), q("x", "colour"), scale("s", 5, 1)),
        sec("a", choice("c"), number("n", "~", 1), q("t", "text", critical=True)),
        sec("b", q("v", visible_if={"question": "zzz", "in": [1]})),
        weight=2,
    )
    paths = [i.path for i in validate_checklist(document)]
    assert paths == [
        "weight",
        "sections[0].questions[0].weight",
        "sections[0].questions[1].type",
        "sections[0].questions[1].key",
        "sections[0].questions[2].max",
        "sections[1].key",
        "sections[1].questions[0].options",
        "sections[1].questions[1].pass_rule.op",
        "sections[1].questions[2].critical",
        "sections[2].questions[0].visible_if.question",
    ]


def test_load_checklist_raises_with_every_issue():
    with pytest.raises(ChecklistInvalid) as caught:
        load_checklist(doc(sec("a", q("x", weight=-1), q("y", weight="heavy"))))
    assert [i.path for i in caught.value.issues] == [
        "sections[0].questions[0].weight",
        "sections[0].questions[1].weight",
    ]
    assert "and 1 more" in str(caught.value)
    assert caught.value.to_list()[0]["question"] == "x"


def test_a_question_with_a_broken_weight_still_has_its_condition_checked():
    document = doc(sec("s", q("a"), q("b", weight="x", visible_if={"question": "a", "in": ["maybe"]})))
    assert [i.path for i in validate_checklist(document)] == [
        "sections[0].questions[1].weight",
        "sections[0].questions[1].visible_if.in[0]",
    ]


def test_a_checklist_that_is_not_an_object_is_one_issue():
    assert validate_checklist(["not", "a", "dict"]) == [Issue("", "a checklist must be a JSON object")]


# -- one test per rule -----------------------------------------------------------------------------------------


def test_duplicate_section_keys_are_rejected():
    issue = only_issue_at(doc(sec("a", q("x")), sec("a", q("y"))), "sections[1].key")
    assert_names(issue, "a", 2)
    assert "already used by section 1" in issue.message


def test_duplicate_question_keys_across_the_whole_checklist_are_rejected():
    issue = only_issue_at(doc(sec("a", q("x")), sec("b", q("y"), q("x"))), "sections[1].questions[1].key")
    assert issue.message == (
        "section 'b' (2), question 'x' (2): key 'x' is already used by section 'a' (1), question 'x' (1)"
    )
    assert issue.question == "x"


def test_section_without_questions_is_rejected():
    issue = only_issue_at(doc(sec("a", q("x")), sec("empty")), "sections[1].questions")
    assert_names(issue, "empty", 2)
    assert "at least one question" in issue.message


def test_checklist_without_sections_is_rejected():
    issue = only_issue_at(doc(), "sections")
    assert "at least one section" in issue.message


def test_negative_question_weight_is_rejected_with_the_documented_message():
    issue = only_issue_at(doc(sec("arrival", q("open_on_time", weight=-1))), "sections[0].questions[0].weight")
    assert issue.message == "section 'arrival' (1), question 'open_on_time' (1): weight must be a number >= 0"


@pytest.mark.parametrize(
    "weight",
    ["1", True, None, [1], {"v": 1}, float("nan"), float("inf")],
    ids=["string", "bool", "null", "list", "object", "nan", "infinity"],
)
def test_non_numeric_question_weight_is_rejected(weight):
    issue = only_issue_at(doc(sec("s", q("x", weight=weight))), "sections[0].questions[0].weight")
    assert issue.message == "section 's' (1), question 'x' (1): weight must be a number >= 0"


def test_huge_question_weight_is_rejected():
    issue = only_issue_at(doc(sec("s", q("x", weight=10**7))), "sections[0].questions[0].weight")
    assert "at most 1000000" in issue.message


@pytest.mark.parametrize("weight", [-0.5, "2"])
def test_negative_or_non_numeric_section_weight_is_rejected(weight):
    issue = only_issue_at(doc(sec("s", q("x"), weight=weight)), "sections[0].weight")
    assert issue.message == "section 's' (1): weight must be a number >= 0 or null"


def test_section_weights_given_for_some_sections_but_not_all_are_rejected():
    issue = only_issue_at(doc(sec("a", q("x"), weight=2), sec("b", q("y"))), "sections[1].weight")
    assert_names(issue, "b", 2)
    assert "section 1 has a weight" in issue.message


def test_unknown_type_is_rejected():
    issue = only_issue_at(doc(sec("s", q("x", "slider"))), "sections[0].questions[0].type")
    assert_names(issue, "s", 1, "x", 1)
    assert "must be one of: yes_no, choice, scale, number, text, photo, date, time" in issue.message


MISPLACED = [
    ("text", "options", [{"value": "a", "score": 1}]),
    ("yes_no", "min", 1),
    ("choice", "pass_rule", {"op": "<", "value": 1}),
    ("scale", "max_length", 10),
    ("number", "labels", {"1": "x"}),
    ("photo", "max", 3),
    ("date", "min_photos", 1),
    ("time", "options", [{"value": "a"}]),
    ("number", "min_photos", 0),
]


@pytest.mark.parametrize("type_, field, value", MISPLACED, ids=[f"{f}_on_{t}" for t, f, _ in MISPLACED])
def test_fields_that_do_not_belong_to_the_type_are_rejected(type_, field, value):
    extra = {"options": [{"value": "a", "score": 1}]} if type_ == "choice" else {}
    extra.update({"min": 1, "max": 5} if type_ == "scale" else {})
    issue = only_issue_at(doc(sec("s", q("x", type_, **extra, **{field: value}))), f"sections[0].questions[0].{field}")
    assert_names(issue, "s", 1, "x", 1)
    assert f"{field} does not belong to a {type_} question" in issue.message


def test_unknown_question_field_is_rejected():
    issue = only_issue_at(doc(sec("s", q("x", colour="red"))), "sections[0].questions[0].colour")
    assert issue.message == "section 's' (1), question 'x' (1): colour is not a known field"


@pytest.mark.parametrize("options", [None, []], ids=["missing", "empty"])
def test_choice_without_options_is_rejected(options):
    issue = only_issue_at(doc(sec("s", q("c", "choice", options=options))), "sections[0].questions[0].options")
    assert_names(issue, "s", 1, "c", 1)
    assert "needs at least one option" in issue.message


def test_choice_with_duplicate_option_values_is_rejected():
    issue = only_issue_at(doc(sec("s", choice("c", ("a", 1), ("a", 0)))), "sections[0].questions[0].options[1].value")
    assert_names(issue, "s", 1, "c", 1)
    assert "'a' is used twice" in issue.message


@pytest.mark.parametrize("score", [-0.1, 1.5, "1", True])
def test_option_score_outside_0_to_1_is_rejected(score):
    issue = only_issue_at(doc(sec("s", choice("c", ("a", score)))), "sections[0].questions[0].options[0].score")
    assert_names(issue, "s", 1, "c", 1)


@pytest.mark.parametrize("values", [["yes", "maybe"], ["yes"], ["yes", "no", "maybe"], ["Yes", "No"]])
def test_yes_no_options_that_are_not_exactly_yes_and_no_are_rejected(values):
    options = [{"value": v, "score": 1} for v in values]
    issue = only_issue_at(doc(sec("s", q("y", options=options))), "sections[0].questions[0].options")
    assert_names(issue, "s", 1, "y", 1)
    assert "exactly 'yes' and 'no'" in issue.message


def test_yes_no_option_score_outside_0_to_1_is_rejected():
    options = [{"value": "yes", "score": 2}, {"value": "no", "score": 0}]
    issue = only_issue_at(doc(sec("s", q("y", options=options))), "sections[0].questions[0].options[0].score")
    assert "from 0 to 1" in issue.message


@pytest.mark.parametrize("low, high", [(5, 5), (5, 1)])
def test_scale_with_min_not_below_max_is_rejected(low, high):
    issue = only_issue_at(doc(sec("s", scale("r", low, high))), "sections[0].questions[0].max")
    assert_names(issue, "s", 1, "r", 1)
    assert "max must be greater than min" in issue.message


@pytest.mark.parametrize("fields, path", [({"max": 5}, "min"), ({"min": 1}, "max"), ({"min": 1.5, "max": 5}, "min")])
def test_scale_needs_whole_number_min_and_max(fields, path):
    only_issue_at(doc(sec("s", q("r", "scale", **fields))), f"sections[0].questions[0].{path}")


def test_scale_label_outside_the_scale_is_rejected():
    issue = only_issue_at(
        doc(sec("s", scale("r", 1, 5, labels={"0": "Zero", "1": "Poor"}))), "sections[0].questions[0].labels"
    )
    assert "label 0 is outside the scale 1..5" in issue.message


@pytest.mark.parametrize("labels", [{"one": "x"}, {"01": "x"}, {"1": 5}, ["x"]])
def test_malformed_scale_labels_are_rejected(labels):
    only_issue_at(doc(sec("s", scale("r", 1, 5, labels=labels))), "sections[0].questions[0].labels")


def test_number_with_min_above_max_is_rejected():
    issue = only_issue_at(doc(sec("s", number("n", min=10, max=2))), "sections[0].questions[0].max")
    assert_names(issue, "s", 1, "n", 1)
    assert "max must not be less than min" in issue.message


def test_number_with_min_equal_to_max_is_allowed():
    assert validate_checklist(doc(sec("s", number("n", min=2, max=2)))) == []


def test_pass_rule_with_unknown_operator_is_rejected():
    issue = only_issue_at(doc(sec("s", number("n", "=<", 2))), "sections[0].questions[0].pass_rule.op")
    assert issue.message == "section 's' (1), question 'n' (1): pass_rule.op must be one of: <, <=, ==, !=, >=, >"


@pytest.mark.parametrize("value", ["2", None, True])
def test_pass_rule_with_non_numeric_value_is_rejected(value):
    issue = only_issue_at(doc(sec("s", number("n", "<", value))), "sections[0].questions[0].pass_rule.value")
    assert_names(issue, "s", 1, "n", 1)


def test_pass_rule_without_value_is_rejected():
    only_issue_at(doc(sec("s", q("n", "number", pass_rule={"op": "<"}))), "sections[0].questions[0].pass_rule.value")


@pytest.mark.parametrize(
    "field, value, path",
    [
        ("title", "", "title"),
        ("title", "x" * 201, "title"),
        ("format", 2, "format"),
        ("critical_policy", "explode", "critical_policy"),
        ("allow_adhoc", "no", "allow_adhoc"),
        ("description", 5, "description"),
    ],
)
def test_bad_checklist_level_fields_are_rejected(field, value, path):
    document = doc(sec("s", q("x")))
    document[field] = value
    assert [i.path for i in validate_checklist(document)] == [path]


def test_too_many_questions_in_total_are_rejected():
    sections = [sec(f"s{n}", *[q(f"q{n}_{m}") for m in range(150)]) for n in range(7)]
    assert [i.path for i in validate_checklist(doc(*sections))] == ["sections"]


def test_the_example_checklist_in_the_format_doc_is_valid():
    text = (Path(__file__).resolve().parents[2] / "docs" / "checklist-format.md").read_text(encoding="utf-8")
    example = json.loads(text.split("```json", 1)[1].split("```", 1)[0])
    assert validate_checklist(example) == []


def test_issues_name_the_question_only_when_its_key_is_a_real_key():
    (issue,) = validate_checklist(doc(sec("s", {**q("x"), "key": "Not A Key"})))
    assert issue.question is None
    assert issue.to_dict() == {"path": issue.path, "message": issue.message}
    (issue,) = validate_checklist(doc(sec("s", q("x", weight=-1))))
    assert issue.to_dict()["question"] == "x"
