"""Configuration from the environment, with defaults that run out of the box on SQLite."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ENV_PREFIX = "FIELDAUDIT_"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV_PREFIX + name, default)


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{ENV_PREFIX}{name} must be a whole number, got {raw!r}") from exc


def _env_list(name: str) -> list[str] | None:
    """A comma-separated list (spaces ignored), or None when unset or empty."""
    items = [item.strip() for item in (_env(name) or "").split(",") if item.strip()]
    return items or None


def instance_secret_key(instance_path: Path) -> str:
    """A secret generated once and kept in the instance folder (0600, created atomically), for installs that set none."""
    from server.private_files import secret_key_in

    return secret_key_in(instance_path)


def default_database_url(instance_path: Path | str) -> str:
    """The embedded database: a SQLite file in the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'fieldaudit.db'}"


def normalise_database_url(url: str) -> str:
    """Let users write postgres:// or postgresql:// and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def s3_settings() -> dict:
    """Where photos and generated files live with PHOTO_STORAGE=s3 (docs/architecture.md, "S3 photo storage")."""
    return {
        "S3_BUCKET": _env("S3_BUCKET"),  # required with PHOTO_STORAGE=s3
        "S3_ENDPOINT_URL": _env("S3_ENDPOINT_URL"),  # MinIO, Ceph, ...; unset: AWS
        "S3_REGION": _env("S3_REGION"),
        "S3_PREFIX": _env("S3_PREFIX") or "",  # keys under "<prefix>/photos/", "<prefix>/partial/", "<prefix>/files/"
        "S3_ACCESS_KEY_ID": _env("S3_ACCESS_KEY_ID"),  # both, or neither: boto3's default credentials chain
        "S3_SECRET_ACCESS_KEY": _env("S3_SECRET_ACCESS_KEY"),
    }


def photo_limits() -> dict:
    """Pixel limit, budgets, quota, free space and retention for photos (docs/security.md, "Photos and resource limits")."""
    return {
        "PHOTO_MAX_PIXELS": _env_int("PHOTO_MAX_PIXELS", 50_000_000),
        "VISIT_MAX_PHOTOS": _env_int("VISIT_MAX_PHOTOS", 40),
        "VISIT_MAX_PHOTO_BYTES": _env_int("VISIT_MAX_PHOTO_BYTES", 200 * 1024 * 1024),
        "SHOPPER_DAILY_PHOTOS": _env_int("SHOPPER_DAILY_PHOTOS", 400),
        "SHOPPER_DAILY_PHOTO_BYTES": _env_int("SHOPPER_DAILY_PHOTO_BYTES", 2 * 1024 * 1024 * 1024),
        "PHOTO_MIN_FREE_BYTES": _env_int("PHOTO_MIN_FREE_BYTES", 512 * 1024 * 1024),
        "PHOTO_PARTIAL_MAX_AGE_HOURS": _env_int("PHOTO_PARTIAL_MAX_AGE_HOURS", 72),
        "REJECTED_PHOTO_RETENTION_DAYS": _env_int("REJECTED_PHOTO_RETENTION_DAYS", 90),
    }


def job_settings() -> dict:
    """Background jobs (docs/architecture.md, Jobs): threads of the embedded queue, heartbeats, how long results stay."""
    return {
        "JOB_QUEUE": _env("JOB_QUEUE") or "fieldaudit",  # the RQ queue's name: instances sharing one Redis differ
        "JOB_THREADS": _env_int("JOB_THREADS", 2),  # embedded queue only: jobs at once inside the server
        "JOB_SCHEDULER": (_env("JOB_SCHEDULER") or "1") == "1",  # periodic jobs in this process (embedded queue)
        "JOB_TICK_SECONDS": _env_int("JOB_TICK_SECONDS", 5),  # how often the scheduler looks for due periodic jobs
        "JOB_HEARTBEAT_SECONDS": _env_int("JOB_HEARTBEAT_SECONDS", 5),
        "JOB_STALE_SECONDS": _env_int("JOB_STALE_SECONDS", 60),  # no heartbeat for this long: its worker died
        "JOB_RESULT_DAYS": _env_int("JOB_RESULT_DAYS", 7),  # results (and finished jobs) are deleted after this
    }


def webhook_settings() -> dict:
    """Webhook deliveries (docs/webhooks.md): which addresses may receive them, timeouts, retries, auto-disable."""
    return {
        "WEBHOOK_ALLOW_PRIVATE": (_env("WEBHOOK_ALLOW_PRIVATE") or "0") == "1",  # loopback, private, link-local hosts
        "WEBHOOK_ALLOW_HTTP": (_env("WEBHOOK_ALLOW_HTTP") or "0") == "1",  # plain http:// URLs (default: https only)
        "WEBHOOK_TIMEOUT_SECONDS": _env_int("WEBHOOK_TIMEOUT_SECONDS", 10),  # to connect, and between bytes read
        "WEBHOOK_RETRY_HOURS": _env_int("WEBHOOK_RETRY_HOURS", 24),  # a delivery is retried this long, then failed
        "WEBHOOK_RETRY_BASE_SECONDS": _env_int(
            "WEBHOOK_RETRY_BASE_SECONDS", 30
        ),  # first back-off; doubles, 1 h at most
        "WEBHOOK_DISABLE_AFTER": _env_int("WEBHOOK_DISABLE_AFTER", 20),  # failures in a row that disable an endpoint
        "WEBHOOK_POLL_SECONDS": _env_int("WEBHOOK_POLL_SECONDS", 10),  # the periodic delivery run (retries, catch-up)
        "WEBHOOK_KEEP_DAYS": _env_int("WEBHOOK_KEEP_DAYS", 30),  # finished events and their log are deleted after this
    }


SMTP_SECURITY = ("none", "starttls", "tls")


def mail_settings() -> dict:
    """Outgoing e-mail (docs/email.md): the SMTP server, and how long invitation and reset links work.

    No SMTP_HOST: messages stay queued in the outbox (nothing is lost) and the admin page says e-mail is not set up.
    The password is a secret: nothing logs it (the admin page shows the host, port, security and sender only).
    """
    security = (_env("SMTP_SECURITY") or "starttls").strip().lower()
    if security not in SMTP_SECURITY:
        raise RuntimeError(f"{ENV_PREFIX}SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, got {security!r}")
    return {
        "SMTP_HOST": _env("SMTP_HOST") or None,
        "SMTP_PORT": _env_int("SMTP_PORT", {"none": 25, "starttls": 587, "tls": 465}[security]),
        "SMTP_USERNAME": _env("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": _env("SMTP_PASSWORD") or None,
        "SMTP_SECURITY": security,  # starttls and tls verify the server's certificate against the system's CAs
        "SMTP_FROM": _env("SMTP_FROM") or None,  # the sender address; the organisation's name is its display name
        "SMTP_TIMEOUT": _env_int("SMTP_TIMEOUT", 30),  # seconds for connecting and each SMTP command
        # e.g. https://audit.example.org: links in mail and the phone sign-in QR codes; unset: the request's address
        "PUBLIC_URL": (_env("PUBLIC_URL") or "").rstrip("/") or None,
        "INVITATION_DAYS": _env_int("INVITATION_DAYS", 7),
        "RESET_MINUTES": _env_int("RESET_MINUTES", 60),
        "RESET_RATE_LIMIT": _env("RESET_RATE_LIMIT") or "5 per hour",  # reset requests per e-mail address
        "RESET_CLIENT_RATE_LIMIT": _env("RESET_CLIENT_RATE_LIMIT") or "20 per hour",  # ... and per client address
    }


def from_environment(instance_path: Path) -> dict:
    """Build the Flask config mapping from FIELDAUDIT_* environment variables."""
    database_url = _env("DATABASE_URL") or default_database_url(instance_path)
    return {
        "SECRET_KEY": _env("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PHOTO_STORAGE": _env("PHOTO_STORAGE") or "filesystem",  # or "s3": the S3_* settings
        **s3_settings(),
        "PHOTO_STORAGE_PATH": _env("PHOTO_STORAGE_PATH") or str(instance_path / "photos"),
        "FILE_STORAGE_PATH": _env("FILE_STORAGE_PATH") or str(instance_path / "files"),  # job results on disk
        "REDIS_URL": _env("REDIS_URL"),  # the job queue (and, unless set apart, rate limits); unset: jobs in-process
        **job_settings(),
        **webhook_settings(),
        "PHOTO_MAX_BYTES": _env_int("PHOTO_MAX_BYTES", 20 * 1024 * 1024),
        **photo_limits(),
        **mail_settings(),
        "TOKEN_LIFETIME": timedelta(days=_env_int("TOKEN_LIFETIME_DAYS", 30)),
        "ENROLMENT_LIFETIME": timedelta(minutes=_env_int("ENROLMENT_MINUTES", 15)),  # a phone sign-in code's life
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI") or _env("REDIS_URL") or "memory://",
        "RATELIMIT_KEY_PREFIX": _env("RATELIMIT_KEY_PREFIX") or "fieldaudit",
        "LOGIN_RATE_LIMIT": _env("LOGIN_RATE_LIMIT") or "30 per minute",
        "PROXY_HOPS": _env_int("PROXY_HOPS", 0),
        "TRUSTED_HOSTS": _env_list("TRUSTED_HOSTS"),  # e.g. "audit.example.org"; other Host headers get 400
        "HSTS_SECONDS": _env_int("HSTS_SECONDS", 365 * 24 * 3600),  # sent on HTTPS requests only; 0: never
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": (_env("SECURE_COOKIES") or "0") == "1",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_env_int("SESSION_HOURS", 12)),
        "SESSION_IDLE_LIFETIME": timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 60)),
        "MAX_CONTENT_LENGTH": _env_int("MAX_REQUEST_BYTES", 32 * 1024 * 1024),
        "SYNC_MAX_VISITS": _env_int("SYNC_MAX_VISITS", 50),
        "SYNC_MAX_BYTES": _env_int("SYNC_MAX_BYTES", 5 * 1024 * 1024),
        "ROLLUP_CACHE_SIZE": _env_int("ROLLUP_CACHE_SIZE", 256),  # score roll-ups kept per worker; 0: none
        "API_TITLE": "Fieldaudit API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
