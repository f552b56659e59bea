"""Composing a message from its templates (server/templates/mail/<name>.txt and .html, the HTML autoescaped)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import render_template

from server.extensions import DbSession
from server.models import MailMessage
from server.services.mail.outbox import queue_mail
from server.services.org.settings import load_settings

DEFAULT_SENDER_NAME = "Fieldaudit"


def organisation_name(session: DbSession) -> str:
    """The name the messages carry (the organisation setting; Fieldaudit while it is blank)."""
    return load_settings(session).organisation_name.strip() or DEFAULT_SENDER_NAME


def on_fieldaudit(session: DbSession) -> str:
    """'Acme Retail on Fieldaudit' for subjects, or just 'Fieldaudit' while the organisation has no name of its own."""
    name = organisation_name(session)
    return name if name == DEFAULT_SENDER_NAME else f"{name} on Fieldaudit"


def render_mail(session: DbSession, template: str, **context: Any) -> tuple[str, str]:
    """(plain text, HTML) of `template` with `context`, each with the organisation's name in its footer."""
    name = organisation_name(session)
    context = {"organisation": name, "branded": name != DEFAULT_SENDER_NAME, **context}
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
    return text, html


def compose_and_queue(
    session: DbSession, recipients: Iterable[str], subject: str, template: str, *, kind: str, **context: Any
) -> MailMessage:
    """Render `template` and add the message to the outbox inside the caller's transaction."""
    text, html = render_mail(session, template, subject=subject, **context)
    return queue_mail(session, recipients, subject, text, html, kind=kind)
