"""visible_if: which questions a visit shows (shared by answer validation and scoring)."""

from __future__ import annotations

from shared.visibility import answers_by_question, visible_questions

from .factories import ans, number, one, q, scale


def test_questions_without_conditions_are_always_visible():
    assert visible_questions(one(q("a"), q("b")), []) == {"a", "b"}


def test_a_condition_shows_its_question_only_for_listed_values():
    cl = one(q("a"), q("b", visible_if={"question": "a", "in": ["no"]}))
    assert visible_questions(cl, [ans("a", "no")]) == {"a", "b"}
    assert visible_questions(cl, [ans("a", "yes")]) == {"a"}


def test_an_unanswered_or_na_source_hides_the_question():
    cl = one(q("a", allow_na=True), q("b", visible_if={"question": "a", "in": ["no"]}))
    assert visible_questions(cl, []) == {"a"}
    assert visible_questions(cl, [ans("a", na=True)]) == {"a"}


def test_a_hidden_source_hides_its_dependants_even_with_a_stale_answer():
    cl = one(
        q("a"), q("b", visible_if={"question": "a", "in": ["no"]}), q("c", visible_if={"question": "b", "in": ["yes"]})
    )
    assert visible_questions(cl, [ans("a", "yes"), ans("b", "yes")]) == {"a"}
    assert visible_questions(cl, [ans("a", "no"), ans("b", "yes")]) == {"a", "b", "c"}


def test_values_match_by_json_type_not_python_equality():
    cl = one(
        number("n"),
        q("b", visible_if={"question": "n", "in": [1]}),
        scale("s", 0, 5),
        q("c", visible_if={"question": "s", "in": [3]}),
    )
    assert "b" not in visible_questions(cl, [ans("n", True)])
    assert "b" in visible_questions(cl, [ans("n", 1.0)])
    assert "c" not in visible_questions(cl, [ans("s", "3")])
    assert "c" in visible_questions(cl, [ans("s", 3)])


def test_the_first_of_duplicate_answers_decides():
    assert answers_by_question([ans("a", "yes"), ans("a", "no")])["a"].value == "yes"
    cl = one(q("a"), q("b", visible_if={"question": "a", "in": ["no"]}))
    assert visible_questions(cl, [ans("a", "yes"), ans("a", "no")]) == {"a"}


def test_a_mapping_of_answers_is_accepted_too():
    cl = one(q("a"), q("b", visible_if={"question": "a", "in": ["no"]}))
    assert visible_questions(cl, {"a": ans("a", "no")}) == {"a", "b"}
