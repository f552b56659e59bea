"""What the commands share: the user-fixable input error, and one use case run as one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from server.extensions import db
from server.services.errors import ServiceError
from server.services.transactions import atomic


class InputError(click.ClickException):
    """Bad input the user can fix (missing file, not JSON): exit status 2, like a usage error."""

    exit_code = 2


def as_click_error(exc: Exception, field: str | None = None) -> click.ClickException:
    """A service error as a one-line CLI error naming the input at fault (exit status 1)."""
    field = field or getattr(exc, "field", None)
    message = getattr(exc, "message", None) or str(exc)
    return click.ClickException(f"{field}: {message}" if field else message)


@contextmanager
def fail_on(*errors: type[Exception]) -> Iterator[None]:
    """Run the block as one transaction; a ServiceError (or one of `errors`) ends the command with its message.

    Nothing is stored when it fails: the transaction is rolled back before the message is printed.
    """
    try:
        with atomic(db.session):
            yield
    except (ServiceError, *errors) as exc:  # type: ignore[misc]  # mypy cannot see a starred tuple of classes
        raise as_click_error(exc) from None
