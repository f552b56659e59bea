"""One account's store: its account row, and the Pulled, Drafts and Outbox objects every query of it goes through."""

from __future__ import annotations

from pathlib import Path

from shared.phone_settings import PhoneSettings

from . import accounts
from .db import Database
from .drafts import Drafts
from .models import Account
from .outbox import Outbox
from .pulled import Pulled


class AccountStore:
    """One account's data (LocalStore.for_account); every part filters by the account, so users never mix."""

    def __init__(self, db: Database, account_id: int, photo_folder: Path) -> None:
        self.db, self.account_id, self.photo_folder = db, account_id, photo_folder
        self.pulled = Pulled(db, account_id)
        self.drafts = Drafts(db, account_id, photo_folder, self.pulled)
        self.outbox = Outbox(db, account_id, photo_folder)

    @property
    def account(self) -> Account:
        """The account as stored now (token, cursor, needs_login...)."""
        return accounts.get_account(self.db, self.account_id)

    def set_token_problem(self, reason: str | None) -> None:
        """Mark the token refused (expired, revoked...) so the UI asks the user to sign in again."""
        accounts.set_token_problem(self.db, self.account_id, reason)

    def store_phone_settings(self, settings: PhoneSettings) -> None:
        """Keep the organisation settings the server sent at this sync (the app follows them until the next)."""
        accounts.set_phone_settings(self.db, self.account_id, settings)

    def mark_synced(self) -> None:
        """Record the time of a completed sync and drop withdrawn rows no visit needs any more."""
        accounts.set_last_sync(self.db, self.account_id)
        self.pulled.purge_unneeded()
