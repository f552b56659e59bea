"""Where this server is reached from outside, for links in e-mail, QR codes and alerts: FIELDAUDIT_PUBLIC_URL, else
the address of the request being served (checked by FIELDAUDIT_TRUSTED_HOSTS when set)."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for


def site_address() -> str | None:
    """The server's address without a trailing slash (its path prefix included); None outside a request when
    FIELDAUDIT_PUBLIC_URL is not set (a job cannot know it)."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    return request.url_root.rstrip("/") if has_request_context() else None


def page_url(endpoint: str, **values: Any) -> str | None:
    """The absolute address of a page (`url_for` at the site's address), or None when that address is not known."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        with current_app.test_request_context(base_url=str(configured).rstrip("/") + "/"):
            return url_for(endpoint, _external=True, **values)
    return url_for(endpoint, _external=True, **values) if has_request_context() else None
