"""Sync client for the phone: HTTP calls with typed errors, the sync engine, a background runner for the UI and the
automatic-sync schedule."""

from .account import sign_in, sign_in_with_code, sign_out
from .addresses import AddressError
from .autosync import AutoSync, Conditions, Hold, Schedule, Trigger
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
    "AutoSync",
    "BackgroundSync",
    "ChangesPage",
    "ClientError",
    "Conditions",
    "Enrolment",
    "EnrolmentLinkError",
    "Conflict",
    "Hold",
    "IssuedToken",
    "InsufficientStorage",
    "NetworkError",
    "PHOTOS",
    "PULL",
    "PUSH",
    "REFRESH",
    "RetryPolicy",
    "Schedule",
    "QuotaExceeded",
    "ServerError",
    "SyncCancelled",
    "SyncEngine",
    "SyncResult",
    "TlsError",
    "TooLarge",
    "Trigger",
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
