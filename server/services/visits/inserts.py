"""A new visit's rows written with one Core INSERT per table (visit, answers, section scores, photos, revision).

One ORM object per row cost more than the database did (issue 10): record_visit builds the column
values once and sends them as executemany batches. The column values are those the ORM objects
of rows.rows() would have written (rows.row_values).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import DeclarativeBase, make_transient_to_detached

from server.extensions import DbSession
from server.models import Answer, Photo, Visit, VisitRevision, VisitSectionScore
from shared.schemas import document_fingerprint, dump_visit
from shared.visit import Visit as VisitDoc


def _table(model: type[DeclarativeBase]) -> Table:
    """The model's Table: declarative types `__table__` as any FromClause, these models are each mapped to a Table."""
    return cast(Table, model.__table__)


INSERT_VISIT, INSERT_REVISION = insert(_table(Visit)), insert(_table(VisitRevision))
INSERT_ROWS = (insert(_table(Answer)), insert(_table(VisitSectionScore)), insert(_table(Photo)))
"""Built once: a statement made per visit also made its cache key per visit."""


def insert_visit_rows(
    session: DbSession,
    columns: dict,
    doc: VisitDoc,
    rows: tuple[list[dict], list[dict], list[dict]],
    submitted_at: datetime,
) -> None:
    """The visit row (`columns`), its answers, section scores and photos (`rows`, from rows.row_values) and its
    first revision, in the caller's transaction."""
    answers, sections, photos = rows
    document = dump_visit(doc)
    connection = session.connection()  # Core statements: the ORM's execution layer has nothing to add
    connection.execute(INSERT_VISIT, [columns])
    for statement, batch in zip(INSERT_ROWS, (answers, sections, photos)):
        if batch:
            connection.execute(statement, [{"visit_id": doc.id, **row} for row in batch])
    connection.execute(
        INSERT_REVISION,
        [
            {
                "visit_id": doc.id,
                "revision": 1,
                "base_revision": doc.base_revision,
                "content_hash": document_fingerprint(document),
                "document": document,
                "submitted_at": submitted_at,
            }
        ],
    )


def stored_visit(session: DbSession, columns: dict) -> Visit:
    """The Visit just inserted, as a persistent object of the session, without reading it back."""
    visit = Visit(**columns)
    make_transient_to_detached(visit)
    session.add(visit)
    return visit
