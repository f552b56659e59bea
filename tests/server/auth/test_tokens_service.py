"""The token service: issue, list, revoke, expire, and note use without a write per request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.models.types import utcnow
from server.services.accounts.tokens import (
    TokenNotFound,
    authenticate_token,
    issue_token,
    list_tokens,
    revoke_token,
    token_problem,
    touch_token,
)
from server.services.accounts.users import deactivate_user


def test_an_issued_token_authenticates_its_user_until_it_expires(app, session, make):
    user = make.user()
    token, plaintext = issue_token(session, user, "Pixel 7")
    assert authenticate_token(session, plaintext) == user
    assert token.expires_at - token.created_at == pytest.approx(app.config["TOKEN_LIFETIME"], abs=timedelta(seconds=5))
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert authenticate_token(session, plaintext) is None
    assert token_problem(token) == "expired"


def test_the_lifetime_can_be_given_explicitly(session, make):
    token, _ = issue_token(session, make.user(), "Tablet", lifetime=timedelta(hours=1))
    assert timedelta(minutes=59) < token.expires_at - utcnow() <= timedelta(hours=1)


def test_a_blank_or_overlong_device_name_is_tidied(session, make):
    user = make.user()
    assert issue_token(session, user, "   ")[0].name == "Unnamed device"
    assert len(issue_token(session, user, "x" * 500)[0].name) == 120


@pytest.mark.parametrize("plaintext", [None, "", "fa_", "fa_unknown", "not-ours", "fa_" + "x" * 500, "fa_\ud800"])
def test_unknown_and_malformed_tokens_authenticate_nobody(session, make, plaintext):
    issue_token(session, make.user(), "Phone")
    assert authenticate_token(session, plaintext) is None


def test_listing_shows_the_users_working_tokens_newest_first(session, make):
    user, other = make.user(), make.user()
    first, _ = issue_token(session, user, "Old phone")
    second, _ = issue_token(session, user, "New phone")
    revoked, _ = issue_token(session, user, "Lost phone")
    expired, _ = issue_token(session, user, "Ancient phone", lifetime=timedelta(seconds=-1))
    issue_token(session, other, "Someone else's")
    revoke_token(session, user, revoked.id)
    assert list_tokens(session, user) == [second, first]
    assert set(list_tokens(session, user, include_inactive=True)) == {first, second, revoked, expired}


def test_the_owner_revokes_a_token_and_it_stops_working(session, make):
    user = make.user()
    token, plaintext = issue_token(session, user, "Phone")
    revoke_token(session, user, token.id)
    assert authenticate_token(session, plaintext) is None
    assert token_problem(token) == "revoked"
    when = token.revoked_at
    revoke_token(session, user, token.id)
    assert token.revoked_at == when, "revoking twice keeps the first time"


def test_an_admin_may_revoke_anyones_token(session, make):
    token, _ = issue_token(session, make.user(), "Phone")
    revoke_token(session, make.user("admin"), token.id)
    assert token.revoked_at is not None


@pytest.mark.parametrize("role", ["shopper", "manager"])
def test_nobody_else_may_revoke_a_token_and_it_looks_missing(session, make, role):
    token, _ = issue_token(session, make.user(), "Phone")
    with pytest.raises(TokenNotFound):
        revoke_token(session, make.user(role), token.id)
    for missing in (0, -1, 10**6, 2**31, 10**30):
        with pytest.raises(TokenNotFound):
            revoke_token(session, make.user("admin"), missing)
    assert token.revoked_at is None


def test_deactivating_a_user_makes_their_tokens_stop_working(session, make):
    user = make.user()
    _, plaintext = issue_token(session, user, "Phone")
    deactivate_user(session, user)
    assert authenticate_token(session, plaintext) is None


def test_an_inactive_owner_alone_is_enough_to_refuse_a_token(session, make):
    user = make.user()
    token, plaintext = issue_token(session, user, "Phone")
    user.active = False
    session.commit()
    assert authenticate_token(session, plaintext) is None
    assert token_problem(token) == "inactive"


def test_use_is_recorded_at_most_once_a_minute(session, make):
    token, _ = issue_token(session, make.user(), "Phone")
    now = utcnow()
    assert touch_token(session, token, now) is True
    assert touch_token(session, token, now + timedelta(seconds=30)) is False
    assert token.last_used_at == now
    assert touch_token(session, token, now + timedelta(seconds=61)) is True
