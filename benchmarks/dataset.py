"""A scratch database (SQLite file, or a PostgreSQL schema) filled by bulk inserts: one big region, many visits.

Visits and their section scores go in with executemany-style Core inserts in batches, not through
record_visit: the benchmark measures reading, and 100,000 visits must load in seconds. A few real visits
(with revision documents and stored photos) are recorded through record_visit for the visit-report timing.
"""

from __future__ import annotations

import random
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

BATCH = 10_000


@contextmanager
def scratch_schema(postgres: str, prefix: str = "fa_bench") -> Iterator[str]:
    """A throw-away schema in the PostgreSQL database at `postgres`: yields a URL whose search_path is it, drops it after."""
    from server.config import normalise_database_url

    base = make_url(normalise_database_url(postgres))
    schema = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def scratch_app(postgres: str | None = None) -> Iterator:
    """A migrated, empty Fieldaudit app on a throw-away database; everything is removed afterwards."""
    from server import create_app
    from server.database import upgrade_schema
    from server.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="fieldaudit-bench-"))
    with ExitStack() as stack:
        url = stack.enter_context(scratch_schema(postgres)) if postgres else f"sqlite:///{folder / 'bench.db'}"
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "benchmark",
                "PHOTO_STORAGE_PATH": str(folder / "photos"),
                "FILE_STORAGE_PATH": str(folder / "files"),
                "REDIS_URL": None,
                "JOB_SCHEDULER": False,
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        with app.app_context():
            upgrade_schema()
            yield app
            db.session.remove()
            db.engine.dispose()


@dataclass
class Dataset:
    """What was made: the region, its branch ids, the period the visits span, sample visits for visit reports."""

    region: object
    branch_ids: list[int]
    first_day: date
    last_day: date
    visits: int
    sample_visits: list = field(default_factory=list)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def _people_and_checklist(session):
    from server.demo.builder import demo_checklist
    from server.models import Role, User
    from server.services.checklists.versions import import_template

    admin = User(email="admin@bench.test", name="Bench Admin", role=Role.ADMIN, password_hash="-")
    shopper = User(email="shopper@bench.test", name="Bench Shopper", role=Role.SHOPPER, password_hash="-")
    session.add_all([admin, shopper])
    session.flush()
    version = import_template(session, demo_checklist(), actor=admin, publish=True)
    return shopper, version


def _visit_rows(rng, branch_ids, shopper_id, version_id, sections, visits, first_day, days):
    from server.models import VisitStatus

    levels = {b: rng.uniform(45, 95) for b in branch_ids}
    visit_rows, section_rows = [], []
    for i in range(visits):
        branch = branch_ids[i % len(branch_ids)]
        finished = datetime.combine(
            first_day + timedelta(days=rng.randrange(days)), time(rng.randint(9, 17), rng.randrange(60)), tzinfo=UTC
        )
        score = round(min(100.0, max(0.0, rng.gauss(levels[branch], 10))), 2)
        visit_id = _uuid(rng)
        visit_rows.append(
            {
                "id": visit_id,
                "branch_id": branch,
                "shopper_id": shopper_id,
                "template_version_id": version_id,
                "status": VisitStatus.APPROVED,
                "revision": 1,
                "started_at": finished - timedelta(minutes=35),
                "finished_at": finished,
                "submitted_at": finished + timedelta(minutes=5),
                "score_percent": score,
                "earned": score,
                "possible": 100.0,
                "critical_failures": int(rng.random() < 0.02),
                "flagged": False,
                "zeroed": False,
                "review_note": "",
            }
        )
        for position, (key, title) in enumerate(sections):
            percent = round(min(100.0, max(0.0, rng.gauss(score, 12))), 2)
            section_rows.append(
                {
                    "visit_id": visit_id,
                    "section_key": key,
                    "position": position,
                    "title": title,
                    "earned": percent,
                    "possible": 100.0,
                    "percent": percent,
                }
            )
    return visit_rows, section_rows


def populate(
    session, *, branches: int, visits: int, days: int = 365, samples: int = 10, seed: int = 8, today: date | None = None
) -> Dataset:
    """Fill an empty scratch database: one region of `branches` branches and `visits` approved visits over `days`."""
    from server.models import Branch, Region, Visit, VisitSectionScore
    from server.services.checklists.versions import checklist_of

    rng = random.Random(seed)
    last_day = today or date.today()
    first_day = last_day - timedelta(days=days - 1)
    shopper, version = _people_and_checklist(session)
    region = Region(code="BIG", name=f"Benchmark region ({branches} branches)")
    session.add(region)
    session.flush()
    _insert(
        session,
        Branch,
        [
            {"region_id": region.id, "code": f"B{i:04d}", "name": f"Branch {i}", "address": "", "active": True}
            for i in range(1, branches + 1)
        ],
    )
    branch_ids = list(session.scalars(select(Branch.id).where(Branch.region_id == region.id).order_by(Branch.id)))
    sections = [(s.key, s.title) for s in checklist_of(version).sections]
    visit_rows, section_rows = _visit_rows(rng, branch_ids, shopper.id, version.id, sections, visits, first_day, days)
    _insert(session, Visit, visit_rows)
    _insert(session, VisitSectionScore, section_rows)
    session.commit()
    if session.get_bind().dialect.name == "postgresql":  # fresh statistics, as autovacuum would gather them
        session.execute(text("ANALYZE"))
        session.commit()
    data = Dataset(region, branch_ids, first_day, last_day, visits)
    data.sample_visits = record_samples(session, rng, shopper, version, branch_ids[:samples], last_day)
    return data


def record_samples(session, rng, shopper, version, branch_ids, day) -> list:
    """Real visits (answers, comments, photos in storage) through record_visit, for the visit-report timing."""
    from flask import current_app

    from server.demo.visit_maker import VisitMaker
    from server.models import Branch, VisitStatus
    from server.models.types import utcnow
    from server.services.checklists.versions import checklist_of
    from server.services.org.organisation import create_assignment
    from server.services.photos.budgets import PhotoLimits
    from server.services.photos.renditions import max_pixels, render_photo, store_renditions
    from server.services.visits.record import record_visit
    from server.storage import current_storage, photo_key

    maker, storage, recorded = VisitMaker(rng, checklist_of(version), version.id), current_storage(), []
    limits = PhotoLimits.from_config(current_app.config)
    for index, branch_id in enumerate(branch_ids):
        branch = session.get(Branch, branch_id)
        assignment = create_assignment(
            session,
            shopper=shopper,
            branch=branch,
            template=version.template,
            due_from=day - timedelta(days=3),
            due_to=day,
        )
        document, files = maker.document(
            visit_id=_uuid(rng),
            assignment_id=assignment.id,
            branch_id=branch_id,
            day=day,
            lat=51.5,
            lon=-0.12,
            level=rng.uniform(0.4, 0.95),
            languages=("en", "fr"),
            branch_index=index,
        )
        visit = record_visit(session, shopper, document, status=VisitStatus.APPROVED, limits=limits)
        for photo, file in zip(visit.photos, files):
            key = photo_key(visit.id, photo.id)
            storage.write_chunk(key, BytesIO(file.content), 0)
            storage.finalise(key)
            photo.storage_key, photo.received_bytes, photo.completed_at = key, len(file.content), utcnow()
            rendered = render_photo(BytesIO(file.content), photo.content_type, max_pixels())  # as an upload does
            photo.page_key, photo.thumb_key = store_renditions(storage, key, rendered)
            photo.width, photo.height = rendered.width, rendered.height
        recorded.append(visit)
    session.commit()
    return recorded
