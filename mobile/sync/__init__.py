"""Sync client for the phone: HTTP calls with typed errors, the sync engine, and a background runner for the UI."""

from .account import sign_in, sign_in_with_code, sign_out
from .addresses import AddressError
from .background import BackgroundSync
from .client import ApiClient, ChangesPage, IssuedToken, UploadState, login, normalise_server_url
from .engine import SyncEngine
from .enrolment import Enrolment, EnrolmentLinkError, enrolment_from_parts, enrolment_link, parse_enrolment_link
from .errors import (
    ApiError,
    AuthError,
    ClientError,
    Conflict,
    InsufficientStorage,
    NetworkError,
    QuotaExceeded,
    ServerError,
    SyncCancelled,
    TlsError,
    TooLarge,
)
from .result import PHOTOS, PULL, PUSH, REFRESH, SyncResult
from .retry import RetryPolicy

__all__ = [
    "AddressError",
    "ApiClient",
    "ApiError",
    "AuthError",
    "BackgroundSync",
    "ChangesPage",
    "ClientError",
    "Enrolment",
    "EnrolmentLinkError",
    "Conflict",
    "IssuedToken",
    "InsufficientStorage",
    "NetworkError",
    "PHOTOS",
    "PULL",
    "PUSH",
    "REFRESH",
    "RetryPolicy",
    "QuotaExceeded",
    "ServerError",
    "SyncCancelled",
    "SyncEngine",
    "SyncResult",
    "TlsError",
    "TooLarge",
    "UploadState",
    "enrolment_from_parts",
    "enrolment_link",
    "login",
    "normalise_server_url",
    "parse_enrolment_link",
    "sign_in",
    "sign_in_with_code",
    "sign_out",
]
