"""The change log only takes entities and operations the sync pull understands, each row addressed to someone."""

from __future__ import annotations

import pytest

from server.services.sync.changes import change_row, record_change


def test_a_change_rides_in_the_callers_transaction(session, make):
    change = record_change(session, "branch", 12, "upsert", region=make.region().id)
    session.rollback()
    assert change.seq is None


def test_changes_get_increasing_sequence_numbers(session, make):
    region, shopper = make.region(), make.user("shopper")
    first = record_change(session, "branch", 1, region=region.id)
    second = record_change(session, "assignment", "0f8fad5b-d9cb-469f-a165-70867728950e", "delete", audience=shopper.id)
    session.commit()
    assert second.seq > first.seq
    assert (second.entity_id, second.op, second.audience_user_id) == (
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "delete",
        shopper.id,
    )
    assert first.audience_region_id == region.id


@pytest.mark.parametrize("entity, op", [("visit_photo", "upsert"), ("branch", "replace")])
def test_unknown_entities_and_operations_are_refused(session, entity, op):
    with pytest.raises(ValueError):
        record_change(session, entity, 1, op, audience=1)


@pytest.mark.parametrize("entity", ["visit", "assignment", "user", "branch", "region"])
def test_a_change_addressed_to_nobody_is_refused(entity):
    with pytest.raises(ValueError, match="addressed"):
        change_row(entity, 1)


def test_only_a_published_version_may_go_to_everyone_and_branches_may_go_to_one_user():
    assert change_row("template_version", 7)["audience_user_id"] is None
    assert change_row("branch", 3, audience=5)["audience_user_id"] == 5
    assert change_row("visit", "x", audience=5)["audience_region_id"] is None
