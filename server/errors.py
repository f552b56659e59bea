"""Errors as users should see them: JSON with field paths under /api, a plain page elsewhere."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from server.services.errors import ServiceError
from shared.errors import flatten_messages

LOCATIONS = ("json", "query", "form", "files", "headers", "view_args")
"""Where webargs found the input: left out of the field paths."""


def wants_json() -> bool:
    """API callers and clients that sent JSON get JSON; browsers get HTML."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json" or request.is_json


def error_body(status: int, message: str, errors: dict | None = None) -> dict:
    """One shape for every API error: {"status", "message", "errors": {field.path: [messages]}}."""
    body = {"status": status, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _render(status: int, title: str, message: str, errors: dict | None = None):
    if isinstance(request.routing_exception, SecurityError):  # an untrusted Host: no page can be built
        return _untrusted_host(request.routing_exception)
    if wants_json():
        return jsonify(error_body(status, message, errors)), status
    return render_template("error.html", status=status, title=title, message=message), status


def _http_error(exc: HTTPException):
    errors = None
    data = getattr(exc, "data", None) or {}
    if isinstance(data, dict) and "messages" in data:  # webargs / flask-smorest validation errors
        errors = _flatten(data["messages"])
    message = exc.description if isinstance(exc.description, str) else exc.name
    return _render(exc.code or 500, exc.name, message, errors)


def _untrusted_host(exc: SecurityError):
    """A Host header outside TRUSTED_HOSTS: no URL can be built for it, so the answer is plain text (or JSON)."""
    message = "This server does not answer for that host name."
    if wants_json():
        return jsonify(error_body(400, message)), 400
    return message + "\n", 400, {"Content-Type": "text/plain; charset=utf-8"}


def _service_error(exc: ServiceError):
    """A use case refused what was asked (nothing was stored): its status, and the message under its field."""
    return _render(exc.status, "Not possible", exc.message, exc.as_errors())


def _csrf_error(exc: CSRFError):
    return _render(400, "Form expired", "The form expired or was not sent by this site. Reload the page and try again.")


def _unexpected(exc: Exception):
    original = getattr(exc, "original_exception", exc)
    from flask import current_app

    current_app.logger.exception("unhandled error", exc_info=original)
    return _render(500, "Server error", "Something went wrong on the server. It has been logged.")


def _flatten(messages) -> dict[str, list[str]]:
    """webargs' {location: {field: {0: [...]}}} as {"field[0]": [...]}: shared's one flattener, the location dropped."""
    by_location = messages if isinstance(messages, dict) else {"json": messages}  # bare messages: no location
    flat: dict[str, list[str]] = {}
    for location, found in by_location.items():
        for path, message in flatten_messages(found if location in LOCATIONS else {location: found}):
            flat.setdefault(path or "_schema", []).append(message)
    return flat


def init_app(app: Flask) -> None:
    """Register the handlers for this app."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
