"""A completed visit as loaded from the wire: frozen dataclasses for the visit, its answers, its photo manifest and
its outcome (completed, or could not be completed and why)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

Scalar = str | int | float | bool


@dataclass(frozen=True)
class Answer:
    """One answer: a value, or N/A, and an optional comment; value None means no value was given."""

    question: str
    value: Scalar | None = None
    na: bool = False
    comment: str = ""


@dataclass(frozen=True)
class Location:
    """Where the device was when the visit was made (WGS 84 degrees, accuracy in metres if known)."""

    lat: float
    lon: float
    accuracy_m: float | None = None


NOT_COMPLETED_REASONS = ("shop_closed", "refused_entry", "branch_not_found", "unsafe", "other")
"""Why a shopper could not complete a visit (the wire's outcome.reason); "other" needs a comment."""

NOT_COMPLETED_LABELS = {
    "shop_closed": "Shop closed",
    "refused_entry": "Refused entry",
    "branch_not_found": "Branch not found or moved",
    "unsafe": "Unsafe to visit",
    "other": "Other",
}
"""How web pages and reports name each reason (the phone translates its own)."""

OUTCOME_COMMENT_LIMIT = 1000
"""Longest outcome comment, in characters."""


@dataclass(frozen=True)
class Outcome:
    """How the visit ended: completed (the default, never written on the wire) or not_completed with a reason."""

    status: str = "completed"
    reason: str | None = None
    comment: str = ""

    @property
    def completed(self) -> bool:
        """A normal visit, with answers to validate and score."""
        return self.status == "completed"


COMPLETED = Outcome()


@dataclass(frozen=True)
class PhotoRef:
    """One entry of a visit's photo manifest: the bytes travel separately and are checked against it.

    ``taken_at`` and ``location`` (visit format 2) say when and where the phone took the photo; None = not known.
    """

    id: uuid.UUID
    question: str
    sha256: str
    size: int
    content_type: str
    taken_at: datetime | None = None
    location: Location | None = None

    @property
    def has_capture(self) -> bool:
        """Whether the entry carries a capture time or position (a format 2 field)."""
        return self.taken_at is not None or self.location is not None


@dataclass(frozen=True)
class Visit:
    """A completed visit pinned to one template version; ids are made on the device, times are UTC."""

    id: uuid.UUID
    template_version_id: int
    branch_id: int
    started_at: datetime
    finished_at: datetime
    assignment_id: uuid.UUID | None = None
    location: Location | None = None
    base_revision: int | None = None
    answers: tuple[Answer, ...] = ()
    photos: tuple[PhotoRef, ...] = ()
    outcome: Outcome = COMPLETED
