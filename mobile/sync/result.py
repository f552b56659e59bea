"""What a sync run did, for the UI to summarise ("3 visits sent, 1 needs attention"), and the progress stages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

PULL, PUSH, PHOTOS, REFRESH = "pull", "push", "photos", "refresh"
"""Stages of progress(stage, done, total): changes pulled, visits pushed, photo bytes acknowledged, visits refreshed."""

Progress = Callable[[str, int, "int | None"], None]
"""progress(stage, done, total); total is None when unknown (pulling pages)."""

log = logging.getLogger("fieldaudit.sync")


@dataclass
class SyncResult:
    """Counts and problems of one run; nothing the phone held is lost whatever happened."""

    pulled: int = 0
    pages: int = 0
    pushed: int = 0
    uploaded: int = 0
    uploaded_bytes: int = 0
    refreshed: int = 0
    conflicts: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    auth_error: str | None = None
    cancelled: bool = False
    offline: bool = False
    """The server could not be reached at all (after retries): the UI shows the phone as offline."""
    retries: int = 0

    @property
    def ok(self) -> bool:
        """True when the run finished with nothing refused and nothing left to retry."""
        return not (self.errors or self.auth_error or self.cancelled or self.conflicts or self.invalid or self.failed)

    @property
    def needs_login(self) -> bool:
        """The token was refused: ask the user to sign in again (their data is kept)."""
        return self.auth_error is not None

    def summary(self) -> str:
        """One English line for logs and tests (the app words what the shopper reads itself, translated)."""
        if self.auth_error:
            return f"Sign in again: {self.auth_error}"
        parts = [
            counted(self.pushed, "visit sent", "visits sent"),
            counted(self.uploaded, "photo uploaded", "photos uploaded"),
            counted(self.pulled, "update", "updates"),
        ]
        attention = len(self.conflicts) + len(self.invalid) + len(self.failed)
        if attention:
            parts.append(counted(attention, "visit needs attention", "visits need attention"))
        if self.cancelled:
            parts.append("cancelled")
        if self.errors:
            parts.append(self.errors[-1])
        return "; ".join(parts)


def counted(count: int, singular: str, plural: str) -> str:
    """English count and noun for log lines ("1 visit sent", "2 visits sent"); the UI words its own via i18n."""
    return f"{count} {singular if count == 1 else plural}"


def report(progress: Progress | None, stage: str, done: int, total: int | None) -> None:
    """Call the UI's progress callback; a failing callback is logged, never allowed to break the sync."""
    if progress is None:
        return
    try:
        progress(stage, done, total)
    except Exception:  # noqa: BLE001 - the UI's bug must not lose the user's data
        log.exception("progress callback failed")
