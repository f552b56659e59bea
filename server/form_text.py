"""Every web form's fields through shared.text's rule, the same rule as the API's.

Pages that show their form again (marked ``@shows_text_errors``) call ``form_text_errors()`` and put the
messages next to the fields, keeping everything else the user typed. Any other form post, and any query
string, carrying text the rule refuses is answered 422 by ``refuse_unclean_text`` before the view runs,
so no form can slip such text into the database, a CSV, a PDF or a log line by being forgotten here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from shared.text import text_problem

LABELS = {
    "note": "Note",
    "notes": "Notes",
    "help": "Help text",
    "text": "Question text",
    "labels": "Scale labels",
    "visible_if_values": "Answers that show this question",
    "visible_if_question": "Shown when question",
    "pass_value": "Pass value",
    "pass_op": "Pass rule",
    "template_id": "Template",
    "confirm": "Repeated password",
    "csrf_token": "Form token",
}


def field_label(name: str) -> str:
    """How a message names a form field: its label where we know it, else its name in words."""
    if name.startswith(("a-", "na-")):
        return f"The answer to '{name.partition('-')[2]}'"
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def form_text_errors(form: MultiDict | None = None) -> dict[str, list[str]]:
    """field -> ["<Label> must not contain ..."] for every value of the form (default: the posted one) refused."""
    form = request.form if form is None else form
    errors: dict[str, list[str]] = {}
    for name, value in form.items(multi=True):
        problem = text_problem(value)
        message = f"{field_label(name)} {problem}."
        if problem and message not in errors.get(name, []):
            errors.setdefault(name, []).append(message)
    return errors


class TextCheckedForm(FlaskForm):
    """A Flask-WTF form whose every field must also pass the rule; the message goes on the field that failed."""

    def validate(self, extra_validators=None) -> bool:
        """WTForms' validation, then the text rule on what was typed into each field."""
        valid = super().validate(extra_validators)
        for field in self:
            for value in field.raw_data or ():
                problem = text_problem(value) if isinstance(value, str) else None
                if problem:
                    field.errors = [*field.errors, f"{field.label.text} {problem}."]
                    valid = False
                    break
        return valid


def with_form_text_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """``errors`` (a view's own field errors) with form_text_errors() added to them."""
    for name, messages in form_text_errors().items():
        errors.setdefault(name, []).extend(messages)
    return errors


def shows_text_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that calls form_text_errors() and shows the messages on its own form."""
    view.shows_text_errors = True  # type: ignore[attr-defined]
    return view


def refuse_unclean_text():
    """Before any web view: refused text in the query string, or in a form the view does not re-show, is a 422."""
    if request.path.startswith("/api/") or request.endpoint == "static":
        return None  # the API's schemas apply the same rule and answer with field paths
    view = current_app.view_functions.get(request.endpoint or "")
    problems = form_text_errors(request.args)
    if not getattr(view, "shows_text_errors", False):
        problems.update(form_text_errors(request.form))
    if problems:
        messages = " ".join(message for field in problems.values() for message in field)
        abort(422, f"Nothing was saved. {messages} Go back, remove it and try again.")
    return None


def init_app(app: Flask) -> None:
    """Run the guard before every request."""
    app.before_request(refuse_unclean_text)
