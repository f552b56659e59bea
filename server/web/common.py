"""What every web page shares: one use case run as one transaction, its refusal as the form's errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

from server.extensions import db
from server.services.errors import ServiceError
from server.services.transactions import atomic

P = ParamSpec("P")
T = TypeVar("T")
FormErrors = dict[str, list[str]]


def attempt(use_case: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> tuple[T, FormErrors]:
    """(result, {}) once the use case is committed; (None, {field: [message]}) when it refused (nothing stored).

    Read the result only when the errors are empty: it is typed as the use case's result for that branch.
    """
    try:
        with atomic(db.session):
            return use_case(*args, **kwargs), {}
    except ServiceError as exc:
        return cast(T, None), exc.as_errors()
