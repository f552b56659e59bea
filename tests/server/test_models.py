"""The data model holds the rules that no service may break."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from server.extensions import db
from server.models import PublishedVersionChanged, VersionStatus


def test_the_migrated_schema_matches_the_models(app):
    """Alembic built every table the models declare, on this database."""
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_a_published_version_cannot_be_edited(make, session):
    template = make.template()
    version = template.versions[0]
    version.definition = {**version.definition, "title": "Changed"}
    with pytest.raises(PublishedVersionChanged):
        session.commit()
    session.rollback()


def test_a_draft_version_can_be_edited_and_then_published(make, session):
    template = make.template(published=False)
    version = template.versions[0]
    version.definition = {**version.definition, "title": "Changed"}
    session.commit()
    version.status = VersionStatus.PUBLISHED
    session.commit()
    assert version.definition["title"] == "Changed"


def test_timestamps_come_back_as_aware_utc(make):
    user = make.user()
    assert user.created_at.tzinfo is not None
    assert user.created_at.utcoffset().total_seconds() == 0
