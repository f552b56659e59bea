"""A bearer request signs in with one query for the token and its user, and records use with one UPDATE a minute."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from server.extensions import db
from server.models import ApiToken
from server.models.types import utcnow
from server.services.accounts.tokens import find_token, issue_token, touch_token
from tests.server.auth_helpers import bearer
from tests.statements import count_statements

ME = "/api/v1/me"


def sign_in_statements(seen) -> list[str]:
    """The statements of a request that read or write tokens or users (the sign-in's share)."""
    return [sql for sql in seen.sql if " api_tokens" in sql or "FROM users" in sql]


def stored_last_use(token_id: int):
    """last_used_at as committed, read on a connection of its own."""
    with db.engine.connect() as conn:
        return conn.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))


def test_a_first_request_reads_token_and_user_at_once_and_records_use_in_one_update(client, session, make):
    token, plaintext = issue_token(session, make.user(), "Phone")
    session.commit()
    with count_statements() as seen:
        assert client.get(ME, headers=bearer(plaintext)).status_code == 200
    statements = sign_in_statements(seen)
    assert len(statements) == 2, str(seen)
    assert statements[0].startswith("SELECT api_tokens.") and " JOIN users " in statements[0]
    assert statements[1].startswith("UPDATE api_tokens SET last_used_at")
    assert stored_last_use(token.id) is not None


def test_a_request_within_the_minute_costs_one_statement_and_writes_nothing(client, session, make):
    token, plaintext = issue_token(session, make.user(), "Phone")
    session.commit()
    client.get(ME, headers=bearer(plaintext))
    recorded = stored_last_use(token.id)
    with count_statements() as seen:
        assert client.get(ME, headers=bearer(plaintext)).status_code == 200
    assert len(sign_in_statements(seen)) == 1, str(seen)
    assert stored_last_use(token.id) == recorded


def test_revoked_and_expired_tokens_are_still_refused_and_never_touched(client, session, make):
    revoked, revoked_text = issue_token(session, make.user(), "Old phone")
    expired, expired_text = issue_token(session, make.user(), "Older phone", lifetime=timedelta(seconds=-1))
    revoked.revoked_at = utcnow()
    session.commit()
    for token, plaintext, reason in (
        (revoked, revoked_text, "token_revoked"),
        (expired, expired_text, "token_expired"),
    ):
        response = client.get(ME, headers=bearer(plaintext))
        assert response.status_code == 401 and response.json["reason"] == reason
        assert stored_last_use(token.id) is None


def test_recording_use_keeps_the_token_and_its_user_loaded(session, make):
    user = make.user()
    _, plaintext = issue_token(session, user, "Phone")
    session.expire_all()
    token = find_token(session, plaintext)
    assert touch_token(session, token) is True
    with count_statements() as seen:
        assert token.user.email == user.email and token.last_used_at is not None
    assert seen.count == 0, str(seen)


def test_use_another_request_recorded_meanwhile_is_not_written_again(session, make):
    _, plaintext = issue_token(session, make.user(), "Phone")
    session.commit()
    session.expire_all()
    token, now = find_token(session, plaintext), utcnow()  # this request loaded the token never used...
    with db.engine.begin() as conn:  # ...and another worker's request recorded a use just after
        conn.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    assert token.last_used_at is None
    assert touch_token(session, token, now + timedelta(seconds=5)) is False
    assert stored_last_use(token.id) == now
