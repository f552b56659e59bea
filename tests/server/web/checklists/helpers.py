"""Shared set-up for the builder's page tests: an admin signed in, and pages' CSRF tokens."""

from __future__ import annotations

import copy

from server.services.checklists.versions import import_template
from server.services.transactions import atomic
from tests.factories import SMALL_CHECKLIST
from tests.server.auth_helpers import csrf_token, web_login


def admin_client(client, make):
    """The client, signed in as an admin."""
    web_login(client, make.user("admin").email)
    return client


def draft_of(session, definition: dict | None = None):
    """A draft version holding `definition` (SMALL_CHECKLIST by default), committed."""
    with atomic(session):
        return import_template(session, copy.deepcopy(definition or SMALL_CHECKLIST))


def post(client, page_url: str, url: str, data: dict | None = None, **kwargs):
    """POST a form the way the page at `page_url` would, with its CSRF token."""
    token = csrf_token(client.get(page_url).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)
