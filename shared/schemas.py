"""Every marshmallow schema of the wire format in one import: checklist documents and completed visits."""

from .checklist_schema import (
    ChecklistSchema,
    OptionSchema,
    PassRuleSchema,
    QuestionSchema,
    SectionSchema,
    StrictSchema,
    VisibleIfSchema,
    dump_checklist,
)
from .visit_schema import (
    AnswerSchema,
    LocationSchema,
    PhotoRefSchema,
    VisitSchema,
    document_fingerprint,
    dump_visit,
    load_visit,
    visit_fingerprint,
    visit_issues,
)

__all__ = [
    "AnswerSchema",
    "ChecklistSchema",
    "LocationSchema",
    "OptionSchema",
    "PassRuleSchema",
    "PhotoRefSchema",
    "QuestionSchema",
    "SectionSchema",
    "StrictSchema",
    "VisibleIfSchema",
    "VisitSchema",
    "document_fingerprint",
    "dump_checklist",
    "dump_visit",
    "load_visit",
    "visit_fingerprint",
    "visit_issues",
]
