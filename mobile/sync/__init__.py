"""Sync client for the phone: HTTP calls with typed errors, the sync engine, a background runner for the UI and the
automatic-sync schedule."""

from .account import sign_in, sign_out
from .autosync import AutoSync, Conditions, Hold, Schedule, Trigger
from .background import BackgroundSync
from .client import ApiClient, ChangesPage, IssuedToken, UploadState, login, normalise_server_url
from .engine import SyncEngine
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
    TooLarge,
)
from .result import PHOTOS, PULL, PUSH, REFRESH, SyncResult
from .retry import RetryPolicy

__all__ = [
    "ApiClient",
    "ApiError",
    "AuthError",
    "AutoSync",
    "BackgroundSync",
    "ChangesPage",
    "ClientError",
    "Conditions",
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
    "TooLarge",
    "Trigger",
    "UploadState",
    "login",
    "normalise_server_url",
    "sign_in",
    "sign_out",
]
