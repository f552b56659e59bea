"""Fieldaudit domain: checklists, answer validation, scoring and the sync wire format (pure Python)."""

from .answers import validate_visit
from .question_types import SPECS, QuestionType, QuestionTypeSpec
from .scoring import score_visit
from .validation import load_checklist, validate_checklist
from .visit_schema import load_visit

__all__ = [
    "SPECS",
    "QuestionType",
    "QuestionTypeSpec",
    "load_checklist",
    "load_visit",
    "score_visit",
    "validate_checklist",
    "validate_visit",
]
