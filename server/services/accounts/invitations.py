"""Inviting people by e-mail: the admin gives a name, an address and a role; the person chooses their password.

The user exists at once (assignments can name them) but cannot sign in until they follow the link."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from server.extensions import DbSession
from server.models import TokenPurpose, User
from server.services.accounts.auth_log import Client, log_auth_event
from server.services.accounts.password_links import issue_link, link_url
from server.services.accounts.user_admin import add_user
from server.services.accounts.users import AccountError, has_password
from server.services.mail.compose import compose_and_queue, on_fieldaudit

ROLE_WORDS = {"admin": "an administrator", "manager": "a regional manager", "shopper": "a shopper"}


def invite_user(
    session: DbSession,
    actor: User | None,
    *,
    email: str,
    name: str,
    role: str,
    region_ids: Iterable[object] = (),
    base_url: str,
    days: int,
    client: Client = Client(),
) -> User:
    """Create the user without a password and queue their invitation, in the caller's transaction.

    `actor` None: the command line (`fieldaudit create-user --invite`)."""
    user = add_user(session, actor, email=email, name=name, role=role, password=None, region_ids=region_ids)
    _send_invitation(session, actor, user, base_url, days, client)
    return user


def resend_invitation(
    session: DbSession, actor: User, user: User, *, base_url: str, days: int, client: Client = Client()
) -> User:
    """A new invitation for someone who has not joined (the earlier link stops working). Not committed."""
    if has_password(user):
        raise AccountError("invitation", f"{user.email} has joined already: they can reset their password instead.")
    if not user.active:
        raise AccountError("invitation", f"{user.email} is deactivated: reactivate them first.")
    _send_invitation(session, actor, user, base_url, days, client)
    return user


def _send_invitation(
    session: DbSession, actor: User | None, user: User, base_url: str, days: int, client: Client
) -> None:
    token, row = issue_link(session, user, TokenPurpose.INVITATION, timedelta(days=days))
    compose_and_queue(
        session,
        [user.email],
        f"Your invitation to {on_fieldaudit(session)}",
        "invitation",
        kind="invitation",
        name=user.name,
        email=user.email,
        inviter=actor.name if actor is not None else "Your administrator",
        role=ROLE_WORDS.get(user.role.value, user.role.value),
        link=link_url(base_url, token),
        expires=row.expires_at,
    )
    log_auth_event(
        session,
        "invitation_sent",
        client,
        user=user,
        actor=actor,
        summary=f"Invitation e-mailed to {user.email} by {actor.email if actor is not None else 'the command line'} "
        f"(valid {days} day{'s' if days != 1 else ''})",
    )
