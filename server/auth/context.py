"""The request's side of signing in: who is calling from where, and the web session in the cookie."""

from __future__ import annotations

from flask import g, request, session
from flask_login import current_user

from server.auth.loaders import SESSION_KEY
from server.extensions import db
from server.models import SessionStage, User, WebSession
from server.services.accounts.auth_log import Client
from server.services.accounts.web_sessions import advance_session, start_session, usable_session

NEXT_KEY = "after_sign_in"


def current_client() -> Client:
    """The client address (after trusted proxies) and user agent of this request."""
    return Client.of(request.remote_addr, request.user_agent.string)


def current_web_session() -> WebSession | None:
    """The fully signed-in session record of this request, if any (the loader finds it with the user)."""
    current_user._get_current_object()  # runs the loader once per request, which sets g.web_session
    return g.get("web_session")


def pending_session(stage: SessionStage) -> WebSession | None:
    """This browser's half-finished sign-in at `stage`, if it is still usable."""
    return usable_session(db.session, session.get(SESSION_KEY), stage)


def any_pending_session() -> WebSession | None:
    """This browser's half-finished sign-in at whatever stage, if any."""
    record = usable_session(db.session, session.get(SESSION_KEY))
    return record if record is not None and record.stage is not SessionStage.ACTIVE else None


def begin_web_session(user: User, stage: SessionStage, target: str) -> WebSession:
    """A fresh cookie session (nothing from before sign-in survives) naming a new record at `stage` (not committed)."""
    session.clear()
    record, plaintext = start_session(db.session, user, stage, current_client())
    session.permanent = True
    session[SESSION_KEY] = plaintext
    session[NEXT_KEY] = target
    return record


def move_web_session(record: WebSession, stage: SessionStage) -> None:
    """Advance a pending sign-in to `stage` under a new id, keeping where the user was heading (not committed)."""
    target = session.get(NEXT_KEY)
    plaintext = advance_session(db.session, record, stage)
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = plaintext
    if target:
        session[NEXT_KEY] = target


def take_target(default: str) -> str:
    """Where to go once signed in (remembered from the sign-in form), then forgotten."""
    return session.pop(NEXT_KEY, None) or default
