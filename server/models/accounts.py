"""People who use Fieldaudit, the API tokens their phones hold, and their one-time recovery codes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.pseudonyms import new_pseudonym
from server.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:  # the other side of a relationship, for type checkers only
    from server.models.org import Region


class Role(str, enum.Enum):
    """What a user may do (docs/architecture.md, Roles, permissions and confidentiality)."""

    ADMIN = "admin"
    MANAGER = "manager"
    SHOPPER = "shopper"


class User(Model):
    """An admin, a regional manager or a shopper."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    demo: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    """Made by the demo loader with a published password: admins see a banner while such accounts exist."""
    pseudonym: Mapped[int] = mapped_column(unique=True, index=True, default=new_pseudonym)
    """How managers see this user as a shopper ("Shopper 4821") when the organisation hides names (models.pseudonyms)."""
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    """Set when an admin (web or CLI) chose the password: the user picks their own before reaching any page."""
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    """The confirmed authenticator secret (base32); None until the user has enrolled a second factor."""
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column()
    """The 30-second time step of the last accepted code: a code of that step or earlier is a replay."""
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    """A secret being enrolled, not yet confirmed with a first code."""

    regions: Mapped[list[Region]] = relationship(  # noqa: F821 - defined in org
        secondary="manager_regions", back_populates="managers", order_by="Region.name"
    )
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def mfa_enabled(self) -> bool:
        """Whether signing in asks for an authenticator code after the password."""
        return self.totp_enabled_at is not None and self.totp_secret is not None

    # Flask-Login protocol. Web sessions are server-side records (models.sessions), not this id.
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
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class ApiToken(Model):
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


class RecoveryCode(Model):
    """A one-time code that stands in for the authenticator; only its SHA-256 is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
