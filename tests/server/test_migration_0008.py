"""Migration 0008 addresses the change rows written before it from the things they name."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server.extensions import db


def test_rows_written_before_the_upgrade_are_addressed_from_what_they_name(session, make):
    shopper = make.user("shopper")
    assignment = make.assignment(shopper=shopper)
    branch, region = assignment.branch, assignment.branch.region
    names = {
        "assignment": str(assignment.id),
        "branch": str(branch.id),
        "region": str(region.id),
        "visit": "00000000-0000-4000-8000-000000000000",
    }
    session.commit()
    shopper_id, region_id = shopper.id, region.id
    db.session.remove()
    downgrade(revision="0007")  # the revision before 0008
    with db.engine.begin() as conn:
        for entity, entity_id in names.items():
            conn.execute(
                text(
                    "INSERT INTO changes (entity, entity_id, op, changed_at) "
                    "VALUES (:e, :i, 'upsert', CURRENT_TIMESTAMP)"
                ),
                {"e": entity, "i": entity_id},
            )
    db.engine.dispose()
    upgrade()
    db.engine.dispose()
    with db.engine.connect() as conn:
        rows = {
            e: (u, r)
            for e, u, r in conn.execute(text("SELECT entity, audience_user_id, audience_region_id FROM changes"))
        }
    assert rows == {
        "assignment": (shopper_id, None),
        "branch": (None, region_id),
        "region": (None, region_id),
        "visit": (None, None),
    }  # a visit that no longer exists reaches nobody
