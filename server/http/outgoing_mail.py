"""After a request that queued e-mail, start the delivery job at once, so a reset link arrives in seconds.

The request's transaction is over by then (committed, or rolled back: the job then finds nothing new); a
queue that does not answer leaves the messages to the scheduler's sweep (services/mail/delivery.py)."""

from __future__ import annotations

import logging

from flask import Flask, Response

from server.extensions import db
from server.queue import current_queue
from server.services.mail.delivery import deliver_soon
from server.services.mail.outbox import take_mail_queued

log = logging.getLogger(__name__)


def submit_queued_mail(response: Response) -> Response:
    """The after-request hook: submit the `send_mail` job if this request queued any message."""
    if take_mail_queued(db.session):
        try:
            db.session.rollback()  # whatever the request left open; its work was committed by its use case
            deliver_soon(db.session, current_queue())
        except Exception:  # the answer must not fail for this: the scheduler sends the message within a minute
            log.exception("could not start the e-mail delivery job; the scheduler will")
            db.session.rollback()
    return response


def init_app(app: Flask) -> None:
    """Install the hook."""
    app.after_request(submit_queued_mail)
