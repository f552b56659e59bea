"""The change log only takes entities and operations the sync pull understands."""
from __future__ import annotations

import pytest

from server.services.changes import record_change


def test_a_change_rides_in_the_callers_transaction(session):
    change = record_change(session, "branch", 12, "upsert")
    session.rollback()
    assert change.seq is None


def test_changes_get_increasing_sequence_numbers(session):
    first = record_change(session, "branch", 1)
    second = record_change(session, "assignment", "0f8fad5b-d9cb-469f-a165-70867728950e", "delete")
    session.commit()
    assert second.seq > first.seq
    assert (second.entity_id, second.op) == ("0f8fad5b-d9cb-469f-a165-70867728950e", "delete")


@pytest.mark.parametrize("entity, op", [("visit_photo", "upsert"), ("branch", "replace")])
def test_unknown_entities_and_operations_are_refused(session, entity, op):
    with pytest.raises(ValueError):
        record_change(session, entity, 1, op)
