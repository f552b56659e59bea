"""How a delivery is signed: `Fieldaudit-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` (docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh signing secret (256 random bits), shown to the admin once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Fieldaudit-Signature` value of `body` sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def delivery_headers(secret: str, event_type: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a delivery carries besides the transport's own."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Fieldaudit-Webhooks/1",
        "Fieldaudit-Event": event_type,
        "Fieldaudit-Delivery": event_id,
        "Fieldaudit-Timestamp": str(timestamp),
        "Fieldaudit-Signature": signature(secret, timestamp, body),
    }
