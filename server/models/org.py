"""The organisation being audited: regions, their branches, and who manages which region."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model, db
from server.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.accounts import User

manager_regions = Table(
    "manager_regions",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
)

branch_contacts = Table(
    "branch_contacts",
    db.metadata,
    Column("branch_id", ForeignKey("branches.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
)
"""Each branch's contact (at most one; services/actions/contacts.py). A table of its own, not a column of branches,
so branches keep their single foreign key path to users (none) and the migration never rebuilds them on SQLite."""


class Region(Model):
    """A group of branches that one or more managers follow."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Moved by every commit that can change this region's scores: the roll-up cache's key (services/scores/marks.py).
    rollup_mark: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), default=0, server_default="0"
    )

    branches: Mapped[list[Branch]] = relationship(back_populates="region", order_by="Branch.code")
    managers: Mapped[list[User]] = relationship(  # noqa: F821
        secondary=manager_regions, back_populates="regions"
    )


class Branch(Model):
    """A shop, office or site that shoppers visit."""

    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: a move keeps the region it leaves, whose scores change too (services/scores/marks.py)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True, active_history=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship(back_populates="branches", active_history=True)
    contact: Mapped[User | None] = relationship(secondary="branch_contacts", uselist=False)  # noqa: F821
    """The branch contact: an admin or a manager of its region, who owns the actions raised for it automatically."""
