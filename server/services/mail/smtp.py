"""Sending one message over SMTP with smtplib: plain, STARTTLS or implicit TLS, the certificate always verified."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from server.models import MailMessage


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send (server/config.py mail_settings); `password` is never shown or logged."""

    host: str
    port: int
    security: str
    sender: str
    username: str | None = None
    password: str | None = None
    timeout: int = 30

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SmtpSettings | None:
        """The settings, or None while FIELDAUDIT_SMTP_HOST is not set (messages then wait in the outbox)."""
        host = config.get("SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(config["SMTP_PORT"]),
            security=config["SMTP_SECURITY"],
            sender=config.get("SMTP_FROM") or f"fieldaudit@{host}",
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            timeout=int(config.get("SMTP_TIMEOUT") or 30),
        )

    def __repr__(self) -> str:  # a settings object in a traceback or log line must not show the password
        return f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, sender={self.sender!r})"


class PermanentFailure(Exception):
    """The SMTP server refused the message for good (a 5xx answer): trying again would not help."""


def build_message(message: MailMessage, settings: SmtpSettings, sender_name: str) -> EmailMessage:
    """The MIME message: plain text first, the HTML alternative after it; From shows the organisation's name."""
    email = EmailMessage()
    email["From"] = formataddr((sender_name, settings.sender))
    email["To"] = message.recipients
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(f"mail-{message.id}", domain=_domain(settings.sender))
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    return email


def _domain(sender: str) -> str:
    try:
        return Address(addr_spec=sender).domain or "fieldaudit.invalid"
    except (ValueError, IndexError):
        return "fieldaudit.invalid"


def tls_context() -> ssl.SSLContext:
    """The system's certificate authorities, certificate and host name verified (no setting turns that off)."""
    return ssl.create_default_context()


def send(email: EmailMessage, settings: SmtpSettings) -> None:
    """Hand the message to the SMTP server; PermanentFailure for a 5xx refusal, OSError/SMTPException otherwise."""
    context = tls_context()
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentFailure(f"every recipient was refused ({_describe_refusals(exc)})") from exc
        raise
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(f"the server refused the message: {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        raise
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe_refusals(exc: smtplib.SMTPRecipientsRefused) -> str:
    return "; ".join(f"{address}: {code} {_text(text)}" for address, (code, text) in exc.recipients.items())


def describe_error(exc: BaseException) -> str:
    """An attempt's failure in one line for the admin page (never the password: smtplib's errors do not hold it)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"recipients refused: {_describe_refusals(exc)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
