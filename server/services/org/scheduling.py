"""Scheduling many assignments at once: every active branch of a region, shoppers taken in turn."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import cycle

from sqlalchemy import select

from server.extensions import DbSession
from server.models import Assignment, Branch, Region, Template, User
from server.services.org.organisation import OrgError, create_assignment


def schedule_region(
    session: DbSession,
    region: Region,
    shoppers: Sequence[User],
    template: Template,
    due_from: date,
    due_to: date,
    notes: str = "",
    actor: User | None = None,
) -> list[Assignment]:
    """One assignment per active branch of the region (by code), shoppers round-robin; flushed, the caller commits.

    All or nothing: an OrgError for any branch leaves the caller's transaction to roll back whole."""
    if not shoppers:
        raise OrgError("shoppers", "Choose at least one shopper.")
    branches = session.scalars(
        select(Branch).where(Branch.region_id == region.id, Branch.active.is_(True)).order_by(Branch.code)
    ).all()
    if not branches:
        raise OrgError("region", f"{region.name} has no active branches.")
    made = [
        create_assignment(
            session,
            shopper=shopper,
            branch=branch,
            template=template,
            due_from=due_from,
            due_to=due_to,
            notes=notes,
            actor=actor,
        )
        for branch, shopper in zip(branches, cycle(shoppers))
    ]
    session.flush()
    return made
