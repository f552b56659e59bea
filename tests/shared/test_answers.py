"""Answer validation: one test per rule of docs/checklist-format.md "Answer validation"."""

from __future__ import annotations

import uuid

import pytest

from shared.answers import validate_answers, validate_visit
from shared.schemas import load_visit
from shared.validation import load_checklist
from shared.visit import PhotoRef

from .factories import FULL_DOC, ans, choice, number, one, photo, q, scale

SHOW_IF_NO = {"question": "a", "in": ["no"]}


def paths(issues) -> list[str]:
    """Just the paths, for compact assertions."""
    return [issue.path for issue in issues]


def test_a_complete_valid_visit_has_no_issues():
    cl = load_checklist(FULL_DOC)
    answers = [
        ans("open_on_time", "no"),
        ans("why_closed", "Door locked", comment="Waited 10 min"),
        ans("cleanliness", 4),
        ans("greeting", na=True),
        ans("wait_minutes", 1.5),
        ans("inverted", "no"),
        ans("storefront", comment="Sunny"),
        ans("visit_date", "2026-11-20"),
        ans("visit_time", "09:30"),
    ]
    assert validate_answers(cl, answers, [photo("storefront")]) == []


def test_an_answer_to_an_unknown_question_is_rejected():
    issues = validate_answers(one(q("a")), [ans("a", "yes"), ans("ghost", "yes")])
    assert paths(issues) == ["answers[1].question"]
    assert issues[0].message == "answer 2: there is no question 'ghost' in this checklist"


def test_two_answers_to_one_question_are_rejected():
    issues = validate_answers(one(q("a")), [ans("a", "yes"), ans("a", "no")])
    assert paths(issues) == ["answers[1].question"]
    assert issues[0].message == "question 'a' (section 'main'): answered more than once (answers 1 and 2)"
    assert issues[0].question == "a"


WRONG_VALUES = [
    ("yes_no_maybe", q("x"), "maybe"),
    ("yes_no_true", q("x"), True),
    ("yes_no_1", q("x"), 1),
    ("choice_unknown_option", choice("x", ("a", 1)), "b"),
    ("choice_number", choice("x", ("a", 1)), 1),
    ("scale_above", scale("x", 1, 5), 6),
    ("scale_below", scale("x", 1, 5), 0),
    ("scale_string", scale("x"), "3"),
    ("scale_float", scale("x"), 3.0),
    ("scale_bool", scale("x", 0, 1), True),
    ("number_string", number("x"), "2"),
    ("number_bool", number("x"), False),
    ("number_below_min", number("x", min=0), -1),
    ("number_above_max", number("x", max=10), 10.5),
    ("text_number", q("x", "text"), 5),
    ("text_over_max_length", q("x", "text", max_length=3), "abcd"),
    ("date_month_13", q("x", "date"), "2026-13-01"),
    ("date_compact", q("x", "date"), "20261120"),
    ("date_unpadded", q("x", "date"), "2026-1-1"),
    ("date_feb_30", q("x", "date"), "2026-02-30"),
    ("time_24", q("x", "time"), "24:00"),
    ("time_unpadded", q("x", "time"), "9:30"),
    ("time_seconds", q("x", "time"), "09:30:00"),
    ("time_number", q("x", "time"), 930),
]


@pytest.mark.parametrize("question, value", [pytest.param(c[1], c[2], id=c[0]) for c in WRONG_VALUES])
def test_a_value_of_the_wrong_type_or_out_of_range_is_rejected(question, value):
    issues = validate_answers(one(question), [ans("x", value)])
    assert paths(issues) == ["answers[0].value"]
    assert issues[0].message.startswith("question 'x' (section 'main'): the answer must be")


RIGHT_VALUES = [
    ("yes_no", q("x"), "no"),
    ("choice", choice("x", ("a", 1)), "a"),
    ("scale_bounds", scale("x", 1, 5), 5),
    ("number_float", number("x"), 2.5),
    ("number_negative", number("x"), -3),
    ("number_at_max", number("x", max=10), 10),
    ("text", q("x", "text"), "Ça va, 東京"),
    ("text_at_max_length", q("x", "text", max_length=3), "abc"),
    ("date_leap_day", q("x", "date"), "2028-02-29"),
    ("time", q("x", "time"), "23:59"),
]


@pytest.mark.parametrize("question, value", [pytest.param(c[1], c[2], id=c[0]) for c in RIGHT_VALUES])
def test_a_value_of_the_right_type_and_range_is_accepted(question, value):
    assert validate_answers(one(question), [ans("x", value)]) == []


def test_na_where_not_allowed_is_rejected():
    issues = validate_answers(one(q("a")), [ans("a", na=True)])
    assert paths(issues) == ["answers[0].na"]
    assert "N/A is not allowed" in issues[0].message


def test_na_where_allowed_is_accepted_and_satisfies_required():
    assert validate_answers(one(q("a", allow_na=True, required=True)), [ans("a", na=True)]) == []


def test_an_empty_answer_entry_with_no_value_na_or_comment_is_rejected():
    issues = validate_answers(one(q("a")), [ans("a")])
    assert paths(issues) == ["answers[0].value"]
    assert "no value, N/A or comment" in issues[0].message


def test_a_comment_without_an_answer_is_kept_as_unanswered():
    assert validate_answers(one(q("a")), [ans("a", comment="noted before answering")]) == []


def test_a_comment_without_an_answer_does_not_satisfy_a_required_question():
    issues = validate_answers(one(q("a", required=True)), [ans("a", comment="noted before answering")])
    assert paths(issues) == ["answers"]
    assert "is required but has no answer" in issues[0].message


def test_a_comment_on_a_question_that_became_hidden_does_not_block_the_visit():
    checklist = one(q("a"), q("b", visible_if={"question": "a", "in": ["yes"]}))
    assert validate_answers(checklist, [ans("a", "no"), ans("b", comment="written while it was shown")]) == []


def test_an_answer_with_both_value_and_na_is_rejected():
    issues = validate_answers(one(q("a", allow_na=True)), [ans("a", "yes", na=True)])
    assert paths(issues) == ["answers[0].value"]
    assert "either a value or N/A, not both" in issues[0].message


def test_a_required_visible_question_without_an_answer_is_rejected():
    issues = validate_answers(one(q("a", required=True), q("b")), [ans("b", "yes")])
    assert paths(issues) == ["answers"]
    assert issues[0].message == "question 'a' (section 'main'): is required but has no answer"
    assert issues[0].question == "a"


def test_a_blank_text_does_not_answer_a_required_question():
    issues = validate_answers(one(q("t", "text", required=True)), [ans("t", "  \n ")])
    assert paths(issues) == ["answers"]


def test_a_required_hidden_question_may_stay_unanswered():
    cl = one(q("a"), q("b", required=True, visible_if=SHOW_IF_NO))
    assert validate_answers(cl, [ans("a", "yes")]) == []
    assert paths(validate_answers(cl, [ans("a", "no")])) == ["answers"]


def test_answers_to_hidden_questions_are_accepted():
    cl = one(q("a"), q("b", visible_if=SHOW_IF_NO))
    assert validate_answers(cl, [ans("a", "yes"), ans("b", "yes")]) == []


def test_answers_to_hidden_questions_must_still_have_a_valid_value():
    cl = one(q("a"), scale("b", visible_if=SHOW_IF_NO))
    assert paths(validate_answers(cl, [ans("a", "yes"), ans("b", 99)])) == ["answers[1].value"]


@pytest.mark.parametrize(
    "required, min_photos, count, need",
    [
        (True, 0, 0, 1),
        (True, 2, 1, 2),
        (False, 2, 1, 2),
        (True, 3, 0, 3),
    ],
    ids=["required_needs_one", "required_needs_min", "optional_with_some_needs_min", "required_with_none"],
)
def test_too_few_photos_for_a_photo_question_are_rejected(required, min_photos, count, need):
    cl = one(q("p", "photo", required=required, min_photos=min_photos))
    issues = validate_answers(cl, [], [photo("p") for _ in range(count)])
    assert paths(issues) == ["photos"]
    assert (
        issues[0].message
        == f"question 'p' (section 'main'): needs at least {need} photo{'s' * (need > 1)}, has {count}"
    )


@pytest.mark.parametrize(
    "question, answers, count",
    [
        (q("p", "photo", min_photos=2), [], 0),
        (q("p", "photo", required=True, min_photos=2), [], 2),
        (q("p", "photo", required=True, allow_na=True, min_photos=2), [ans("p", na=True)], 0),
    ],
    ids=["optional_without_photos", "required_with_enough", "na"],
)
def test_enough_photos_or_none_needed_is_fine(question, answers, count):
    assert validate_answers(one(question), answers, [photo("p") for _ in range(count)]) == []


def test_a_hidden_photo_question_needs_no_photos():
    cl = one(q("a"), q("p", "photo", required=True, visible_if=SHOW_IF_NO))
    assert validate_answers(cl, [ans("a", "yes")]) == []


def test_a_photo_question_takes_a_comment_but_no_value():
    cl = one(q("p", "photo"))
    assert validate_answers(cl, [ans("p", comment="Dark inside")], [photo("p")]) == []
    issues = validate_answers(cl, [ans("p", "pic.jpg")], [photo("p")])
    assert paths(issues) == ["answers[0].value"]
    assert "takes no value" in issues[0].message


def test_a_photo_naming_an_unknown_question_is_rejected():
    issues = validate_answers(one(q("a")), [ans("a", "yes")], [photo("ghost")])
    assert paths(issues) == ["photos[0].question"]


def test_a_photo_naming_a_question_that_is_not_a_photo_question_is_rejected():
    issues = validate_answers(one(q("a")), [ans("a", "yes")], [photo("a")])
    assert paths(issues) == ["photos[0].question"]
    assert "is a yes_no question and takes no photos" in issues[0].message


def test_two_photos_with_the_same_id_are_rejected():
    first = photo("p")
    twin = PhotoRef(first.id, "p", "b" * 64, 99, "image/png")
    issues = validate_answers(one(q("p", "photo")), [], [first, twin, photo("p")])
    assert paths(issues) == ["photos[1].id"]


def test_all_answer_problems_are_reported_together():
    cl = one(q("a"), scale("s"), q("r", required=True), q("p", "photo", required=True))
    answers = [ans("ghost", 1), ans("a", na=True), ans("s", 9), ans("s", 3)]
    assert paths(validate_answers(cl, answers, [PhotoRef(uuid.uuid4(), "a", "c" * 64, 1, "image/jpeg")])) == [
        "answers[0].question",
        "answers[1].na",
        "answers[2].value",
        "answers[3].question",
        "photos[0].question",
        "answers",
        "photos",
    ]


def test_validate_visit_checks_a_loaded_visit():
    cl = one(q("a", required=True))
    visit = load_visit(
        {
            "id": str(uuid.uuid4()),
            "template_version_id": 1,
            "branch_id": 1,
            "started_at": "2026-11-20T09:00:00Z",
            "finished_at": "2026-11-20T09:30:00Z",
            "answers": [{"question": "a", "value": "maybe"}],
        }
    )
    assert paths(validate_visit(cl, visit)) == ["answers[0].value"]
