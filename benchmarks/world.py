"""A realistic organisation for growth benchmarks: a seed made through the services, then multiplied in SQL.

`build_world(session, visits=100_000)` fills an empty scratch database (`benchmarks.dataset.scratch_app`):
one region of 500 branches, 50 shoppers, the demo checklist; a seed per shopper made through the real
services (assignments, pushed visits with documents and photos, reviews, open work), so the change log
holds exactly the rows the running code writes; then `visits` approved visits over the last `days` days,
each with its assignment, current revision document, section scores (answers with `answers=True`) and the
change rows the services would have written for it, inserted by a few INSERT ... SELECT statements over a
numbers table (seconds, not hours, at 300k visits). Used by benchmarks/pull.py; the dashboard benchmark
can call it the same way and read `World` for the ids it needs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import text

SEED_VISITS_PER_SHOPPER = 2
OPEN_PER_SHOPPER = 4


@dataclass
class World:
    """What was built: ids to query with, and the sizes."""

    region_id: int
    branch_ids: list[int]
    shopper_ids: list[int]
    admin_id: int
    template_id: int
    version_id: int
    visits: int
    first_day: date
    last_day: date
    seed_visit_ids: list = field(default_factory=list)


def build_world(
    session,
    *,
    visits: int,
    branches: int = 500,
    shoppers: int = 50,
    days: int = 365,
    answers: bool = False,
    seed: int = 10,
) -> World:
    """Fill an empty database; returns the World. `visits` counts the multiplied visits (the seed comes on top)."""
    world = _seed(session, branches=branches, shoppers=shoppers, days=days, seed=seed)
    _multiply(session, world, visits, days, answers)
    _rebuild_rollups(session)
    if session.get_bind().dialect.name == "postgresql":  # fresh statistics, as autovacuum would gather them
        for table in (
            "changes",
            "visits",
            "visit_revisions",
            "visit_section_scores",
            "answers",
            "assignments",
            "photos",
            "branches",
            "template_versions",
            "question_days",
        ):
            session.execute(text(f"ANALYZE {table}"))  # this schema's tables only: never the whole database
        session.commit()
    return world


def _rebuild_rollups(session) -> None:
    """Recompute the stored score roll-ups: the multiplied rows went in by SQL, past the hooks that keep them."""
    from server.services.scores.question_days import rebuild

    rebuild(session)
    session.commit()


def _seed(session, *, branches: int, shoppers: int, days: int, seed: int) -> World:
    """The organisation and a few visits per shopper, all through the services (so every change row is real)."""
    from flask import current_app

    from server.demo.builder import demo_checklist
    from server.demo.visit_maker import VisitMaker, new_uuid
    from server.models import Branch, Role, User, VisitStatus
    from server.services.checklists.versions import checklist_of, import_template
    from server.services.org.organisation import create_assignment, create_branch, create_region
    from server.services.photos.budgets import PhotoLimits
    from server.services.transactions import atomic
    from server.services.visits.record import record_visit
    from server.services.visits.reviews import approve_visit

    rng = random.Random(seed)
    admin = User(email="admin@bench.test", name="Bench Admin", role=Role.ADMIN, password_hash="-")
    people = [
        User(email=f"shopper{n}@bench.test", name=f"Shopper {n}", role=Role.SHOPPER, password_hash="-")
        for n in range(shoppers)
    ]
    session.add_all([admin, *people])
    session.flush()
    version = import_template(session, demo_checklist(), actor=admin, publish=True)
    region = create_region(session, code="BIG", name=f"Benchmark region ({branches} branches)")
    branch_rows = [
        create_branch(
            session,
            region=region,
            code=f"B{n:04d}",
            name=f"Branch {n}",
            address=f"{n} High Street",
            latitude=51.5,
            longitude=-0.12,
        )
        for n in range(1, branches + 1)
    ]
    session.commit()
    last_day = date.today()
    maker, limits = VisitMaker(rng, checklist_of(version), version.id), PhotoLimits.from_config(current_app.config)
    seeded = []
    for index, shopper in enumerate(people):
        for n in range(SEED_VISITS_PER_SHOPPER + OPEN_PER_SHOPPER):
            branch: Branch = branch_rows[(index * 7 + n) % branches]
            day = last_day - timedelta(days=rng.randrange(1, 20))
            assignment = create_assignment(
                session,
                shopper=shopper,
                branch=branch,
                template=version.template,
                due_from=day - timedelta(days=3),
                due_to=day + timedelta(days=7),
                notes="Ask about the loyalty card",
            )
            if n >= SEED_VISITS_PER_SHOPPER:
                continue  # open work, as the phone holds it
            document, _ = maker.document(
                visit_id=new_uuid(rng),
                assignment_id=assignment.id,
                branch_id=branch.id,
                day=day,
                lat=51.5,
                lon=-0.12,
                level=rng.uniform(0.4, 0.95),
                languages=("en",),
                branch_index=index,
            )
            with atomic(session):
                visit = record_visit(session, shopper, document, status=VisitStatus.SUBMITTED, limits=limits)
            seeded.append(visit.id)
            if n == 0:
                with atomic(session):
                    approve_visit(session, admin, visit)
    return World(
        region.id,
        [b.id for b in branch_rows],
        [p.id for p in people],
        admin.id,
        version.template_id,
        version.id,
        0,
        last_day - timedelta(days=days - 1),
        last_day,
        seeded,
    )


def _uuid_sql(dialect: str, prefix: int, number: str, as_text: bool) -> str:
    """SQL for a UUID made of a kind prefix and a row number: as the column stores it, or as change-row text."""
    if dialect == "postgresql":
        dashed = f"(lpad(to_hex({prefix}), 8, '0') || '-0000-4000-a000-' || lpad(to_hex({number}), 12, '0'))"
        return dashed if as_text else f"CAST({dashed} AS uuid)"
    pattern = "%08x-0000-4000-a000-%012x" if as_text else "%08x00004000a000%012x"  # SQLite keeps 32 hex digits
    return f"printf('{pattern}', {prefix}, {number})"


def _multiply(session, world: World, visits: int, days: int, answers: bool) -> None:
    """`visits` approved visits with assignments, documents, scores and change rows, in INSERT ... SELECT."""
    dialect = session.get_bind().dialect.name
    base = 1_000_000 * random.Random(world.region_id).randrange(1, 99)
    session.execute(text("CREATE TEMPORARY TABLE bench_n (i INTEGER PRIMARY KEY, k INTEGER, b INTEGER, s INTEGER)"))
    session.execute(text("CREATE TEMPORARY TABLE bench_day (k INTEGER PRIMARY KEY, day DATE, at TIMESTAMP)"))
    start = world.last_day - timedelta(days=days - 1)
    session.execute(
        text("INSERT INTO bench_day (k, day, at) VALUES (:k, :day, :at)"),
        [
            {"k": k, "day": start + timedelta(days=k), "at": datetime.combine(start + timedelta(days=k), time(11, 30))}
            for k in range(days)
        ],
    )
    rng = random.Random(7)
    rows = [
        {
            "i": base + n,
            "k": rng.randrange(days),
            "b": world.branch_ids[n % len(world.branch_ids)],
            "s": world.shopper_ids[n % len(world.shopper_ids)],
        }
        for n in range(visits)
    ]
    for offset in range(0, len(rows), 50_000):
        session.execute(
            text("INSERT INTO bench_n (i, k, b, s) VALUES (:i, :k, :b, :s)"), rows[offset : offset + 50_000]
        )
    seed = world.seed_visit_ids[0]
    seed_key = seed.hex if dialect == "sqlite" else str(seed)
    assignment_id, visit_id = _uuid_sql(dialect, 2, "n.i", False), _uuid_sql(dialect, 3, "n.i", False)
    statements = [
        f"""INSERT INTO assignments (id, branch_id, shopper_id, template_id, due_from, due_to, status, notes,
            created_at, updated_at)
            SELECT {assignment_id}, n.b, n.s, {world.template_id}, d.day, d.day, 'done', 'Ask about the loyalty card',
                   d.at, d.at FROM bench_n n JOIN bench_day d ON d.k = n.k""",
        f"""INSERT INTO visits (id, assignment_id, branch_id, shopper_id, template_version_id, status, revision,
            started_at, finished_at, submitted_at, latitude, longitude, accuracy_m, score_percent, earned, possible,
            critical_failures, flagged, zeroed, review_note, reviewed_by_id, reviewed_at)
            SELECT {visit_id}, {assignment_id}, n.b, n.s, v.template_version_id, 'approved', 1, d.at, d.at, d.at,
                   v.latitude, v.longitude, v.accuracy_m, v.score_percent, v.earned, v.possible,
                   v.critical_failures, v.flagged, v.zeroed, '', v.reviewed_by_id, d.at
            FROM bench_n n JOIN bench_day d ON d.k = n.k CROSS JOIN visits v WHERE v.id = :seed""",
        f"""INSERT INTO visit_revisions (visit_id, revision, base_revision, content_hash, document, submitted_at)
            SELECT {visit_id}, 1, NULL, r.content_hash, r.document, d.at
            FROM bench_n n JOIN bench_day d ON d.k = n.k CROSS JOIN visit_revisions r WHERE r.visit_id = :seed""",
        f"""INSERT INTO visit_section_scores (visit_id, section_key, position, title, earned, possible, percent)
            SELECT {visit_id}, s.section_key, s.position, s.title, s.earned, s.possible, s.percent
            FROM bench_n n CROSS JOIN visit_section_scores s WHERE s.visit_id = :seed""",
    ]
    if answers:
        statements.append(f"""INSERT INTO answers (visit_id, question_key, section_key, position, value, na, comment,
            earned, possible, critical_failure)
            SELECT {visit_id}, a.question_key, a.section_key, a.position, a.value, a.na, a.comment, a.earned,
                   a.possible, a.critical_failure FROM bench_n n CROSS JOIN answers a WHERE a.visit_id = :seed""")
    for statement in statements:
        session.execute(text(statement), {"seed": seed_key})
    _multiply_changes(session, world, dialect)
    session.execute(text("DROP TABLE bench_n"))
    session.execute(text("DROP TABLE bench_day"))
    session.commit()
    world.visits = visits


def _multiply_changes(session, world: World, dialect: str) -> None:
    """The change rows of each multiplied visit, addressed as the running code's services address them."""
    from server.models import Change

    addressed = hasattr(Change, "audience_region_id")  # main's code before migration 0008 left these unaddressed
    pattern = [  # (entity, what it names, addressed to the shopper?) in the order the services write them
        ("template_version", "version", True),
        ("branch", "branch", True),
        ("assignment", "assignment", addressed),
        ("assignment", "assignment", addressed),
        ("visit", "visit", True),
        ("visit", "visit", addressed),
        ("visit", "visit", True),
        ("assignment", "assignment", addressed),
    ]
    session.execute(
        text(
            "CREATE TEMPORARY TABLE bench_pattern (k INTEGER PRIMARY KEY, entity VARCHAR(32), "
            "names VARCHAR(16), addressed INTEGER)"
        )
    )
    session.execute(
        text("INSERT INTO bench_pattern VALUES (:k, :entity, :names, :addressed)"),
        [{"k": k, "entity": e, "names": n, "addressed": int(a)} for k, (e, n, a) in enumerate(pattern)],
    )
    session.execute(
        text(f"""INSERT INTO changes (entity, entity_id, op, changed_at, audience_user_id)
        SELECT p.entity, CASE p.names WHEN 'version' THEN '{world.version_id}'
                                      WHEN 'branch' THEN CAST(n.b AS VARCHAR(16))
                                      WHEN 'assignment' THEN {_uuid_sql(dialect, 2, "n.i", True)}
                                      ELSE {_uuid_sql(dialect, 3, "n.i", True)} END,
               'upsert', d.at, CASE WHEN p.addressed = 1 THEN n.s END
        FROM bench_n n JOIN bench_day d ON d.k = n.k CROSS JOIN bench_pattern p ORDER BY d.k, n.i, p.k""")
    )
    session.execute(text("DROP TABLE bench_pattern"))
