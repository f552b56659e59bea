"""Turn shared's checklist, answers and VisitScore into visit-report rows, so the server and the samples print answers alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from shared.checklist import Checklist, Question, Scalar
from shared.question_types import QuestionType
from shared.scoring import VisitScore
from shared.visibility import answers_by_question
from shared.visit import Answer

from .data import CriticalFailure, PhotoThumb, QuestionRow, SectionRow

AnswerText = Callable[[Question, Answer | None, int], str]
"""How a report prints one answer: (question, answer or None, photo count) -> text."""


def answer_text(question: Question, answer: Answer | None, photo_count: int = 0) -> str:
    """An answer as a reader should see it: option labels, "Yes"/"No", "4 (Good) on 1–5", "N/A", "" when unanswered."""
    return ANSWER_TEXT_BY_TYPE.get(question.type, _value_text)(question, answer, photo_count)


def _photos_text(question: Question, answer: Answer | None, photo_count: int) -> str:
    """How many photos were taken ("" for none)."""
    return f"{photo_count} photo{'s' if photo_count != 1 else ''}" if photo_count else ""


def _answered(typed: Callable[[Question, Scalar], str | None]) -> AnswerText:
    """An answer text that says "N/A", "" or the chosen option's label, else what ``typed`` says, else the value."""

    def text(question: Question, answer: Answer | None, photo_count: int) -> str:
        if answer is None:
            return ""
        if answer.na:
            return "N/A"
        value = answer.value
        if value is None:
            return ""
        option = question.option(value)
        if option is not None:
            return option.label
        shown = typed(question, value)
        if shown is not None:
            return shown
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value)

    return text


def _yes_no(question: Question, value: Scalar) -> str | None:
    return ("Yes" if value == "yes" else "No") if value in ("yes", "no") else None


def _scale(question: Question, value: Scalar) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    named = question.label_for(value)
    scale = f"on {question.min}–{question.max}"
    return f"{value} ({named}) {scale}" if named else f"{value} {scale}"


def _as_given(question: Question, value: Scalar) -> str | None:
    return None


_value_text = _answered(_as_given)

ANSWER_TEXT_BY_TYPE: dict[QuestionType, AnswerText] = {
    QuestionType.YES_NO: _answered(_yes_no),
    QuestionType.CHOICE: _value_text,
    QuestionType.SCALE: _answered(_scale),
    QuestionType.NUMBER: _value_text,
    QuestionType.TEXT: _value_text,
    QuestionType.PHOTO: _photos_text,
    QuestionType.DATE: _value_text,
    QuestionType.TIME: _value_text,
}
"""How a report prints an answer to each question type."""


def visit_rows(
    checklist: Checklist,
    score: VisitScore,
    answers: Iterable[Answer],
    photos: Mapping[str, Sequence[PhotoThumb]] | None = None,
    include_hidden: bool = False,
) -> tuple[list[SectionRow], list[QuestionRow], list[CriticalFailure]]:
    """Section rows, question rows (hidden ones left out unless asked) and critical failures of one scored visit.

    photos maps question key -> thumbnails (the caller loads the bytes); the score must come from this checklist.
    """
    photos = photos or {}
    by_key = answers_by_question(answers)
    sections = [
        SectionRow(title=s.title, percent=s.percent, earned=s.earned, possible=s.possible) for s in score.sections
    ]
    questions: list[QuestionRow] = []
    failures: list[CriticalFailure] = []
    for qs in score.questions:
        if not checklist.has_question(qs.key) or (qs.status == "hidden" and not include_hidden):
            continue
        question, section = checklist.question(qs.key), checklist.section_of(qs.key)
        answer = by_key.get(qs.key)
        comment = answer.comment if answer is not None else ""
        thumbs = tuple(photos.get(qs.key, ()))
        questions.append(
            QuestionRow(
                section_title=section.title,
                text=question.text,
                answer_text=answer_text(question, answer, len(thumbs)),
                status=qs.status,
                earned=qs.earned,
                possible=qs.possible,
                comment=comment,
                critical=question.critical,
                critical_failure=qs.critical_failure,
                photos=thumbs,
                key=qs.key,
            )
        )
        if qs.critical_failure:
            failures.append(CriticalFailure(question_text=question.text, section_title=section.title, comment=comment))
    return sections, questions, failures
