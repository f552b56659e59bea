"""Forgotten passwords: a reset link by e-mail, asked for on the sign-in page.

The answer never tells whether an account exists: known, unknown and deactivated addresses take the same
steps (a lookup, a link made and a message rendered, an activity entry) and only a known active address gets
the message queued. The edge rate-limits requests per address and per client.
"""

from __future__ import annotations

from datetime import timedelta

from server.extensions import DbSession
from server.models import TokenPurpose, User
from server.models.types import utcnow
from server.services.accounts.auth_log import Client, log_auth_event, normal_email
from server.services.accounts.password_links import issue_link, link_url
from server.services.accounts.users import AccountError, find_user_by_email
from server.services.mail.compose import on_fieldaudit, render_mail
from server.services.mail.outbox import note_mail_queued, queue_mail

ANSWER = "If an account exists for that address, we sent a link to choose a new password. It works for {minutes}."


def request_password_reset(session: DbSession, email: object, client: Client, *, base_url: str, minutes: int) -> None:
    """Queue a reset link for the active user with this address; for anyone else do the same work, send nothing.

    Not committed (the caller commits, in every case, so each case costs the same)."""
    address = normal_email(email)
    user = find_user_by_email(session, address)
    lifetime = timedelta(minutes=minutes)
    subject = f"Choose a new password for {on_fieldaudit(session)}"
    if user is not None and user.active:
        token, row = issue_link(session, user, TokenPurpose.RESET, lifetime)
        expires, name = row.expires_at, user.name
    else:  # the same rendering as a real message, so the answer takes as long
        token, expires, name = "x" * 43, utcnow() + lifetime, "there"
    text, html = render_mail(
        session,
        "password_reset",
        subject=subject,
        name=name,
        email=address,
        link=link_url(base_url, token),
        expires=expires,
    )
    if user is not None and user.active:
        queue_mail(session, [user.email], subject, text, html, kind="password_reset")
        summary = f"Password reset link e-mailed to {user.email} (valid {minutes} min)"
    else:
        note_mail_queued(session)  # the delivery job starts either way: no difference in what follows
        why = "deactivated account" if user is not None else "no such account"
        summary = f"Password reset asked for {address or 'an empty address'}: nothing sent ({why})"
    log_auth_event(session, "password_reset_requested", client, user=user, email=address, summary=summary, actor=None)


def send_reset_link(
    session: DbSession, actor: User, user: User, client: Client, *, base_url: str, minutes: int
) -> None:
    """An admin sends the user a reset link (instead of choosing a temporary password for them). Not committed."""
    if not user.active:
        raise AccountError("reset", f"{user.email} is deactivated: reactivate them first.")
    subject = f"Choose a new password for {on_fieldaudit(session)}"
    token, row = issue_link(session, user, TokenPurpose.RESET, timedelta(minutes=minutes))
    text, html = render_mail(
        session,
        "password_reset",
        subject=subject,
        name=user.name,
        email=user.email,
        link=link_url(base_url, token),
        expires=row.expires_at,
    )
    queue_mail(session, [user.email], subject, text, html, kind="password_reset")
    log_auth_event(
        session,
        "password_reset_requested",
        client,
        user=user,
        actor=actor,
        summary=f"Password reset link e-mailed to {user.email} by {actor.email} (valid {minutes} min)",
    )
