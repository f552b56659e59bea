"""Which questions a reviewer's note names (highlighted while correcting), and which visits need correction."""

from __future__ import annotations

import json
from pathlib import Path

from mobile.app.correction import named_questions
from shared.validation import load_checklist
from tests.mobile.factories import CHECKLIST

DEMO = load_checklist(
    json.loads((Path(__file__).resolve().parents[3] / "server/demo/customer_service_checklist.json").read_text())
)
STORE = load_checklist(CHECKLIST)


def test_a_note_naming_a_question_key_highlights_that_question_with_underscores_or_spaces():
    assert named_questions("Please fix price_matched, it was wrong.", DEMO) == {"price_matched"}
    assert named_questions("PRICE MATCHED needs a comment", DEMO) == {"price_matched"}


def test_a_note_quoting_a_question_text_highlights_it_whatever_the_case_and_final_punctuation():
    assert named_questions('You answered "how clean" without a comment', STORE) == {"clean"}
    assert named_questions("Staff mood: say why it was flat.", STORE) == {"mood"}


def test_the_lead_of_a_question_text_before_a_colon_names_it():
    checklist = load_checklist(
        {
            **CHECKLIST,
            "sections": [
                {
                    "key": "s",
                    "title": "Checks",
                    "questions": [
                        {"key": "q1", "text": "Price check: did the shelf price match?", "type": "yes_no"},
                        {"key": "q2", "text": "Queue: how long?", "type": "number"},
                    ],
                }
            ],
        }
    )
    assert named_questions("Add a comment to the price check.", checklist) == {"q1"}
    assert named_questions("The queue was long", checklist) == set()  # a one-word lead names nothing


def test_a_section_named_as_a_section_highlights_all_its_questions_and_a_bare_title_does_not():
    assert named_questions("Please redo the At the till section", STORE) == {"price_ok", "wait", "mood", "notes"}
    assert named_questions("Section integrity: photos missing", DEMO) >= {"receipt_photo", "price_matched"}
    assert named_questions("The quality of your photo is poor", DEMO) == set()


def test_words_inside_other_words_and_empty_notes_name_nothing():
    assert named_questions("ungreeted waitlisted", STORE) == set()
    assert named_questions("", STORE) == set() and named_questions("   ", STORE) == set()
