"""The part of an account's store the sync engine writes: outbox, push answers, photo progress, server state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from shared.phone_settings import PhoneSettings

from . import accounts, outbox, pulled
from .db import Database
from .models import LocalPhoto, VisitState
from .outbox import QueuedVisit


class SyncSide:
    """Mixin of AccountStore: every method is one short transaction filtered by the account."""

    db: Database
    account_id: int
    photo_folder: Path

    def queued_visits(self) -> list[QueuedVisit]:
        """Finished visits waiting to be pushed, with their frozen documents, oldest first."""
        return outbox.queued(self.db, self.account_id)

    def record_push_result(self, visit_id: str, result: Mapping[str, Any],
                           pushed: Mapping[str, Any] | None = None) -> VisitState | None:
        """Store the server's per-visit answer (for the ``pushed`` document); only created/unchanged make it sent."""
        return outbox.record_push_result(self.db, self.account_id, str(visit_id), result, pushed)

    def mark_error(self, visit_ids: Iterable[str], message: str, errors: Mapping[str, Any] | None = None,
                   *, states: Iterable[str] = (VisitState.OUTBOX,)) -> None:
        """Mark visits refused with a message (and field errors); they keep everything and can be queued again."""
        outbox.mark_error(self.db, self.account_id, [str(v) for v in visit_ids], message, errors, states=states)

    def note_problem(self, visit_id: str, message: str | None) -> None:
        """Show a message on a visit without changing its state."""
        outbox.note_problem(self.db, self.account_id, str(visit_id), message)

    def photos_to_upload(self) -> list[LocalPhoto]:
        """Photos whose visit the server holds but whose bytes it still lacks."""
        return outbox.photos_to_upload(self.db, self.account_id)

    def set_photo_offset(self, photo_id: str, received: int) -> None:
        """Bytes of a photo the server has acknowledged so far."""
        outbox.set_photo_offset(self.db, self.account_id, str(photo_id), received)

    def mark_photo_uploaded(self, photo_id: str, visit_status: str | None = None) -> VisitState | None:
        """The server has the whole photo; the visit is sent once its last photo is. Returns the visit's state."""
        return outbox.mark_photo_uploaded(self.db, self.account_id, str(photo_id), visit_status)

    def update_server_state(self, visit_id: str, data: Mapping[str, Any]) -> None:
        """Store the server's record of a visit (status, score, review note, missing photos)."""
        outbox.update_server_state(self.db, self.account_id, str(visit_id), data)

    def set_token_problem(self, reason: str | None) -> None:
        """Mark the token refused (expired, revoked...) so the UI asks the user to sign in again."""
        accounts.set_token_problem(self.db, self.account_id, reason)

    def store_phone_settings(self, settings: PhoneSettings) -> None:
        """Keep the organisation settings the server sent at this sync (the app follows them until the next)."""
        accounts.set_phone_settings(self.db, self.account_id, settings)

    def mark_synced(self) -> None:
        """Record the time of a completed sync and drop withdrawn rows no visit needs any more."""
        accounts.set_last_sync(self.db, self.account_id)
        pulled.purge_unneeded(self.db, self.account_id)
