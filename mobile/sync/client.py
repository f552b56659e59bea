"""HTTP client for the sync protocol (docs/sync-protocol.md) on requests: every failure becomes a typed exception."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from marshmallow import ValidationError

from shared.phone_settings import PhoneSettings, load_phone_settings

from .addresses import normalise_server_url
from .errors import (
    ApiError,
    AuthError,
    ClientError,
    Conflict,
    InsufficientStorage,
    NetworkError,
    QuotaExceeded,
    ServerError,
    TlsError,
    TooLarge,
)

__all__ = ["ApiClient", "ChangesPage", "IssuedToken", "UploadState", "login", "normalise_server_url", "tls_error"]

DEFAULT_TIMEOUT = (10.0, 60.0)
"""(connect, read) seconds: a phone on a bad network must give up on a dead connection, then retry."""


@dataclass(frozen=True)
class IssuedToken:
    """A successful sign-in: the bearer token (shown once), its id and expiry, and who signed in."""

    token: str
    token_id: int | None
    expires_at: datetime | None
    user_id: int
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class ChangesPage:
    """One page of GET /api/v1/sync/changes."""

    changes: list[dict[str, Any]]
    cursor: str | None
    more: bool
    reset: bool = False
    snapshot_complete: bool = False


@dataclass(frozen=True)
class UploadState:
    """What the server holds of a photo: bytes received so far and the expected size."""

    received_bytes: int
    size: int | None


def _aware(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ApiClient:
    """One server and (once signed in) one bearer token; thread-confined like its requests.Session."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = normalise_server_url(base_url)
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", "fieldaudit-mobile/0.1")

    def close(self) -> None:
        """Release pooled connections."""
        self.session.close()

    # -- calls ---------------------------------------------------------------------------------------------------
    def login(self, email: str, password: str, device_name: str, otp: str | None = None) -> IssuedToken:
        """POST /api/v1/auth/tokens; keeps the token for the calls that follow. AuthError for a wrong password,
        and with reason "otp_required" / "otp_invalid" when the account's second-factor code is missing or wrong."""
        payload = {"email": email, "password": password, "device_name": device_name}
        if otp:
            payload["otp"] = otp
        return self._issued(self._json(self._call("POST", "/api/v1/auth/tokens", auth=False, json=payload)))

    def enrol(self, code: str, device_name: str) -> IssuedToken:
        """POST /api/v1/auth/enrolments: sign in with the one-time code an admin showed; AuthError with reason
        "code_unknown", "code_used", "code_expired", "code_replaced" or "inactive" when it cannot."""
        payload = {"code": code, "device_name": device_name}
        return self._issued(self._json(self._call("POST", "/api/v1/auth/enrolments", auth=False, json=payload)))

    def _issued(self, body: dict[str, Any]) -> IssuedToken:
        """The token answer of both sign-ins; keeps the token for the calls that follow."""
        user = body.get("user") or {}
        token = body.get("token")
        if not isinstance(token, str) or not isinstance(user.get("id"), int) or not user.get("email"):
            raise ServerError("the server's sign-in answer has no token or user")
        self.token = token
        return IssuedToken(
            token,
            body.get("id"),
            _aware(body.get("expires_at")),
            user["id"],
            str(user["email"]),
            str(user.get("name") or ""),
            str(user.get("role") or ""),
        )

    def me(self) -> dict[str, Any]:
        """GET /api/v1/me: who the token belongs to."""
        return self._json(self._call("GET", "/api/v1/me"))

    def phone_settings(self) -> PhoneSettings:
        """The organisation settings the app follows, from GET /api/v1/me (the defaults when the server sends none)."""
        try:
            return load_phone_settings(self.me().get("phone_settings"))
        except ValidationError:
            raise ServerError("the server's phone settings are not in the expected shape") from None

    def changes(self, since: str | None, limit: int | None = None) -> ChangesPage:
        """One page of what changed after ``since`` (None = from the beginning)."""
        params: dict[str, Any] = {"since": since or ""}
        if limit is not None:
            params["limit"] = limit
        body = self._json(self._call("GET", "/api/v1/sync/changes", params=params))
        changes, cursor = body.get("changes"), body.get("cursor")
        if not isinstance(changes, list) or not (cursor is None or isinstance(cursor, (str, int))):
            raise ServerError("the server's changes page is not in the expected shape")
        return ChangesPage(
            changes,
            None if cursor is None else str(cursor),
            bool(body.get("more")),
            body.get("reset") is True,
            body.get("snapshot_complete") is True,
        )

    def push(self, visits: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """POST /api/v1/sync/push with a batch of visit documents; one result per visit."""
        body = self._json(self._call("POST", "/api/v1/sync/push", json={"visits": visits}))
        results = body.get("results")
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise ServerError("the server's push answer has no results list")
        return results

    def upload_state(self, visit_id: str, photo_id: str) -> UploadState:
        """HEAD on the photo URL: how many bytes the server already holds (Upload-Offset)."""
        response = self._call("HEAD", self._photo_path(visit_id, photo_id))
        try:
            received = int(response.headers.get("Upload-Offset", "0"))
            size = response.headers.get("Upload-Length")
            return UploadState(received, None if size is None else int(size))
        except ValueError:
            raise ServerError("the server sent an unreadable Upload-Offset header") from None

    def put_photo_chunk(
        self, visit_id: str, photo_id: str, content_type: str, chunk: bytes, start: int, total: int
    ) -> dict[str, Any]:
        """PUT one chunk with Content-Range; Conflict (409) carries the offset the server wants instead."""
        headers = {"Content-Type": content_type, "Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{total}"}
        return self._json(self._call("PUT", self._photo_path(visit_id, photo_id), data=chunk, headers=headers))

    def visit(self, visit_id: str) -> dict[str, Any]:
        """GET /api/v1/visits/<id>: the server's record (status, score, missing photos, review note)."""
        return self._json(self._call("GET", f"/api/v1/visits/{visit_id}"))

    def revoke_token(self, token_id: int) -> None:
        """DELETE /api/v1/auth/tokens/<id>: sign this device out on the server too."""
        self._call("DELETE", f"/api/v1/auth/tokens/{int(token_id)}")

    # -- plumbing ------------------------------------------------------------------------------------------------
    @staticmethod
    def _photo_path(visit_id: str, photo_id: str) -> str:
        return f"/api/v1/visits/{visit_id}/photos/{photo_id}"

    def _call(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept", "application/json")
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.session.request(
                method, self.base_url + path, headers=headers, timeout=self.timeout, allow_redirects=False, **kwargs
            )
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ) as exc:
            raise ApiError(f"the server address is not valid: {exc}") from None
        except requests.exceptions.SSLError as exc:
            raise tls_error(exc) from exc
        except requests.RequestException as exc:
            raise NetworkError(f"could not reach the server: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise self._error(response)
        if 300 <= response.status_code < 400:
            raise ClientError(
                f"the server redirected to {response.headers.get('Location')}; check the address", response.status_code
            )
        return response

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise ServerError("the server's answer is not JSON", response.status_code) from None
        if not isinstance(body, dict):
            raise ServerError("the server's answer is not a JSON object", response.status_code)
        return body

    @staticmethod
    def _error(response: requests.Response) -> ApiError:
        status = response.status_code
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        message = body.get("message") if isinstance(body.get("message"), str) else None
        message = message or f"the server answered {status} {response.reason or ''}".strip()
        errors = body.get("errors") if isinstance(body.get("errors"), dict) else None
        error: ApiError
        if status == 507:
            error = InsufficientStorage(message, status)
        elif status >= 500:
            error = ServerError(message, status)
        elif status == 429:
            error = QuotaExceeded(message, status, errors, body)
        elif status == 401:
            error = AuthError(message, body.get("reason") if isinstance(body.get("reason"), str) else None, body)
        elif status == 413:
            error = TooLarge(message, status, errors, body)
        elif status == 409:
            error = Conflict(message, status, errors, body)
        else:
            error = ClientError(message, status, errors, body)
        retry_after = response.headers.get("Retry-After", "")
        error.retry_after = float(retry_after) if retry_after.isdigit() else None
        return error


_NOT_HTTPS = ("wrong version number", "wrong_version_number", "record layer failure", "http request", "packet length")
_CERTIFICATE = ("certificate", "hostname mismatch", "doesn't match", "does not match")


def tls_error(exc: requests.exceptions.SSLError) -> TlsError:
    """A failed TLS handshake as a TlsError whose reason says why (OpenSSL's wording is all there is to go on)."""
    text = str(exc).lower()
    if any(marker in text for marker in _NOT_HTTPS):
        return TlsError("the server does not speak https on this address", "not_https")
    if any(marker in text for marker in _CERTIFICATE):
        return TlsError("the server's certificate could not be verified", "certificate")
    return TlsError(f"no secure connection to the server: {type(exc).__name__}", "handshake")


def login(
    server: str,
    email: str,
    password: str,
    device_name: str,
    *,
    otp: str | None = None,
    session: requests.Session | None = None,
) -> IssuedToken:
    """Sign in to ``server`` and return the issued token and user (raises AuthError for wrong credentials)."""
    return ApiClient(server, session=session).login(email, password, device_name, otp)
