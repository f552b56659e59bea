"""The admin page "Outgoing e-mail" (/admin/mail): what Fieldaudit sent or will send, and failed messages sent again."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from server.extensions import db
from server.services.mail.outbox import MAX_ATTEMPTS, recent_messages, send_again, status_counts
from server.services.mail.smtp import SmtpSettings
from server.web.common import attempt
from server.web.org.blueprint import bp

STATUSES = ("queued", "sent", "failed")


@bp.route("/mail")
def mail():
    """The newest messages (filter ?status=), their attempts and last error; whether SMTP is set up at all."""
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    return render_template(
        "org/mail.html",
        messages=recent_messages(db.session, status=status or None),
        counts=status_counts(db.session),
        status=status,
        smtp=SmtpSettings.from_config(current_app.config),
        max_attempts=MAX_ATTEMPTS,
    )


@bp.route("/mail/<int:message_id>/send-again", methods=["POST"])
def mail_send_again(message_id: int):
    """Put a failed message back in the queue (it is sent within seconds if the SMTP server answers now)."""
    message, errors = attempt(send_again, db.session, message_id)
    if errors:
        for messages in errors.values():
            flash(" ".join(messages), "error")
    else:
        flash(f"Message to {message.recipients} queued again.", "success")
    return redirect(url_for("org.mail"))
