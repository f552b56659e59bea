"""Admin changes to user accounts: create, edit role and regions, deactivate, reset password, revoke tokens.

All logged; none committed (the page or command that asks commits)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.extensions import DbSession
from server.models import ApiToken, Region, Role, User
from server.services.accounts.auth_log import Client, log_auth_event
from server.services.accounts.mfa import clear_mfa
from server.services.accounts.tokens import revoke_token
from server.services.accounts.users import (
    AccountError,
    PasswordChange,
    create_user,
    deactivate_user,
    reactivate_user,
    set_password,
)
from server.services.accounts.web_sessions import end_user_sessions
from server.services.activity import log_activity

__all__ = [
    "AccountError",
    "list_users",
    "add_user",
    "edit_user",
    "set_user_active",
    "reset_password",
    "reset_second_factor",
    "revoke_user_token",
]


def list_users(session: DbSession, *, role: str | None = None, active: bool | None = None) -> list[User]:
    """Users by name, optionally of one role and/or active state."""
    query = select(User).options(selectinload(User.regions)).order_by(User.name, User.id)
    if role:
        query = query.where(User.role == Role(role))
    if active is not None:
        query = query.where(User.active.is_(active))
    return list(session.scalars(query))


def _regions(session: DbSession, region_ids: Iterable[object]) -> list[Region]:
    ids = set()
    for value in region_ids:
        text = str(value)
        if not text.isdigit():
            raise AccountError("regions", f"Unknown region {value!r}.")
        ids.add(int(text))
    found = list(session.scalars(select(Region).where(Region.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise AccountError("regions", "One of the chosen regions no longer exists.")
    return found


def _role(value: object) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise AccountError("role", "Choose a role: admin, manager or shopper.") from None


def add_user(
    session: DbSession,
    actor: User | None,
    *,
    email: str,
    name: str,
    role: str,
    password: str | None,
    region_ids: Iterable[object] = (),
) -> User:
    """Create a user (managers with their regions) and log it; no password: invited by e-mail (invitations.py)."""
    regions = _regions(session, region_ids)
    user = create_user(session, email=email, name=name, role=_role(role), password=password, regions=regions)
    log_activity(session, actor, "create", "user", user.id, f"Created {user.role.value} {user.email}")
    return user


def edit_user(session: DbSession, actor: User, user: User, *, role: str, region_ids: Iterable[object] = ()) -> User:
    """Change a user's role and (for managers) regions; admins cannot demote themselves."""
    new_role = _role(role)
    regions = _regions(session, region_ids)
    if user.id == actor.id and new_role is not Role.ADMIN:
        raise AccountError("role", "You cannot take the admin role away from yourself.")
    if regions and new_role is not Role.MANAGER:
        raise AccountError("regions", "Only managers are linked to regions.")
    user.role, user.regions = new_role, regions
    codes = ", ".join(r.code for r in regions) or "none"
    log_activity(session, actor, "update", "user", user.id, f"Set {user.email} to {new_role.value} (regions: {codes})")
    return user


def set_user_active(session: DbSession, actor: User, user: User, active: bool) -> User:
    """Deactivate (ends web sessions, revokes tokens) or reactivate a user; nobody deactivates themselves."""
    if user.active == active:
        return user
    if not active and user.id == actor.id:
        raise AccountError("active", "You cannot deactivate your own account.")
    log_activity(
        session,
        actor,
        "reactivate" if active else "deactivate",
        "user",
        user.id,
        f"{'Reactivated' if active else 'Deactivated'} {user.email}",
    )
    (reactivate_user if active else deactivate_user)(session, user)
    return user


def reset_password(
    session: DbSession,
    actor: User | None,
    user: User,
    password: str,
    confirm: str,
    client: Client,
    *,
    via: str = "the admin pages",
) -> PasswordChange:
    """Set a temporary password chosen by an admin (web or CLI): the user must replace it at next sign-in.

    Revokes every API token and ends every web session of the user. Not committed.
    """
    if password != confirm:
        raise AccountError("confirm", "The two passwords differ.")
    change = set_password(session, user, password, temporary=True)
    who = actor.email if actor is not None else "the command line"
    log_auth_event(
        session,
        "password_reset",
        client,
        user=user,
        actor=actor,
        summary=f"Temporary password for {user.email} set by {who} ({via}); {change.describe()}",
    )
    return change


def reset_second_factor(
    session: DbSession, actor: User | None, user: User, client: Client, *, via: str = "the admin pages"
) -> None:
    """Remove a user's authenticator and recovery codes (lost phone): they enrol again at next sign-in. Not committed.

    An admin cannot reset their own from the admin pages (their account page replaces it), so one
    admin cannot quietly drop the factor that protects their own account.
    """
    if actor is not None and actor.id == user.id:
        raise AccountError("mfa", "Use your account page to set up a new authenticator for yourself.")
    if not user.mfa_enabled and not user.totp_pending_secret:
        raise AccountError("mfa", f"{user.email} has no second factor to reset.")
    clear_mfa(session, user)
    end_user_sessions(session, user, "mfa_reset")
    who = actor.email if actor is not None else "the command line"
    log_auth_event(
        session,
        "mfa_reset",
        client,
        user=user,
        actor=actor,
        summary=f"Second factor of {user.email} reset by {who} ({via})",
    )


def revoke_user_token(
    session: DbSession, actor: User, user: User, token_id: int, client: Client = Client()
) -> ApiToken | None:
    """Revoke one of this user's tokens; None if the id is not one of theirs."""
    token = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None or token.user_id != user.id:
        return None
    was_active = token.revoked_at is None
    revoke_token(session, actor, token_id)
    if was_active:
        log_auth_event(
            session,
            "token_revoked",
            client,
            user=user,
            actor=actor,
            summary=f"Revoked token {token.prefix}… ({token.name}) of {user.email}",
        )
    return token
