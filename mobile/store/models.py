"""What the store hands to the UI and the sync engine: frozen dataclasses read from one row each."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from marshmallow import ValidationError

from shared.errors import Issue
from shared.phone_settings import PhoneSettings, load_phone_settings
from shared.visit import COMPLETED, Location, Outcome, Scalar


class VisitState(StrEnum):
    """Where a visit stands on the phone (its sync state), shown by the UI next to every visit."""

    DRAFT = "draft"  # being filled in; answers and photos can change
    OUTBOX = "outbox"  # finished and frozen, waiting to be pushed
    SENT = "sent"  # the server said created/unchanged and has every photo
    AWAITING_PHOTOS = "awaiting_photos"  # the server has the visit; some photo bytes still to upload
    CONFLICT = "conflict"  # the server holds different content under this id; kept as is
    INVALID = "invalid"  # the server refused it with field errors; kept to fix or show
    ERROR = "error"  # another refusal (a 4xx) with a message; kept, can be queued again


UNSENT_STATES = frozenset(VisitState) - {VisitState.SENT}
"""States in which the phone still holds something the server lacks (never drop what such a visit needs)."""


def utcnow() -> datetime:
    """The current time, aware and in UTC."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """Store an aware date-time as ISO 8601 UTC with Z; naive times are refused (a phone's local time is ambiguous)."""
    if moment.tzinfo is None:
        raise ValueError("date-times must be aware (have a time zone)")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def from_text(text: str | None) -> datetime | None:
    """The aware datetime of a stored ISO string."""
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def loads(text: str | None, default: Any = None) -> Any:
    """JSON column to Python (None stays the default)."""
    return default if text is None else json.loads(text)


@dataclass(frozen=True)
class Account:
    """A signed-in user on this device; ``token`` is the bearer secret (kept only in the private store file)."""

    id: int
    server_url: str
    user_id: int
    email: str
    name: str
    role: str
    token: str | None = field(repr=False)
    token_expires_at: datetime | None
    token_problem: str | None
    cursor: str | None
    last_sync_at: datetime | None
    phone_settings: PhoneSettings = PhoneSettings()
    """What the server last said the app should show (defaults, the strict ones, until the first sync)."""

    @property
    def needs_login(self) -> bool:
        """True when the token is missing, expired or revoked: the UI asks for the password again."""
        return not self.token or self.token_problem is not None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Account:
        return cls(
            row["id"],
            row["server_url"],
            row["user_id"],
            row["email"],
            row["name"],
            row["role"],
            row["token"],
            from_text(row["token_expires_at"]),
            row["token_problem"],
            row["cursor"],
            from_text(row["last_sync_at"]),
            _phone_settings(row["phone_settings"]),
        )


def _phone_settings(text: str | None) -> PhoneSettings:
    """The stored settings; unreadable ones count as the defaults (the strict ones) until the next sync."""
    try:
        return load_phone_settings(loads(text))
    except (ValueError, ValidationError):
        return PhoneSettings()


@dataclass(frozen=True)
class Branch:
    """A branch the user may visit; ``removed`` when the server withdrew it but an unsent visit still needs it."""

    id: int
    code: str
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    region: dict[str, Any] | None
    removed: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Branch:
        return cls(
            row["id"],
            row["code"],
            row["name"],
            row["address"],
            row["latitude"],
            row["longitude"],
            loads(row["region"]),
            bool(row["tombstoned"]),
        )


@dataclass(frozen=True)
class Assignment:
    """A visit the server scheduled for this user (dates as ISO text, as the server sent them)."""

    id: str
    branch_id: int
    template_id: int
    template_version_id: int | None
    due_from: str | None
    due_to: str | None
    status: str
    notes: str
    removed: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Assignment:
        return cls(
            row["id"],
            row["branch_id"],
            row["template_id"],
            row["template_version_id"],
            row["due_from"],
            row["due_to"],
            row["status"],
            row["notes"],
            bool(row["tombstoned"]),
        )


@dataclass(frozen=True)
class TemplateVersion:
    """A published checklist version as pulled; ``definition`` is its checklist JSON document."""

    id: int
    template_id: int
    number: int
    title: str
    allow_adhoc: bool
    definition: dict[str, Any]
    removed: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> TemplateVersion:
        return cls(
            row["id"],
            row["template_id"],
            row["number"],
            row["title"],
            bool(row["allow_adhoc"]),
            json.loads(row["definition"]),
            bool(row["tombstoned"]),
        )


@dataclass(frozen=True)
class ServerState:
    """What the server last said about a visit it holds (push answer, pulled change or GET)."""

    revision: int | None
    status: str | None
    score_percent: float | None
    review_note: str
    missing_photos: tuple[str, ...]
    document: dict[str, Any] | None = field(repr=False)


@dataclass(frozen=True)
class LocalVisit:
    """A visit on the phone: draft, queued or sent, with its sync state, last error and the server's view."""

    id: str
    assignment_id: str | None
    branch_id: int
    template_version_id: int
    started_at: datetime
    finished_at: datetime | None
    location: Location | None
    base_revision: int | None
    state: VisitState
    last_error: str | None
    field_errors: dict[str, list[str]]
    server: ServerState | None
    outcome: Outcome = COMPLETED
    """How the visit ended: completed (also every draft), or could not be completed and why."""

    @property
    def discardable(self) -> bool:
        """A draft never sent (not a correction: the server holds that visit) may be deleted from the phone."""
        return self.state is VisitState.DRAFT and self.base_revision is None

    @property
    def editable(self) -> bool:
        """Only drafts take answers and photos."""
        return self.state is VisitState.DRAFT

    @property
    def correctable(self) -> bool:
        """The reviewer returned it: reopen_for_correction makes a new draft revision."""
        return self.server is not None and self.server.status == "returned" and self.state is VisitState.SENT

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> LocalVisit:
        loc = loads(row["location"])
        server = None
        if row["server_revision"] is not None or row["server_status"] is not None:
            server = ServerState(
                row["server_revision"],
                row["server_status"],
                row["server_score"],
                row["review_note"] or "",
                tuple(loads(row["server_missing_photos"], [])),
                loads(row["server_document"]),
            )
        stored_outcome = loads(row["outcome"])
        if stored_outcome is None and server is not None and server.document is not None:
            stored_outcome = server.document.get("outcome")  # a visit pulled from the server, made on another phone
        return cls(
            row["id"],
            row["assignment_id"],
            row["branch_id"],
            row["template_version_id"],
            from_text(row["started_at"]),  # type: ignore[arg-type]  # the column is NOT NULL
            from_text(row["finished_at"]),
            Location(**loc) if loc else None,
            row["base_revision"],
            VisitState(row["state"]),
            row["last_error"],
            loads(row["field_errors"], {}),
            server,
            _outcome(stored_outcome),
        )


def _outcome(data: Any) -> Outcome:
    """The stored outcome JSON (the wire shape) as shared's Outcome; none or unreadable counts as completed."""
    if not isinstance(data, dict) or data.get("status") != "not_completed":
        return COMPLETED
    return Outcome("not_completed", str(data.get("reason") or "other"), str(data.get("comment") or ""))


@dataclass(frozen=True)
class LocalAnswer:
    """One saved answer: a value, or N/A, and a comment (the screen's state, valid or not)."""

    question: str
    value: Scalar | None
    na: bool
    comment: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> LocalAnswer:
        return cls(row["question_key"], loads(row["value"]), bool(row["na"]), row["comment"])


@dataclass(frozen=True)
class LocalPhoto:
    """A photo of a visit; ``file_name`` None means only the server has its bytes (from an earlier revision).

    ``taken_at`` orders the photos; it is the capture time sent in the manifest when ``capture_known``.
    ``location`` is where the device was at capture (None: no fix, or not known).
    """

    id: str
    visit_id: str
    question: str
    file_name: str | None
    sha256: str
    size: int
    content_type: str
    taken_at: datetime
    uploaded_bytes: int
    uploaded: bool
    location: Location | None = None
    capture_known: bool = True

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> LocalPhoto:
        loc = loads(row["location"])
        return cls(
            row["id"],
            row["visit_id"],
            row["question_key"],
            row["file_name"],
            row["sha256"],
            row["size"],
            row["content_type"],
            from_text(row["taken_at"]),  # type: ignore[arg-type]
            row["uploaded_bytes"],
            bool(row["uploaded"]),
            Location(**loc) if loc else None,
            bool(row["capture_known"]),
        )


@dataclass(frozen=True)
class FinishResult:
    """The answer to finish_visit: ok and queued, or the issues the shopper must fix first."""

    ok: bool
    issues: tuple[Issue, ...] = ()
