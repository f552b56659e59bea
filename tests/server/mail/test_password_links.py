"""The link rules at the service level: a link is stored only as a hash, works once even when two requests use it
at the same moment, and stops working when a newer one is made, the password changes or the user is deactivated."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import PasswordToken, TokenPurpose, User
from server.services.accounts.auth_log import Client
from server.services.accounts.password_links import issue_link, open_link, use_link
from server.services.accounts.users import AccountError, deactivate_user, set_password
from server.services.transactions import atomic

NEW = "a brand new passphrase"


def _link(session, user, purpose=TokenPurpose.RESET):
    with atomic(session):
        token, _ = issue_link(session, user, purpose, timedelta(hours=1))
    return token


def test_only_the_hash_of_a_link_is_stored(app, session, make):
    token = _link(session, make.user())
    [row] = session.scalars(select(PasswordToken)).all()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash


def test_two_requests_using_one_link_at_the_same_moment_set_the_password_once(app, session, make):
    user_id = make.user(email="sam@example.test").id
    token = _link(session, session.get(User, user_id))
    start, outcomes = threading.Barrier(2), []

    def use(password):
        with app.app_context():
            try:
                start.wait(10)
                with atomic(db.session):
                    use_link(db.session, token, password, password, Client())
                outcomes.append(("won", password))
            except AccountError as exc:
                outcomes.append(("lost", exc.field))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=use, args=(p,)) for p in (NEW, "another long passphrase")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(kind for kind, _ in outcomes) == ["lost", "won"], outcomes
    assert [field for kind, field in outcomes if kind == "lost"] == ["token"]
    session.expire_all()
    assert open_link(session, token) is None


def test_a_newer_link_a_password_change_or_a_deactivation_spends_the_links(app, session, make):
    user = make.user()
    older = _link(session, user)
    invitation = _link(session, user, TokenPurpose.INVITATION)
    newer = _link(session, user)
    assert open_link(session, older) is None and open_link(session, newer) is not None
    assert open_link(session, invitation) is not None  # another purpose is not replaced
    with atomic(session):
        set_password(session, user, NEW)
    assert open_link(session, newer) is None and open_link(session, invitation) is None
    last = _link(session, user)
    with atomic(session):
        deactivate_user(session, user)
    assert open_link(session, last) is None


def test_nonsense_tokens_match_nothing(app, session, make):
    _link(session, make.user())
    for token in ("", "short", "x" * 500, "ünïcode-token-that-is-long-enough", None, 42):
        assert open_link(session, token) is None
