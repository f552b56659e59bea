"""Demo accounts (users.demo) carry a published password: tell whether any can still sign in, and close them."""

from __future__ import annotations

import secrets

from sqlalchemy import exists, func, select

from server.extensions import DbSession
from server.models import Role, User
from server.services.accounts.users import deactivate_user, hash_password
from server.services.activity import log_activity
from server.services.errors import Conflict


class DemoAccountsError(Conflict):
    """The demo accounts cannot be removed now (nobody could administer the site afterwards)."""

    def __init__(self, message: str):
        super().__init__(None, message)


def demo_accounts_present(session: DbSession) -> bool:
    """Whether any demo account can still sign in (one EXISTS query: it runs on every admin page)."""
    return bool(session.scalar(select(exists().where(User.demo.is_(True), User.active.is_(True)))))


def active_demo_accounts(session: DbSession) -> list[User]:
    """The demo accounts that can still sign in, by email."""
    return list(session.scalars(select(User).where(User.demo.is_(True), User.active.is_(True)).order_by(User.email)))


def remove_demo_accounts(session: DbSession) -> list[str]:
    """Deactivate every demo account, replace its password by a random one and revoke its tokens.

    The accounts stay (visits, reviews and the activity log point at them) but can never sign in with the
    published password again, even if an admin reactivates one. Refused while no other admin is active:
    removing the demo admin must not lock the operator out. Returns the emails closed. Not committed.
    """
    accounts = active_demo_accounts(session)
    if not accounts:
        return []
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.active.is_(True), User.demo.is_(False))
    )
    if not others:
        raise DemoAccountsError(
            "No admin other than the demo admin is active: create one first with "
            "`fieldaudit create-user --role admin`, then remove the demo accounts."
        )
    for user in accounts:
        user.password_hash = hash_password(secrets.token_urlsafe(32))
        log_activity(session, None, "deactivate", "user", user.id, f"Removed demo account {user.email}")
        deactivate_user(session, user)  # ends web sessions, revokes API tokens
    return [user.email for user in accounts]
