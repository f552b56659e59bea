"""The checklist pages' blueprint (admins only) and the template helpers its pages use."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from server.http.access import login_required_role
from server.web.checklists.common import question_count

bp = Blueprint("checklists", __name__, url_prefix="/builder")


@bp.before_request
@login_required_role("admin")
def _admins_only():
    """Every builder page and endpoint is for admins only."""
    return None


@bp.app_template_global("builder_question_count")
def _question_count(definition: dict) -> int:
    return question_count(definition)


@bp.app_template_filter("b_pair")
def _pair(value: str) -> tuple[str, str]:
    return value, value


@bp.app_template_filter("b_question")
def _question_choice(question: dict) -> tuple[Any, str]:
    text = question.get("text") or ""
    return question.get("key"), f"{question.get('key')}: {text[:60]}"
