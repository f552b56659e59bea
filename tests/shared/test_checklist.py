"""The checklist model's helpers: lookups in order, critical policy, scorability."""

from __future__ import annotations

import pytest

from shared.checklist import QUESTION_TYPES, TYPE_FIELDS, PassRule, PhotoSettings
from shared.errors import ChecklistInvalid
from shared.schemas import dump_checklist
from shared.validation import load_checklist

from .factories import FULL_DOC, checklist, choice, number, one, q, scale, sec


def test_questions_iterate_in_display_order_across_sections():
    cl = checklist(sec("a", q("x"), q("y")), sec("b", q("z")))
    assert [x.key for x in cl.questions()] == ["x", "y", "z"]


def test_question_and_section_lookup_by_key():
    cl = checklist(sec("a", q("x")), sec("b", q("z")))
    assert cl.question("z").text == "Question z?"
    assert cl.section_of("z").key == "b"
    assert cl.has_question("x") and not cl.has_question("nope") and not cl.has_question(5)
    with pytest.raises(KeyError):
        cl.question("nope")


def test_effective_critical_policy_prefers_the_question():
    cl = one(q("a", critical=True), q("b", critical=True, critical_policy="flag"), critical_policy="zero")
    assert cl.effective_critical_policy(cl.question("a")) == "zero"
    assert cl.effective_critical_policy(cl.question("b")) == "flag"


@pytest.mark.parametrize(
    "question, can",
    [
        (q("x"), True),
        (scale("x"), True),
        (number("x"), False),
        (number("x", "<", 1), True),
        (choice("x", ("a", None)), False),
        (choice("x", ("a", None), ("b", 0)), True),
        (q("x", "text"), False),
        (q("x", "photo"), False),
        (q("x", "date"), False),
        (q("x", "time"), False),
    ],
)
def test_can_score_says_whether_any_answer_earns_points(question, can):
    assert one(question).question("x").can_score is can


def test_scale_labels_and_options_are_looked_up_by_value():
    cl = load_checklist(FULL_DOC)
    assert cl.question("cleanliness").label_for(5) == "Great"
    assert cl.question("cleanliness").label_for(3) is None
    assert cl.question("greeting").option("neutral").score == 0.5
    assert cl.question("greeting").option(1) is None


def test_pass_rule_compares_exactly():
    assert PassRule("==", 0.3).holds(0.3)
    assert not PassRule("==", 0.3).holds(0.1 + 0.2)
    assert PassRule("<=", 2).holds(2.0)


def test_section_weights_are_all_or_nothing_and_reported():
    assert checklist(sec("a", q("x"), weight=1)).has_section_weights
    assert not checklist(sec("a", q("x"))).has_section_weights


def test_checklists_are_immutable_and_hashable():
    cl = load_checklist(FULL_DOC)
    with pytest.raises(AttributeError):
        cl.title = "changed"  # type: ignore[misc]
    assert hash(cl) == hash(load_checklist(FULL_DOC))


def test_every_type_has_a_field_list():
    assert set(TYPE_FIELDS) == set(QUESTION_TYPES)


def test_photo_settings_default_when_absent_and_are_left_out_of_the_dump():
    cl = load_checklist(FULL_DOC)
    assert cl.photo_settings == PhotoSettings(max_edge_px=1600, jpeg_quality=85)
    assert "photo_settings" not in dump_checklist(cl) and dump_checklist(cl)["format"] == 1


def test_photo_settings_load_fill_the_defaults_and_round_trip():
    cl = load_checklist({**FULL_DOC, "photo_settings": {"max_edge_px": 2400}})
    assert cl.photo_settings == PhotoSettings(max_edge_px=2400, jpeg_quality=85)
    dumped = dump_checklist(cl)
    assert dumped["photo_settings"] == {"max_edge_px": 2400, "jpeg_quality": 85} and dumped["format"] == 1
    assert load_checklist(dumped) == cl


@pytest.mark.parametrize(
    ("settings", "path", "words"),
    [
        ({"max_edge_px": 319}, "photo_settings.max_edge_px", "at least 320"),
        ({"max_edge_px": 8001}, "photo_settings.max_edge_px", "at most 8000"),
        ({"max_edge_px": 1600.5}, "photo_settings.max_edge_px", "whole number"),
        ({"jpeg_quality": 49}, "photo_settings.jpeg_quality", "at least 50"),
        ({"jpeg_quality": 96}, "photo_settings.jpeg_quality", "at most 95"),
        ({"keep_original": True}, "photo_settings.keep_original", "not a known field"),
        ("big", "photo_settings", "object"),
    ],
)
def test_photo_settings_out_of_range_are_refused_naming_the_field(settings, path, words):
    with pytest.raises(ChecklistInvalid) as error:
        load_checklist({**FULL_DOC, "photo_settings": settings})
    assert [(i.path, words in i.message) for i in error.value.issues] == [(path, True)]


def test_pass_marks_are_absent_by_default_and_left_out_of_the_dump():
    cl = load_checklist(FULL_DOC)
    assert cl.pass_mark is None and all(s.pass_mark is None for s in cl.sections)
    dumped = dump_checklist(cl)
    assert "pass_mark" not in dumped and all("pass_mark" not in s for s in dumped["sections"])
    assert dumped["format"] == 1


def test_pass_marks_load_with_decimals_and_round_trip():
    sections = [{**FULL_DOC["sections"][0], "pass_mark": 72.5}, *FULL_DOC["sections"][1:]]
    cl = load_checklist({**FULL_DOC, "pass_mark": 80, "sections": sections})
    assert cl.pass_mark == 80 and cl.sections[0].pass_mark == 72.5
    dumped = dump_checklist(cl)
    assert dumped["pass_mark"] == 80 and dumped["sections"][0]["pass_mark"] == 72.5
    assert "pass_mark" not in dumped["sections"][1] and dumped["format"] == 1
    assert load_checklist(dumped) == cl


@pytest.mark.parametrize("mark", [0, 100, 0.01, 99.99, None])
def test_pass_marks_from_0_to_100_or_null_are_accepted(mark):
    assert load_checklist({**FULL_DOC, "pass_mark": mark}).pass_mark == mark


@pytest.mark.parametrize("mark", [-0.01, 100.01, "80", True, [80]])
def test_a_pass_mark_outside_0_to_100_is_refused_naming_the_field(mark):
    with pytest.raises(ChecklistInvalid) as error:
        load_checklist({**FULL_DOC, "pass_mark": mark})
    assert [(i.path, "percentage from 0 to 100" in i.message) for i in error.value.issues] == [("pass_mark", True)]


def test_a_section_pass_mark_outside_0_to_100_is_refused_naming_the_section():
    sections = [dict(s) for s in FULL_DOC["sections"]]
    sections[-1]["pass_mark"] = 101
    with pytest.raises(ChecklistInvalid) as error:
        load_checklist({**FULL_DOC, "sections": sections})
    last = len(sections) - 1
    assert [i.path for i in error.value.issues] == [f"sections[{last}].pass_mark"]
