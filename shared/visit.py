"""A completed visit as loaded from the wire: frozen dataclasses for the visit, its answers and its photo manifest."""

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
