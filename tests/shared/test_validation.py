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


def issues_at(document: dict, path: str) -> list[Issue]:
    """The issues a document gets at exactly this path."""
    return [issue for issue in validate_checklist(document) if issue.path == path]


def only_issue_at(document: dict, path: str) -> Issue:
    """The single issue the document gets at this path, after checking nothing else is wrong."""
    found = validate_checklist(document)
    assert [i.path for i in found] == [path], found
    return found[0]


def assert_names(issue: Issue, section: str, s: int, question: str | None = None, j: int | None = None) -> None:
    """The message names the section (and question) by key and 1-based position."""
    expected = f"section '{section}' ({s})" + (f", question '{question}' ({j})" if question else "") + ": "
    assert issue.message.startswith(expected), issue.message


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
    assert a == {"key": "a", "text": "Question a?", "type": "yes_no", "required": False, "allow_na": False,
                 "weight": 1, "critical": False, "critical_policy": None, "help": "", "visible_if": None}
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
    assert [i.path for i in caught.value.issues] == ["sections[0].questions[0].weight", "sections[0].questions[1].weight"]
    assert "and 1 more" in str(caught.value)
    assert caught.value.to_list()[0]["question"] == "x"


def test_a_question_with_a_broken_weight_still_has_its_condition_checked():
    document = doc(sec("s", q("a"), q("b", weight="x", visible_if={"question": "a", "in": ["maybe"]})))
    assert [i.path for i in validate_checklist(document)] == [
        "sections[0].questions[1].weight", "sections[0].questions[1].visible_if.in[0]"]


def test_a_checklist_that_is_not_an_object_is_one_issue():
    assert validate_checklist(["not", "a", "dict"]) == [Issue("", "a checklist must be a JSON object")]


# -- one test per rule -----------------------------------------------------------------------------------------


def test_duplicate_section_keys_are_rejected():
    issue = only_issue_at(doc(sec("a", q("x")), sec("a", q("y"))), "sections[1].key")
    assert_names(issue, "a", 2)
    assert "already used by section 1" in issue.message


def test_duplicate_question_keys_across_the_whole_checklist_are_rejected():
    issue = only_issue_at(doc(sec("a", q("x")), sec("b", q("y"), q("x"))), "sections[1].questions[1].key")
    assert issue.message == ("section 'b' (2), question 'x' (2): key 'x' is already used by "
                             "section 'a' (1), question 'x' (1)")
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


@pytest.mark.parametrize("weight", ["1", True, None, [1], {"v": 1}, float("nan"), float("inf")],
                         ids=["string", "bool", "null", "list", "object", "nan", "infinity"])
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
    ("text", "options", [{"value": "a", "score": 1}]), ("yes_no", "min", 1), ("choice", "pass_rule",
                                                                              {"op": "<", "value": 1}),
    ("scale", "max_length", 10), ("number", "labels", {"1": "x"}), ("photo", "max", 3), ("date", "min_photos", 1),
    ("time", "options", [{"value": "a"}]), ("number", "min_photos", 0),
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
    issue = only_issue_at(doc(sec("s", scale("r", 1, 5, labels={"0": "Zero", "1": "Poor"}))),
                          "sections[0].questions[0].labels")
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


def test_visible_if_naming_an_unknown_question_is_rejected():
    issue = only_issue_at(doc(sec("s", q("a"), q("b", visible_if={"question": "nope", "in": ["yes"]}))),
                          "sections[0].questions[1].visible_if.question")
    assert_names(issue, "s", 1, "b", 2)
    assert "'nope', which is not in this checklist" in issue.message


def test_visible_if_naming_its_own_question_is_rejected():
    issue = only_issue_at(doc(sec("s", q("a", visible_if={"question": "a", "in": ["yes"]}))),
                          "sections[0].questions[0].visible_if.question")
    assert "cannot depend on the question itself" in issue.message


def test_visible_if_naming_a_later_question_is_rejected():
    document = doc(sec("s", q("a", visible_if={"question": "b", "in": ["yes"]})), sec("t", q("b")))
    issue = only_issue_at(document, "sections[0].questions[0].visible_if.question")
    assert_names(issue, "s", 1, "a", 1)
    assert "section 't' (2), question 'b' (1), which comes later" in issue.message


def test_visible_if_cycle_is_impossible_because_conditions_point_backwards():
    document = doc(sec("s", q("a", visible_if={"question": "b", "in": ["yes"]}),
                       q("b", visible_if={"question": "a", "in": ["yes"]})))
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
    only_issue_at(doc(sec("s", q("a"), q("b", visible_if={"question": "a", "in": []}))),
                  "sections[0].questions[1].visible_if.in")


def test_required_question_whose_source_can_never_be_shown_is_rejected():
    document = doc(sec("s", q("a"), q("b", visible_if={"question": "a", "in": ["maybe"]}),
                       q("c", required=True, visible_if={"question": "b", "in": ["yes"]})))
    paths = [i.path for i in validate_checklist(document)]
    assert paths == ["sections[0].questions[1].visible_if.in[0]", "sections[0].questions[2].visible_if"]
    issue = issues_at(document, "sections[0].questions[2].visible_if")[0]
    assert issue.message == ("section 's' (1), question 'c' (3): the question is required but can never be shown: "
                             "question 'b' it depends on can never be shown")


def test_required_question_waiting_only_for_impossible_values_is_rejected():
    document = doc(sec("s", scale("r", 1, 5), q("b", required=True, visible_if={"question": "r", "in": [0, 9]})))
    assert "can never have any of the values it waits for" in issues_at(
        document, "sections[0].questions[1].visible_if")[0].message


def test_required_question_with_one_possible_value_is_fine():
    document = doc(sec("s", scale("r", 1, 5), q("b", required=True, visible_if={"question": "r", "in": [3]})))
    assert validate_checklist(document) == []


def test_optional_question_that_can_never_be_shown_gets_only_the_value_errors():
    document = doc(sec("s", q("a"), q("b", visible_if={"question": "a", "in": ["maybe"]}),
                       q("c", visible_if={"question": "b", "in": ["yes"]})))
    assert [i.path for i in validate_checklist(document)] == ["sections[0].questions[1].visible_if.in[0]"]


UNSCORABLE = [
    ("text", q("x", "text")), ("photo", q("x", "photo")), ("date", q("x", "date")), ("time", q("x", "time")),
    ("number_without_pass_rule", number("x")), ("choice_without_scored_option", choice("x", ("a", None))),
    ("yes_no_with_null_scores", q("x", options=[{"value": "yes", "score": None}, {"value": "no", "score": None}])),
]


@pytest.mark.parametrize("question", [pytest.param(c[1], id=c[0]) for c in UNSCORABLE])
def test_critical_question_that_cannot_score_is_rejected(question):
    issue = only_issue_at(doc(sec("s", {**question, "critical": True})), "sections[0].questions[0].critical")
    assert_names(issue, "s", 1, "x", 1)
    assert "a critical question must be able to score" in issue.message


@pytest.mark.parametrize("question", [q("x"), scale("x"), number("x", "<", 3), choice("x", ("a", None), ("b", 0))],
                         ids=["yes_no", "scale", "number_with_rule", "choice_with_one_scored_option"])
def test_critical_question_that_can_score_is_fine(question):
    assert validate_checklist(doc(sec("s", {**question, "critical": True}))) == []


@pytest.mark.parametrize("field, value, path", [
    ("title", "", "title"), ("title", "x" * 201, "title"), ("format", 2, "format"),
    ("critical_policy", "explode", "critical_policy"), ("allow_adhoc", "no", "allow_adhoc"),
    ("description", 5, "description"),
])
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
