"""One place knows the question types: every layer's dispatch table covers every type, the old names derive from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from mobile.app.inputs import INPUTS_BY_TYPE, TEXT_KINDS_BY_TYPE, _typed_input
from reports.adapt import ANSWER_TEXT_BY_TYPE
from server.demo.visit_maker import DEMO_ANSWERS_BY_TYPE
from server.web.checklists.forms import FIELD_TYPES, FORM_TYPES_BY_TYPE, TYPE_LABELS
from shared import QuestionType, load_checklist
from shared.checklist import (
    CAN_SCORE_BY_TYPE,
    QUESTION_TYPES,
    SCORABLE_TYPES,
    TYPE_FIELDS,
    TYPE_SPECIFIC_FIELDS,
    Option,
    PassRule,
    Question,
)
from shared.question_types import SPECS
from shared.schemas import dump_checklist
from shared.scoring import FRACTION_BY_TYPE
from shared.template_rules import TYPE_RULES_BY_TYPE
from shared.values import VALUE_RULES_BY_TYPE

TEMPLATES = Path(__file__).resolve().parents[2] / "server" / "templates"
PREVIEW_INPUTS = Environment(loader=FileSystemLoader(TEMPLATES)).get_template("checklists/preview_inputs.html").module
"""The builder preview's macros, one per type (their exported names are the table's keys)."""

DISPATCH_TABLES = {
    "shared.question_types.SPECS": SPECS,
    "shared.checklist.TYPE_FIELDS": TYPE_FIELDS,
    "shared.checklist.CAN_SCORE_BY_TYPE": CAN_SCORE_BY_TYPE,
    "shared.values.VALUE_RULES_BY_TYPE": VALUE_RULES_BY_TYPE,
    "shared.template_rules.TYPE_RULES_BY_TYPE": TYPE_RULES_BY_TYPE,
    "shared.scoring.FRACTION_BY_TYPE": FRACTION_BY_TYPE,
    "reports.adapt.ANSWER_TEXT_BY_TYPE": ANSWER_TEXT_BY_TYPE,
    "server.web.checklists.forms.FORM_TYPES_BY_TYPE": FORM_TYPES_BY_TYPE,
    "server.demo.visit_maker.DEMO_ANSWERS_BY_TYPE": DEMO_ANSWERS_BY_TYPE,
    "mobile.app.inputs.INPUTS_BY_TYPE": INPUTS_BY_TYPE,
    "server/templates/checklists/preview_inputs.html": {
        name for name in vars(PREVIEW_INPUTS) if not name.startswith("_")
    },
}
"""Every table keyed by question type, in every layer: a new table is added here, a new type to each of them."""


@pytest.mark.parametrize("name", sorted(DISPATCH_TABLES))
def test_every_dispatch_table_has_an_entry_for_every_question_type(name):
    assert set(DISPATCH_TABLES[name]) == set(QuestionType), name


def test_the_phone_types_typed_into_a_text_field_are_those_whose_input_is_one():
    typed = {kind for kind, make in INPUTS_BY_TYPE.items() if make is _typed_input}
    assert set(TEXT_KINDS_BY_TYPE) == typed


def test_the_type_values_are_the_wire_strings_in_the_documented_order():
    assert QUESTION_TYPES == ("yes_no", "choice", "scale", "number", "text", "photo", "date", "time")
    assert [kind.value for kind in QuestionType] == list(QUESTION_TYPES) == [kind for kind, _ in TYPE_LABELS]


def test_the_builder_shows_a_field_for_the_types_that_carry_it():
    assert FIELD_TYPES["min"] == "scale number" and FIELD_TYPES["options"] == "yes_no choice"
    assert set(FIELD_TYPES) == set(TYPE_SPECIFIC_FIELDS)


def test_only_the_types_the_specs_call_scorable_can_ever_score():
    for kind in QuestionType:
        bare = Question(
            "q",
            "Q?",
            kind,
            options=(Option("yes", "Yes", 1), Option("no", "No", 0)),
            min=1,
            max=5,
            pass_rule=PassRule(">=", 1),
        )
        assert bare.can_score is (kind in SCORABLE_TYPES), kind


def test_the_old_names_derive_from_the_specs():
    assert TYPE_SPECIFIC_FIELDS == ("options", "min", "max", "labels", "pass_rule", "max_length", "min_photos")
    assert {"yes_no", "choice", "scale", "number"} == SCORABLE_TYPES
    assert TYPE_FIELDS["scale"] == {"min", "max", "labels"} and TYPE_FIELDS["date"] == frozenset()


def test_a_loaded_question_has_a_question_type_and_dumps_back_to_the_plain_string():
    checklist = load_checklist(
        {
            "title": "T",
            "sections": [
                {
                    "key": "s",
                    "title": "S",
                    "questions": [{"key": "q", "text": "Q?", "type": "scale", "min": 1, "max": 5}],
                }
            ],
        }
    )
    assert checklist.question("q").type is QuestionType.SCALE
    dumped = dump_checklist(checklist)["sections"][0]["questions"][0]["type"]
    assert dumped == "scale" and type(dumped) is str and json.dumps(dumped) == '"scale"'
