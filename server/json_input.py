"""Reading JSON from outside (request bodies, uploaded and CLI files) so hostile documents are a 400, never a 500.

Python's json module turns an integer of more than 4,300 digits into a ValueError that is not a
JSONDecodeError, a document nested about a thousand levels deep into a RecursionError, and accepts
NaN and Infinity, which are not JSON. ``load_json`` refuses all of these with one error type whose
message says what is wrong, and refuses nesting deeper than any Fieldaudit document needs (MAX_DEPTH),
so no later step (marshmallow, deepcopy, jsonify) can hit the recursion limit either.
The app's JSON provider uses it, so ``request.get_json()`` and the API's argument parser do too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_INT_DIGITS = 4300
"""Longest integer accepted (Python's own int/str conversion limit; far beyond any field's bounds)."""
MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted (a checklist or a push needs about 8)."""


class JsonInputError(ValueError):
    """A document that is not acceptable JSON; ``reason`` completes "The JSON document ..."."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _integer(text: str) -> int:
    """json's parse_int: refuse over-long integers before int() spends time on them."""
    if len(text) - text.startswith("-") > MAX_INT_DIGITS:
        raise JsonInputError(f"has a number with more than {MAX_INT_DIGITS:,} digits")
    return int(text)


def _constant(name: str) -> Any:
    """json's parse_constant: NaN, Infinity and -Infinity are not JSON."""
    raise JsonInputError(f"contains {name}, which is not a JSON number")


def _depth(document: Any) -> int:
    """How deeply arrays and objects nest (a scalar is 0), without recursion; stops past MAX_DEPTH."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        children: Iterable[Any]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def load_json(data: str | bytes) -> Any:
    """The parsed document, or JsonInputError saying why it is refused."""
    try:
        document = json.loads(data, parse_int=_integer, parse_constant=_constant)
    except JsonInputError:
        raise
    except RecursionError:
        raise JsonInputError(f"is nested more than {MAX_DEPTH} levels deep") from None
    except UnicodeDecodeError:
        raise JsonInputError("is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except ValueError as exc:  # e.g. a float literal too long to convert: say so without echoing it
        raise JsonInputError(f"cannot be read ({exc.__class__.__name__})") from None
    if _depth(document) > MAX_DEPTH:
        raise JsonInputError(f"is nested more than {MAX_DEPTH} levels deep")
    return document


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with load_json for reading (used by request.get_json and flask.json.loads)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse with load_json; keyword arguments of json.loads are not supported."""
        return load_json(s)
