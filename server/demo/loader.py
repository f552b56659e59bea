"""Load the demo into an empty database, from one seed, and tell which demo log-ins exist."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import exists, select

from server.demo import org_data
from server.demo.builder import DemoBuilder
from server.extensions import DbSession
from server.models import Region, Template, User
from server.services.transactions import atomic

MONTHS = 4
"""Months of visit history the demo holds (about 3-4 approved visits per branch per month)."""


class DemoError(RuntimeError):
    """The demo cannot be loaded here (the database already holds data)."""


@dataclass(frozen=True)
class DemoLogin:
    """One demo account to print: email, name, role, and the shared password."""

    email: str
    name: str
    role: str
    password: str = org_data.DEMO_PASSWORD


@dataclass
class DemoSummary:
    """What load_demo created, for the run command and the tests."""

    regions: int = 0
    branches: int = 0
    users: int = 0
    visits: int = 0
    critical_failures: int = 0
    na_answers: int = 0
    open_assignments: int = 0
    not_completed: int = 0
    """Visits the shopper could not complete, waiting in the review queue (not in `visits`, never scored)."""
    template_version_id: int | None = None
    actions: int = 0
    """Corrective actions: from the latest critical failures (verified, done, in progress, open) and one by hand."""
    logins: list[DemoLogin] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the console."""
        return (
            f"{self.regions} regions, {self.branches} branches, {self.users} users, {self.visits} approved "
            f"visits ({self.critical_failures} with critical failures), {self.open_assignments} open assignments, "
            f"{self.not_completed} not-completed visit to review, {self.actions} corrective actions"
        )


def is_database_empty(session: DbSession) -> bool:
    """No users, regions or templates yet: the only state the demo loads into."""
    return not any(session.scalar(select(exists().select_from(model))) for model in (User, Region, Template))


def is_demo_loaded(session: DbSession) -> bool:
    """Whether the demo admin account exists."""
    return bool(session.scalar(select(exists().where(User.email == org_data.USERS[0].email))))


def demo_logins(session: DbSession) -> list[DemoLogin]:
    """The demo accounts that can still sign in with the published password, in the order they are printed."""
    emails = [u.email for u in org_data.USERS]
    present = set(
        session.scalars(select(User.email).where(User.email.in_(emails), User.demo.is_(True), User.active.is_(True)))
    )
    return [DemoLogin(u.email, u.name, u.role) for u in org_data.USERS if u.email in present]


def load_demo(
    session: DbSession, seed: int = 2026, *, today: date | None = None, months: int | None = None
) -> DemoSummary:
    """Fill an empty database with the demo in one transaction; the same seed gives the same data.

    Visit dates run up to yesterday (relative to `today`, default the real date) so the demo looks alive.
    """
    if not is_database_empty(session):
        raise DemoError("The database already holds data; the demo loads only into an empty database.")
    storage = Path(current_app.config["PHOTO_STORAGE_PATH"])
    before = set(storage.iterdir()) if storage.exists() else set()
    build = DemoBuilder(
        session, random.Random(seed), today=today or date.today(), months=months or MONTHS, storage=storage
    )
    try:
        with atomic(session):
            build.organisation()
            build.invitation()
            version = build.checklist()
            build.history(version)
            build.upcoming(version)
            not_completed = build.not_completed(version)
            build.webhook()
            actions = build.actions(version)
            summary = DemoSummary(
                regions=len(build.regions),
                branches=len(build.branches),
                users=len(build.users),
                visits=len(build.visits),
                critical_failures=sum(v.critical_failures > 0 for v in build.visits),
                na_answers=sum(a.na for v in build.visits for a in v.answers),
                open_assignments=build.open_assignments,
                not_completed=not_completed,
                template_version_id=version.id,
                actions=len(actions),
            )
    except Exception:
        for path in (set(storage.iterdir()) - before) if storage.exists() else ():
            shutil.rmtree(path, ignore_errors=True)
        raise
    summary.logins = demo_logins(session)
    return summary
