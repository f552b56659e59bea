"""Configuration comes from FIELDAUDIT_* variables with defaults that run out of the box."""

from __future__ import annotations

import pytest

from server import create_app
from server.config import from_environment, normalise_database_url


def test_postgres_urls_get_the_psycopg_driver():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FIELDAUDIT_DATABASE_URL", raising=False)
    assert from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'fieldaudit.db'}"


def test_a_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDAUDIT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FIELDAUDIT_SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_malformed_number_in_the_environment_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDAUDIT_TOKEN_LIFETIME_DAYS", "thirty")
    with pytest.raises(RuntimeError, match="FIELDAUDIT_TOKEN_LIFETIME_DAYS must be a whole number"):
        from_environment(tmp_path)


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDAUDIT_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_HOPS": 1, "SECRET_KEY": "x"})

    @app.get("/_ip")
    def _ip():
        from flask import request

        return request.remote_addr

    assert app.test_client().get("/_ip", headers={"X-Forwarded-For": "203.0.113.9"}).text == "203.0.113.9"


def test_smtp_settings_default_their_port_by_security_and_refuse_an_unknown_security(tmp_path, monkeypatch):
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "PUBLIC_URL"):
        monkeypatch.delenv(f"FIELDAUDIT_{name}", raising=False)
    config = from_environment(tmp_path)
    assert (config["SMTP_HOST"], config["SMTP_SECURITY"], config["SMTP_PORT"]) == (None, "starttls", 587)
    assert (config["INVITATION_DAYS"], config["RESET_MINUTES"]) == (7, 60)
    monkeypatch.setenv("FIELDAUDIT_SMTP_SECURITY", "TLS")
    monkeypatch.setenv("FIELDAUDIT_PUBLIC_URL", "https://audit.example.org/")
    config = from_environment(tmp_path)
    assert (config["SMTP_SECURITY"], config["SMTP_PORT"], config["PUBLIC_URL"]) == (
        "tls",
        465,
        "https://audit.example.org",
    )
    monkeypatch.setenv("FIELDAUDIT_SMTP_SECURITY", "ssl3")
    with pytest.raises(RuntimeError, match="FIELDAUDIT_SMTP_SECURITY must be one of none, starttls, tls"):
        from_environment(tmp_path)


def test_the_smtp_password_never_shows_in_the_settings_repr():
    from server.services.mail.smtp import SmtpSettings

    settings = SmtpSettings.from_config(
        {"SMTP_HOST": "smtp.example.org", "SMTP_PORT": 587, "SMTP_SECURITY": "starttls", "SMTP_PASSWORD": "hunter2-x"}
    )
    assert settings is not None and "hunter2-x" not in repr(settings) and "hunter2-x" not in str(settings)
