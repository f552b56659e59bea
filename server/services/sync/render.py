"""The current state of the things a pull page names, loaded in one query per kind and shaped for the wire.

Shared by the incremental pages (sync_changes.py) and the snapshot (sync_snapshot.py), so both
send exactly the same `data` for the same thing (docs/sync-protocol.md gives the shapes).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from server.extensions import DbSession
from server.models import Assignment, Branch, TemplateVersion, VersionStatus, Visit, VisitRevision
from server.permissions import MAX_INT_ID
from server.services.visits.state import missing_photos, visit_change_data


def entity_key(entity: str, entity_id: str):
    """The id of a change row as its table's key type, or None when it cannot name a row."""
    try:
        if entity in ("assignment", "visit"):
            return uuid.UUID(entity_id)
        number = int(entity_id)
        return number if 0 < number <= MAX_INT_ID else None
    except ValueError:
        return None


class Loaded:
    """Things by kind and id, plus what rendering them needs (visit documents, missing photos, newest versions)."""

    def __init__(self) -> None:
        self.things: dict[str, dict] = {}
        self.documents: dict[uuid.UUID, dict | None] = {}
        self.missing: dict[uuid.UUID, list[str]] = {}
        self.latest: dict[int, int] = {}
        self.every_version_seen = False  # `latest` holds every checklist with a published version: no query needed

    def get(self, entity: str, key):
        """The loaded thing, or None when it does not exist (any more)."""
        return self.things.get(entity, {}).get(key)

    def add(self, session: DbSession, entity: str, objects: Iterable) -> list:
        """Register things loaded elsewhere (the snapshot's own queries), completing what rendering them needs."""
        objects = list(objects)
        self.things.setdefault(entity, {}).update((obj.id, obj) for obj in objects)
        if entity == "assignment" and not self.every_version_seen:
            self.latest.update(latest_versions(session, {a.template_id for a in objects} - set(self.latest)))
        if entity == "visit":
            self.missing.update(missing_photos(session, [v.id for v in objects]))
        return objects


def visits_with_documents(session: DbSession, query, loaded: Loaded) -> list[Visit]:
    """Run a SELECT of visits joined to their current revision, keeping each document in `loaded.documents`."""
    visits = []
    for visit, document in session.execute(
        query.add_columns(VisitRevision.document).outerjoin(
            VisitRevision, and_(VisitRevision.visit_id == Visit.id, VisitRevision.revision == Visit.revision)
        )
    ):
        loaded.documents[visit.id] = document
        visits.append(visit)
    return visits


def load(session: DbSession, wanted: dict[str, set]) -> Loaded:
    """The things named by a page of change rows: one query per kind, one for missing photos, one for versions."""
    loaded = Loaded()
    for entity, ids in wanted.items():
        objects: Iterable[object]
        if entity == "visit":
            objects = visits_with_documents(session, select(Visit).where(Visit.id.in_(ids)), loaded)
        elif entity == "branch":
            objects = session.scalars(select(Branch).where(Branch.id.in_(ids)).options(joinedload(Branch.region)))
        else:
            model = TemplateVersion if entity == "template_version" else Assignment
            objects = session.scalars(select(model).where(model.id.in_(ids)))
        loaded.add(session, entity, objects)
    return loaded


def latest_versions(session: DbSession, template_ids: set[int]) -> dict[int, int]:
    """The newest published version id of each checklist (the one new visits start on)."""
    if not template_ids:
        return {}
    return newest_of(
        session.execute(
            select(TemplateVersion.template_id, TemplateVersion.number, TemplateVersion.id).where(
                TemplateVersion.template_id.in_(template_ids), TemplateVersion.status == VersionStatus.PUBLISHED
            )
        )
    )


def newest_of(published: Iterable[tuple[int, int, int]]) -> dict[int, int]:
    """Per checklist, the id of the highest-numbered of these published (template_id, number, id) versions."""
    latest: dict[int, tuple[int, int]] = {}
    for template_id, number, version_id in published:
        if number > latest.get(template_id, (0, 0))[0]:
            latest[template_id] = (number, version_id)
    return {template_id: version_id for template_id, (_, version_id) in latest.items()}


def upsert(entity: str, obj, loaded: Loaded) -> dict:
    """The change that sends a thing's current state."""
    return {"entity": entity, "id": str(obj.id), "op": "upsert", "data": data(entity, obj, loaded)}


def data(entity: str, obj, loaded: Loaded) -> dict:
    """The current state of one thing, in the shape docs/sync-protocol.md gives for its entity."""
    if entity == "template_version":
        return {"id": obj.id, "template_id": obj.template_id, "number": obj.number, "definition": obj.definition}
    if entity == "branch":
        region = obj.region
        return {
            "id": obj.id,
            "code": obj.code,
            "name": obj.name,
            "address": obj.address,
            "latitude": obj.latitude,
            "longitude": obj.longitude,
            "region": {"id": region.id, "code": region.code, "name": region.name},
        }
    if entity == "assignment":
        return {
            "id": str(obj.id),
            "branch_id": obj.branch_id,
            "template_id": obj.template_id,
            "template_version_id": loaded.latest.get(obj.template_id),
            "due_from": obj.due_from.isoformat(),
            "due_to": obj.due_to.isoformat(),
            "status": obj.status.value,
            "notes": obj.notes,
        }
    return visit_change_data(obj, loaded.documents.get(obj.id), loaded.missing.get(obj.id, []))
