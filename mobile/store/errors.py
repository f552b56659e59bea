"""Why a store call was refused: typed so the UI can tell a missing thing from a visit it may not edit."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation that cannot be done as asked; the message is a sentence for people."""


class NotFound(StoreError, LookupError):
    """No such account, visit, photo, assignment... for this account (another account's rows look missing)."""


class NotEditable(StoreError):
    """The visit is not a draft any more (finished, queued or sent), so its answers and photos are frozen."""
