"""Push ingest: visits/s through the real endpoint (POST /api/v1/sync/push, batches of 50) against raw
executemany of the very same rows (visits, revisions, answers, section scores, photos, change rows), in one run.

    .venv/bin/python -m benchmarks.ingest                      # SQLite
    .venv/bin/python -m benchmarks.ingest --postgres postgresql://postgres@127.0.0.1:5432/test

Visits are of the demo checklist (server/demo/customer_service_checklist.json: 7 sections, 24 questions, 2
photo questions) with valid random answers; ``allow_adhoc`` is switched on in the imported copy so no assignment
rows are needed. The endpoint is driven through Flask's test client (no sockets), each visit its own
transaction as in production. The raw side then inserts the rows the endpoint stored, with fresh ids, by
``sqlite3.executemany`` (``psycopg`` ``executemany`` on PostgreSQL), one transaction per batch of 50.
``--profile`` prints where the endpoint's time goes (cProfile, top functions by cumulative time).
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import io
import pstats
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.visit_documents import definition, visit_document
from tests.clients import new_client

BATCH = 50
TABLES = ("visits", "visit_revisions", "answers", "visit_section_scores", "photos", "changes")


class Scratch:
    """A migrated scratch database with a shopper, a branch and the demo checklist; the app and a token."""

    def __init__(self, url: str, folder: Path) -> None:
        from server import create_app
        from server.database import upgrade_schema
        from server.extensions import db
        from server.services.accounts.tokens import issue_token
        from server.services.accounts.users import create_user
        from server.services.checklists.versions import import_template
        from server.services.org.organisation import create_assignment, create_branch, create_region

        self.url = url
        self.app = create_app(
            {
                "TESTING": False,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": url,
                "PHOTO_STORAGE_PATH": str(folder / "photos"),
                "RATELIMIT_STORAGE_URI": "memory://",
                "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                "SHOPPER_DAILY_PHOTOS": 10**9,
                "SHOPPER_DAILY_PHOTO_BYTES": 10**15,
            }
        )
        self.ctx = self.app.app_context()  # for setup and the raw side; each request gets its own (new_client)
        self.ctx.push()
        upgrade_schema()
        s = db.session
        shopper = create_user(
            s, email="bench@example.test", name="Bench Shopper", role="shopper", password="correct horse battery staple"
        )
        region = create_region(s, code="RB", name="Bench region")
        branch = create_branch(
            s, region=region, code="B1", name="Bench branch", address="1 High Street", latitude=51.5, longitude=-0.12
        )
        self.checklist = definition()
        version = import_template(s, copy.deepcopy(self.checklist), publish=True)
        self.version_id, self.branch_id = version.id, branch.id
        today = date.today()  # one assignment: a shopper sees the branches of their assignments
        create_assignment(
            s,
            shopper=shopper,
            branch=branch,
            template=version.template,
            due_from=today,
            due_to=today + timedelta(days=7),
        )
        self.token = issue_token(s, shopper, "bench")[1]
        s.commit()
        s.remove()
        self.client = new_client(self.app)

    def push(self, batch: list[dict]) -> None:
        response = self.client.post(
            "/api/v1/sync/push", json={"visits": batch}, headers={"Authorization": f"Bearer {self.token}"}
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        results = response.get_json()["results"]
        assert all(r["result"] == "created" for r in results), results[:2]

    def close(self) -> None:
        from server.extensions import db

        db.session.remove()
        db.engine.dispose()
        self.ctx.pop()


# -- raw side ----------------------------------------------------------------------------------------------------
class RawSQLite:
    """sqlite3 on the same file; rows read as stored, written back with fresh ids."""

    placeholder = "?"

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=10000")

    def read(self, table: str) -> tuple[list[str], list[tuple]]:
        cursor = self.conn.execute(f"SELECT * FROM {table}")
        return [d[0] for d in cursor.description], cursor.fetchall()

    def new_uuid(self, old: Any) -> Any:
        return uuid.uuid4().hex

    def key(self, value: Any) -> str:
        return str(value).replace("-", "")

    def adapt(self, table: str, columns: list[str], row: list[Any]) -> list[Any]:
        return row

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class RawPostgres(RawSQLite):
    """psycopg on the same schema."""

    placeholder = "%s"

    def __init__(self, url: str) -> None:
        import psycopg

        self.psycopg = psycopg
        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        self._json: dict[str, set[str]] = {}

    def read(self, table: str) -> tuple[list[str], list[tuple]]:
        with self.conn.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")
            columns = [d.name for d in cursor.description]
            self._json[table] = {d.name for d in cursor.description if d.type_code in (114, 3802)}
            rows = cursor.fetchall()
        self.conn.commit()
        return columns, rows

    def new_uuid(self, old: Any) -> Any:
        return uuid.uuid4()

    def key(self, value: Any) -> str:
        return str(value).replace("-", "")

    def adapt(self, table: str, columns: list[str], row: list[Any]) -> list[Any]:
        from psycopg.types.json import Json

        json_columns = self._json.get(table, set())
        return [Json(v) if c in json_columns and v is not None else v for c, v in zip(columns, row)]

    def begin(self) -> None:
        pass

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(sql, rows)

    def commit(self) -> None:
        self.conn.commit()


def stored_rows(raw: RawSQLite, visit_ids: set[str]) -> dict[str, tuple[list[str], dict[str, list[list[Any]]]]]:
    """The rows the endpoint wrote for these visits, per table, grouped by visit id (auto ids dropped)."""
    out = {}
    for table in TABLES:
        columns, rows = raw.read(table)
        drop = {"seq"} if table == "changes" else {"id"} if table == "visit_revisions" else set()
        keep = [i for i, c in enumerate(columns) if c not in drop]
        owner = columns.index("id" if table == "visits" else "entity_id" if table == "changes" else "visit_id")
        grouped: dict[str, list[list[Any]]] = {}
        for row in rows:
            key = raw.key(row[owner])
            if key in visit_ids and (table != "changes" or row[columns.index("entity")] == "visit"):
                grouped.setdefault(key, []).append([row[i] for i in keep])
        out[table] = ([columns[i] for i in keep], grouped)
    return out


def raw_batches(raw: RawSQLite, stored, batches: list[list[str]]) -> list[list[tuple[str, list[list[Any]]]]]:
    """Per batch, per table: the INSERT and its rows, with fresh visit and photo ids (prepared before timing)."""
    prepared = []
    for batch in batches:
        fresh = {vid: raw.new_uuid(vid) for vid in batch}
        statements = []
        for table in TABLES:
            columns, grouped = stored[table]
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([raw.placeholder] * len(columns))})"
            rows = []
            for vid in batch:
                for row in grouped.get(vid, []):
                    row = list(row)
                    for i, column in enumerate(columns):
                        if column in ("visit_id",) or (table == "visits" and column == "id"):
                            row[i] = fresh[vid]
                        elif table == "photos" and column == "id":
                            row[i] = raw.new_uuid(row[i])
                        elif table == "changes" and column == "entity_id":
                            row[i] = str(fresh[vid])
                    rows.append(raw.adapt(table, columns, row))
            statements.append((sql, rows))
        prepared.append(statements)
    return prepared


def run(url: str, folder: Path, visits: int, profile: bool, raw_factory) -> dict[str, float]:
    scratch = Scratch(url, folder)
    rng = random.Random(2026)
    documents = [visit_document(scratch.checklist, scratch.version_id, scratch.branch_id, rng) for _ in range(visits)]
    batches = [documents[i : i + BATCH] for i in range(0, visits, BATCH)]
    scratch.push([visit_document(scratch.checklist, scratch.version_id, scratch.branch_id, rng)])  # warm-up
    profiler = cProfile.Profile() if profile else None
    began = time.perf_counter()
    if profiler:
        profiler.enable()
    for batch in batches:
        scratch.push(batch)
    if profiler:
        profiler.disable()
    endpoint = time.perf_counter() - began

    raw = raw_factory()
    ids = {d["id"].replace("-", "") for d in documents}
    stored = stored_rows(raw, ids)
    row_count = sum(len(rows) for _, grouped in stored.values() for rows in grouped.values())
    prepared = raw_batches(raw, stored, [[d["id"].replace("-", "") for d in b] for b in batches])
    began = time.perf_counter()
    for statements in prepared:
        raw.begin()
        for sql, rows in statements:
            if rows:
                raw.executemany(sql, rows)
        raw.commit()
    raw_seconds = time.perf_counter() - began
    raw.close()
    scratch.close()
    if profiler:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(r"server/|shared/", 30)
        stats.sort_stats("tottime").print_stats(15)
        print(text.getvalue())
    return {"endpoint": visits / endpoint, "raw": visits / raw_seconds, "rows": row_count / visits}


def report(name: str, figures: dict[str, float]) -> None:
    ratio = figures["endpoint"] / figures["raw"]
    print(
        f"{name:<11} endpoint {figures['endpoint']:8.1f} visits/s   raw executemany {figures['raw']:9.1f} visits/s"
        f"   endpoint/raw = {ratio:.3f} (1/{1 / ratio:.1f})   {figures['rows']:.0f} rows per visit"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per database (medians of the rates)")
    parser.add_argument("--postgres", metavar="URL", help="also on PostgreSQL (a throw-away schema in URL's database)")
    parser.add_argument("--profile", action="store_true", help="cProfile the endpoint side")
    args = parser.parse_args(argv)
    print(f"push ingest, {args.visits} visits of the demo checklist in batches of {BATCH}")

    def median(runs: list[dict[str, float]]) -> dict[str, float]:
        return {k: statistics.median(r[k] for r in runs) for k in runs[0]}

    runs = []
    for _ in range(args.repeat):
        folder = Path(tempfile.mkdtemp(prefix="fa-ingest-"))
        path = folder / "ingest.db"
        runs.append(run(f"sqlite:///{path}", folder, args.visits, args.profile, lambda p=path: RawSQLite(str(p))))
    report("SQLite", median(runs))
    if args.postgres:
        from benchmarks.dataset import scratch_schema

        runs = []
        for _ in range(args.repeat):
            with scratch_schema(args.postgres, "fa_ingest") as url:
                runs.append(
                    run(
                        url,
                        Path(tempfile.mkdtemp(prefix="fa-ingest-")),
                        args.visits,
                        args.profile,
                        lambda u=url: RawPostgres(u),
                    )
                )
        report("PostgreSQL", median(runs))


if __name__ == "__main__":
    main()
