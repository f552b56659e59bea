"""Answer validation against the pinned checklist version (docs/checklist-format.md, "Answer validation")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .checklist import Checklist, Question
from .errors import Issue, shorten
from .question_types import takes_photos
from .values import is_blank, value_error
from .visibility import answers_by_question, visible_questions
from .visit import Answer, PhotoRef, Visit


def _name(checklist: Checklist, question: Question) -> str:
    """How messages name a question: question 'key' (section 'key')."""
    return f"question '{question.key}' (section '{checklist.section_of(question.key).key}')"


def _answer_issues(checklist: Checklist, index: int, answer: Answer, first_seen: dict[str, int]) -> list[Issue]:
    """Problems of one answer entry on its own."""
    path = f"answers[{index}]"
    if not checklist.has_question(answer.question):
        return [
            Issue(
                f"{path}.question",
                f"answer {index + 1}: there is no question '{shorten(answer.question)}' in this checklist",
                answer.question,
            )
        ]
    question = checklist.question(answer.question)
    name, key = _name(checklist, question), question.key
    if key in first_seen:
        return [
            Issue(
                f"{path}.question",
                f"{name}: answered more than once (answers {first_seen[key] + 1} and {index + 1})",
                key,
            )
        ]
    first_seen[key] = index
    issues = []
    if answer.na and not question.allow_na:
        issues.append(Issue(f"{path}.na", f"{name}: N/A is not allowed for this question", key))
    if answer.na and answer.value is not None:
        issues.append(Issue(f"{path}.value", f"{name}: an answer is either a value or N/A, not both", key))
    elif answer.value is None and not answer.na and not answer.comment and not takes_photos(question.type):
        # A comment alone is kept as "unanswered, with a comment" (a shopper may note before answering).
        issues.append(Issue(f"{path}.value", f"{name}: the answer has no value, N/A or comment", key))
    elif answer.value is not None:
        problem = value_error(question, answer.value)
        if problem:
            issues.append(Issue(f"{path}.value", f"{name}: the answer {problem}", key))
    return issues


def _photo_issues(checklist: Checklist, photos: Sequence[PhotoRef]) -> list[Issue]:
    """Problems of the photo manifest entries on their own."""
    issues: list[Issue] = []
    seen: dict[object, int] = {}
    for index, photo in enumerate(photos):
        path = f"photos[{index}]"
        if photo.id in seen:
            issues.append(
                Issue(
                    f"{path}.id", f"photo {index + 1}: the same photo id as photo {seen[photo.id] + 1}", photo.question
                )
            )
        seen.setdefault(photo.id, index)
        if not checklist.has_question(photo.question):
            issues.append(
                Issue(
                    f"{path}.question",
                    f"photo {index + 1}: there is no question '{shorten(photo.question)}' in this checklist",
                    photo.question,
                )
            )
        elif not takes_photos((question := checklist.question(photo.question)).type):
            issues.append(
                Issue(
                    f"{path}.question",
                    f"photo {index + 1}: {_name(checklist, question)} is a "
                    f"{question.type} question and takes no photos",
                    question.key,
                )
            )
    return issues


def _completeness_issues(checklist: Checklist, answers: Sequence[Answer], photos: Sequence[PhotoRef]) -> list[Issue]:
    """Required visible questions without an answer, and photo questions with too few photos."""
    by_key = answers_by_question(answers)
    shown = visible_questions(checklist, by_key)
    counts = Counter(photo.question for photo in photos)
    issues = []
    for question in checklist.questions():
        answer = by_key.get(question.key)
        if question.key not in shown or (answer is not None and answer.na):
            continue
        name = _name(checklist, question)
        if takes_photos(question.type):
            have, least = counts[question.key], question.min_photos or 0
            need = max(least, 1) if question.required else least if have else 0
            if have < need:
                issues.append(
                    Issue("photos", f"{name}: needs at least {need} photo{'s' * (need != 1)}, has {have}", question.key)
                )
        elif question.required and (answer is None or is_blank(answer.value)):
            issues.append(Issue("answers", f"{name}: is required but has no answer", question.key))
    return issues


def validate_answers(checklist: Checklist, answers: Sequence[Answer], photos: Sequence[PhotoRef] = ()) -> list[Issue]:
    """Every problem of a visit's answers and photo manifest against its checklist version (empty = valid)."""
    first_seen: dict[str, int] = {}
    issues = [
        issue for index, answer in enumerate(answers) for issue in _answer_issues(checklist, index, answer, first_seen)
    ]
    return issues + _photo_issues(checklist, photos) + _completeness_issues(checklist, answers, photos)


def validate_visit(checklist: Checklist, visit: Visit) -> list[Issue]:
    """validate_answers for a loaded visit; one that could not be completed has no answers to require (the shape
    check already refused any it carried)."""
    if not visit.outcome.completed:
        return []
    return validate_answers(checklist, visit.answers, visit.photos)
