"""Passwords are stored as scrypt hashes and tokens only as SHA-256: the database never holds a secret."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from server.models import ApiToken, Role
from server.services.accounts.tokens import issue_token
from server.services.accounts.users import authenticate, create_user, set_password


def test_passwords_are_stored_with_scrypt_at_its_real_default_cost(app, session):
    app.config.pop("PASSWORD_HASH_METHOD")
    user = create_user(
        session, email="real@example.test", name="Real", role=Role.SHOPPER, password="a long enough password"
    )
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert "a long enough password" not in user.password_hash
    assert authenticate(session, "real@example.test", "a long enough password") == user


def test_a_changed_password_is_stored_as_scrypt_too(session, make):
    user = make.user()
    set_password(session, user, "another long password")
    assert user.password_hash.startswith("scrypt:")
    assert authenticate(session, user.email, "another long password") == user


def test_a_token_is_stored_only_as_its_sha256(session, make):
    token, plaintext = issue_token(session, make.user(), "Phone")
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    rows = session.execute(text("SELECT * FROM api_tokens")).all()
    dump = repr(rows)
    assert plaintext not in dump
    assert plaintext[len(token.prefix) :] not in dump


def test_a_token_carries_at_least_256_random_bits_and_a_recognisable_prefix(session, make):
    user = make.user()
    tokens = {issue_token(session, user, "Phone")[1] for _ in range(20)}
    assert len(tokens) == 20
    for plaintext in tokens:
        assert plaintext.startswith("fa_")
        assert len(plaintext) - 3 >= 43  # 32 bytes in url-safe base64
    assert session.query(ApiToken).count() == 20
