"""The phone's store: a SQLite file (it holds bearer tokens: keep it in the app's private dir, mode 0600) and photos."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from . import accounts
from .account_store import AccountStore
from .db import Database, Migration
from .migrations import MIGRATIONS
from .models import Account
from .photofiles import remove_orphans

DB_NAME = "fieldaudit.db"
PHOTO_DIR = "photos"


class LocalStore:
    """Accounts on this device, and the per-account view (for_account) through which all their data goes."""

    def __init__(self, directory: Path | str, *, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.db = Database(self.directory / DB_NAME, migrations)
        self._views: dict[int, AccountStore] = {}
        self.remove_orphan_files()

    def photo_folder(self, account_id: int) -> Path:
        """Where an account's photo files live (one folder per account)."""
        return self.directory / PHOTO_DIR / str(account_id)

    def accounts(self) -> list[Account]:
        """Every account on this device (for the account picker)."""
        return accounts.list_accounts(self.db)

    def account(self, account_id: int) -> Account:
        """One account (NotFound if there is none)."""
        return accounts.get_account(self.db, account_id)

    def save_account(
        self,
        *,
        server_url: str,
        user_id: int,
        email: str,
        name: str,
        role: str,
        token: str,
        token_id: int | None = None,
        token_expires_at: datetime | None = None,
    ) -> Account:
        """Add an account after sign-in, or renew the token of a known one (its data and cursor stay)."""
        return accounts.save_account(
            self.db,
            server_url=server_url,
            user_id=user_id,
            email=email,
            name=name,
            role=role,
            token=token,
            token_id=token_id,
            token_expires_at=token_expires_at,
        )

    def for_account(self, account_id: int) -> AccountStore:
        """The view of one account's data: every query it makes filters by this account."""
        accounts.get_account(self.db, account_id)
        if account_id not in self._views:
            self._views[account_id] = AccountStore(self.db, account_id, self.photo_folder(account_id))
        return self._views[account_id]

    def token_id(self, account_id: int) -> int | None:
        """The server-side id of the account's token (to revoke it when signing out)."""
        return accounts.token_id(self.db, account_id)

    def sign_out(self, account_id: int) -> None:
        """Forget the account's token on this device; its visits and pulled data stay for the next sign-in."""
        accounts.forget_token(self.db, account_id)

    def remove_account(self, account_id: int, *, force: bool = False) -> None:
        """Delete an account with all its data and photos; refused while it has unsent visits unless ``force``."""
        accounts.remove_account(self.db, account_id, force=force)
        self._views.pop(account_id, None)
        remove_orphans(self.photo_folder(account_id), set())

    def remove_orphan_files(self) -> int:
        """Delete photo files no row names (a crash between copying and recording); run at open, before captures."""
        removed = 0
        for account in self.accounts():
            names = {
                r["file_name"]
                for r in self.db.query(
                    "SELECT file_name FROM photos WHERE account_id = ? AND file_name IS NOT NULL", (account.id,)
                )
            }
            removed += remove_orphans(self.photo_folder(account.id), names)
        return removed

    def close(self) -> None:
        """Close the store file."""
        self.db.close()

    def __enter__(self) -> LocalStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
