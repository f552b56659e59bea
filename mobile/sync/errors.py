"""Typed failures of a server call, so the engine knows what to retry (network, 5xx) and what never (4xx)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Any failed server call; ``message`` is a sentence for people."""

    retryable = False
    retry_after: float | None = None
    """Seconds the server asked us to wait (Retry-After), if it said."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class NetworkError(ApiError):
    """No answer at all: no network, DNS, refused or dropped connection, timeout. Retried with backoff."""

    retryable = True


class TlsError(NetworkError):
    """The server answered, but not over a secure connection the phone trusts; ``reason`` says which:

    "certificate" (not verified: self-signed, expired, another name), "not_https" (a plain http server on the
    https address) or "handshake" (any other TLS failure). Retried like a network failure (a hotel Wi-Fi that
    intercepts https clears up), but the sign-in screen says what is wrong instead of "cannot reach"."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class ServerError(ApiError):
    """A 5xx (or an answer that is not the JSON the protocol promises). Retried with backoff."""

    retryable = True


class ClientError(ApiError):
    """A 4xx other than 401: never retried; ``errors`` maps field paths to messages, ``body`` is the JSON answer."""

    def __init__(
        self, message: str, status: int, errors: dict[str, Any] | None = None, body: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, status)
        self.errors = errors or {}
        self.body = body or {}


class AuthError(ClientError):
    """401: the token is missing, expired, revoked or the account was deactivated (``reason`` says which)."""

    def __init__(self, message: str, reason: str | None, body: dict[str, Any] | None = None) -> None:
        errors = (body or {}).get("errors")
        super().__init__(message, 401, errors if isinstance(errors, dict) else None, body)
        self.reason = reason or "token_unknown"


class TooLarge(ClientError):
    """413: the request was over a server limit (too many visits, too many bytes, photo too big)."""


class QuotaExceeded(ClientError):
    """429 on a photo: the shopper's daily photo allowance is used up; try again after ``retry_after`` seconds."""


class InsufficientStorage(ApiError):
    """507: the server is short of storage space. Not retried in this run (it will not free up in seconds)."""


class Conflict(ClientError):
    """409: for a photo chunk, ``received_bytes`` says where the server wants the upload to continue."""

    @property
    def received_bytes(self) -> int | None:
        value = self.body.get("received_bytes")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class SyncCancelled(Exception):
    """The user (or the app going to the background) cancelled the sync; everything stored so far stays."""
