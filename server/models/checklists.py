"""Checklist templates and their versions; a published version never changes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.types import UTCDateTime, str_enum, utcnow


class VersionStatus(str, enum.Enum):
    """Life of a version: edited as a draft, then published (immutable), later retired."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Template(Model):
    """A checklist, e.g. 'Customer service mystery shop', across all its versions."""

    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template", order_by="TemplateVersion.number", cascade="all, delete-orphan"
    )

    def latest_published(self) -> TemplateVersion | None:
        """The version new visits start on."""
        published = [v for v in self.versions if v.status is VersionStatus.PUBLISHED]
        return published[-1] if published else None


class TemplateVersion(Model):
    """One numbered version of a template; `definition` is the validated checklist JSON."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "number", name="uq_template_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id"), index=True)
    number: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(
        str_enum(VersionStatus, "version_status"), default=VersionStatus.DRAFT
    )
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    template: Mapped[Template] = relationship(back_populates="versions")


class PublishedVersionChanged(Exception):
    """Raised when code tries to edit the definition of a published version."""


@event.listens_for(TemplateVersion, "before_update")
def _published_versions_are_immutable(mapper, connection, target: TemplateVersion) -> None:
    """Guard the rule in the model itself so no service can break it by accident."""
    state = inspect(target)
    definition = state.attrs.definition.history
    status = state.attrs.status.history
    was_published = (status.deleted and status.deleted[0] is not VersionStatus.DRAFT) or (
        not status.deleted and target.status is not VersionStatus.DRAFT
    )
    if definition.has_changes() and was_published:
        raise PublishedVersionChanged(
            f"template version {target.id} is {target.status.value}; make a new draft to change it"
        )
