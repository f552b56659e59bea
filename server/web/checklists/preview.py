"""Checklist builder: the checklist as a shopper sees it, and the score shared.scoring gives a filled-in preview."""

from __future__ import annotations

import json

from flask import render_template, request

from server.form_text import form_text_errors, shows_text_errors
from server.web.checklists.blueprint import bp
from server.web.checklists.common import version_or_404
from server.web.checklists.forms import FORM_TYPES_BY_TYPE
from shared.answers import validate_answers
from shared.checklist import Checklist, Question
from shared.errors import ChecklistInvalid
from shared.question_types import takes_photos
from shared.scoring import score_visit
from shared.validation import load_checklist
from shared.visit import Answer


def _typed(question: Question, text: str):
    """A form value as the question's answers are typed (a scale is a whole number, a number a number)."""
    form_type = FORM_TYPES_BY_TYPE.get(question.type)
    return text if form_type is None else form_type.preview_value(text)


def answers_from(checklist: Checklist, form) -> list[Answer]:
    """The preview form's answers: `a-<key>` holds the value, `na-<key>` marks N/A."""
    answers = []
    for question in checklist.questions():
        if form.get(f"na-{question.key}") == "1":
            answers.append(Answer(question.key, na=True))
        elif not takes_photos(question.type) and (text := form.get(f"a-{question.key}", "").strip()):
            answers.append(Answer(question.key, _typed(question, text)))
    return answers


def _condition(question: Question) -> str:
    """The visible_if condition as JSON for the preview's script."""
    if question.visible_if is None:
        return ""
    return json.dumps({"question": question.visible_if.question, "in": list(question.visible_if.values)})


@bp.route("/versions/<int:version_id>/preview", methods=["GET", "POST"])
@shows_text_errors
def preview(version_id: int):
    """Fill the checklist in as a shopper would; POST shows the score by section and in total."""
    version = version_or_404(version_id)
    try:
        checklist = load_checklist(version.definition)
    except ChecklistInvalid as exc:
        return render_template("checklists/preview.html", version=version, checklist=None, issues=exc.issues), 422
    score, problems, errors = None, [], form_text_errors() if request.method == "POST" else {}
    if request.method == "POST" and not errors:
        answers = answers_from(checklist, request.form)
        score = score_visit(checklist, answers)
        problems = validate_answers(checklist, answers)
    return render_template(
        "checklists/preview.html",
        version=version,
        checklist=checklist,
        issues=[],
        score=score,
        problems=problems,
        errors=errors,
        form=request.form,
        condition=_condition,
    ), 422 if errors else 200
