"""People who use Fieldaudit and the API tokens their phones hold."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .pseudonyms import new_pseudonym
from .types import UTCDateTime, str_enum, utcnow


class Role(str, enum.Enum):
    """What a user may do (DESIGN section 5)."""

    ADMIN = "admin"
    MANAGER = "manager"
    SHOPPER = "shopper"


def new_session_nonce() -> str:
    """A fresh value that, once changed, invalidates every web session of the user."""
    return secrets.token_hex(16)


class User(db.Model):
    """An admin, a regional manager or a shopper."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    demo: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    """Made by the demo loader with a published password: admins see a banner while such accounts exist."""
    pseudonym: Mapped[int] = mapped_column(unique=True, index=True, default=new_pseudonym)
    """How managers see this user as a shopper ("Shopper 4821") when the organisation hides names (models.pseudonyms)."""

    regions: Mapped[list["Region"]] = relationship(  # noqa: F821 - defined in org
        secondary="manager_regions", back_populates="managers", order_by="Region.name"
    )
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login protocol: the session id carries the nonce, so rotating it logs out everywhere.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class ApiToken(db.Model):
    """A bearer token for the phone app; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its owner is still active."""
        return self.revoked_at is None and self.expires_at > now and self.user.active
