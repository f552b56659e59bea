"""The admin page "Outgoing e-mail": says when e-mail is not configured (messages wait, nothing is lost), lists
messages with status, attempts and last error, escapes what it shows, and is for admins only."""

from __future__ import annotations

import pytest

from server.services.mail.outbox import queue_mail
from server.services.transactions import atomic
from tests.server.auth_helpers import new_client
from tests.server.web.org.conftest import sign_in_as


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SMTP_HOST": None}


def test_without_smtp_the_page_says_e_mail_is_not_configured_and_invitations_wait_queued(app, make, session):
    as_admin = sign_in_as(new_client(app), make.user("admin"))
    assert 'id="mail-not-configured"' in as_admin.get("/admin/users/new").text
    as_admin.post(
        "/admin/users/new", {"access": "invite", "email": "nia@example.test", "name": "Nia", "role": "shopper"}
    )
    app.extensions["job_queue"].wait_idle(60)
    page = as_admin.get("/admin/mail").text
    assert "E-mail is not configured." in page
    assert "nia@example.test" in page and "invitation" in page and 'class="mail-queued"' in page


def test_the_page_escapes_subjects_and_offers_send_again_only_for_failed_messages(app, make, session):
    with atomic(session):
        queued = queue_mail(session, ["a@example.test"], "<script>x</script>", "body", kind="test")
    as_admin = sign_in_as(new_client(app), make.user("admin"))
    page = as_admin.get("/admin/mail").text
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert f"/admin/mail/{queued.id}/send-again" not in page
    refused = as_admin.post(f"/admin/mail/{queued.id}/send-again", follow_redirects=True)
    assert "Only a message that failed can be sent again." in refused.text


def test_managers_and_shoppers_cannot_see_the_outbox(app, make):
    for role in ("manager", "shopper"):
        browser = sign_in_as(new_client(app), make.user(role))
        assert browser.get("/admin/mail").status_code == 403
        assert browser.post("/admin/mail/1/send-again").status_code == 403
