"""What backup tests read from an instance: every row of every table, and the hashes of the photo bytes it stores."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Connection

from server.storage import BLOCK_SIZE, NotStored, PhotoStorage

PER_VISIT_TABLES = ("visits", "visit_revisions", "answers", "visit_section_scores", "photos")


def every_row(connection: Connection, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows (all columns, in a stable order), read through SQLAlchemy so both engines compare alike."""
    from server.extensions import db

    return {
        table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
        for table in db.metadata.sorted_tables
        if tables is None or table.name in tables
    }


def rows_at(database_url: str, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """`every_row` of the database at `database_url` (a restored instance, or a SQLite backup file)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return every_row(connection, tables)
    finally:
        engine.dispose()


def stored_hashes(storage: PhotoStorage, keys: list[str]) -> dict[str, str | None]:
    """The SHA-256 of each object's stored bytes (None when it is not stored)."""
    hashes: dict[str, str | None] = {}
    for key in keys:
        try:
            stream = storage.open(key)
        except NotStored:
            hashes[key] = None
            continue
        digest = hashlib.sha256()
        with stream:
            while block := stream.read(BLOCK_SIZE):
                digest.update(block)
        hashes[key] = digest.hexdigest()
    return hashes


def photo_keys(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, str]:
    """Original photo key -> the hash the database holds for it, for every complete photo in `rows`."""
    from server.extensions import db

    columns = [column.name for column in db.metadata.tables["photos"].columns]
    photos = [dict(zip(columns, row, strict=True)) for row in rows["photos"]]
    return {p["storage_key"]: p["sha256"] for p in photos if p["storage_key"] and p["completed_at"]}
