"""The change log behind sync pulls: services append a row whenever something a phone may hold changes."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Change

ENTITIES = frozenset({"template_version", "branch", "region", "assignment", "user"})
OPERATIONS = frozenset({"upsert", "delete"})


def record_change(session: Session, entity: str, entity_id: object, op: str = "upsert") -> Change:
    """Append one change (not committed: it rides in the caller's transaction, so it exists iff the change does)."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown change entity {entity!r}; expected one of {sorted(ENTITIES)}")
    if op not in OPERATIONS:
        raise ValueError(f"unknown change op {op!r}; expected one of {sorted(OPERATIONS)}")
    change = Change(entity=entity, entity_id=str(entity_id), op=op)
    session.add(change)
    return change
