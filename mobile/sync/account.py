"""Signing in and out on the phone: the token goes into the store's account row, the account's data stays."""

from __future__ import annotations

import requests

from mobile.store import Account, LocalStore

from .client import ApiClient, IssuedToken, normalise_server_url
from .enrolment import Enrolment
from .errors import ApiError


def sign_in(
    store: LocalStore,
    server: str,
    email: str,
    password: str,
    device_name: str,
    *,
    otp: str | None = None,
    session: requests.Session | None = None,
) -> Account:
    """Log in and save (or renew) the account; raises AuthError for wrong credentials (or a missing or wrong
    second-factor code, ``otp``), NetworkError offline."""
    url = normalise_server_url(server)
    return _save(store, url, ApiClient(url, session=session).login(email, password, device_name, otp))


def sign_in_with_code(
    store: LocalStore, enrolment: Enrolment, device_name: str, *, session: requests.Session | None = None
) -> Account:
    """Sign in with the one-time code an admin showed (parsed from the QR link) and save the account exactly as a
    password sign-in does; AuthError when the code is unknown, used or expired, NetworkError/TlsError offline."""
    return _save(
        store, enrolment.server, ApiClient(enrolment.server, session=session).enrol(enrolment.code, device_name)
    )


def _save(store: LocalStore, url: str, issued: IssuedToken) -> Account:
    """Save (or renew) the account a sign-in issued a token for; the account's data stays."""
    return store.save_account(
        server_url=url,
        user_id=issued.user_id,
        email=issued.email,
        name=issued.name,
        role=issued.role,
        token=issued.token,
        token_id=issued.token_id,
        token_expires_at=issued.expires_at,
    )


def sign_out(
    store: LocalStore, account_id: int, *, revoke: bool = True, session: requests.Session | None = None
) -> None:
    """Forget the token on this device (revoking it on the server when reachable); visits and data are kept."""
    account = store.account(account_id)
    token_id = store.token_id(account_id)
    if revoke and account.token and token_id is not None:
        try:
            ApiClient(account.server_url, account.token, session=session).revoke_token(token_id)
        except ApiError:
            pass  # offline or already invalid: the token is forgotten here either way
    store.sign_out(account_id)
