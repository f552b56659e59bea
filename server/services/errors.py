"""The one family of errors a user can fix: each names the input at fault and the HTTP status it answers with."""

from __future__ import annotations

from shared.errors import first_and_more

__all__ = ["Conflict", "NotAllowed", "NotFound", "ServiceError", "first_and_more"]


class ServiceError(ValueError):
    """A request that cannot be carried out as asked; `field` names the input at fault (None: the whole request).

    The edges turn it into a response once each: the API's error handler (JSON with `errors[field]`), the web
    form helper (the message beside the field) and the CLI's `fail_on` (a one-line message, non-zero exit).
    """

    status = 400

    def __init__(self, field: str | None, message: str, *, status: int | None = None):
        super().__init__(message)
        self.field, self.message = field, message
        if status is not None:
            self.status = status

    def as_errors(self) -> dict[str, list[str]]:
        """The `{field: [message]}` map the API body and the web forms show."""
        return {self.field or "_schema": [self.message]}


class NotAllowed(ServiceError):
    """The caller may see the object but not do this to it."""

    status = 403


class NotFound(ServiceError):
    """No such object among those the caller may see (foreign ids look exactly like missing ones)."""

    status = 404


class Conflict(ServiceError):
    """The stored state changed under the request (another user got there first)."""

    status = 409
