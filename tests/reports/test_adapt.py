"""shared's checklist, answers and score become report rows: option labels, N/A, photos, critical failures."""

from __future__ import annotations

from reports.adapt import answer_text, visit_rows
from shared.checklist import Question
from shared.scoring import score_visit
from shared.visit import Answer
from tests.reports.samples import ANSWERS, CHECKLIST


def test_answers_print_as_a_reader_expects():
    yes_no = Question(key="q", text="?", type="yes_no")
    scale = Question(key="s", text="?", type="scale", min=1, max=5, labels=((5, "Warm"),))
    assert answer_text(yes_no, Answer("q", "yes")) == "Yes"
    assert answer_text(yes_no, Answer("q", na=True)) == "N/A"
    assert answer_text(yes_no, None) == ""
    assert answer_text(scale, Answer("s", 5)) == "5 (Warm) on 1–5"
    assert answer_text(scale, Answer("s", 3)) == "3 on 1–5"
    assert answer_text(CHECKLIST.question("know"), Answer("know", "ok")) == "Knew the basics"
    assert answer_text(CHECKLIST.question("front"), None, photo_count=2) == "2 photos"


def test_visit_rows_carry_the_scores_shared_computed_and_list_the_critical_failures():
    score = score_visit(CHECKLIST, ANSWERS)
    sections, questions, failures = visit_rows(CHECKLIST, score, ANSWERS)
    assert [(s.title, s.percent) for s in sections] == [(s.title, s.percent) for s in score.sections]
    assert len(questions) == sum(1 for q in score.questions if q.status != "hidden")
    assert [f.question_text for f in failures] == [CHECKLIST.question("price").text]
    price = next(q for q in questions if q.text == CHECKLIST.question("price").text)
    assert price.critical and price.critical_failure and price.answer_text == "No" and "29.90" in price.comment
