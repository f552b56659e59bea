"""Roll-ups kept between requests, keyed by what they answer and the marks of the regions they read, so no change is missed.

Every event that can move what a region's roll-ups count (a visit approved or returned, its last photo
arriving, a branch added, edited or moved, the region edited) moves that region's mark in the same
transaction (`marks.py`). The marks a roll-up depends on are read *before* it is computed, so an entry is
stored under marks no newer than the data it read, and served only while they are still current; the
next change to the region moves its mark and every key of that region with it, while changes elsewhere
(other regions, pushes of visits not yet approved, assignments) leave them warm. Old entries are never
invalidated one by one: they stop being asked for and fall out of the bounded LRU (`ROLLUP_CACHE_SIZE`
entries per worker process, default `DEFAULT_SIZE`; 0 turns the cache off). A session that has written
and not committed bypasses the cache (its numbers may never be). Requests of one worker process that miss
the same key at once compute it once: the first computes, the others wait for its answer (`RollupCache.compute`),
so a change under a crowd of managers costs one computation per worker, not one per request.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from server.extensions import DbSession
from server.models import Branch, Region
from server.services.scores.marks import READ, region_marks

DEFAULT_SIZE = 256
"""Entries kept per worker process: a 500-branch league is ~0.3 MB, so the worst case stays near 80 MB."""

WROTE = "rollup_wrote"

F = TypeVar("F", bound=Callable[..., Any])


WAIT_SECONDS = 60.0
"""How long a request waits for another thread's computation of the same roll-up before computing it itself."""


class RollupCache:
    """A thread-safe LRU of at most `size` roll-ups, with hit and miss counts."""

    def __init__(self, size: int = DEFAULT_SIZE):
        self.size, self.hits, self.misses = max(0, int(size)), 0, 0
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable) -> tuple[bool, Any]:
        """(True, value) for a cached key, marking it recently used; (False, None) otherwise."""
        with self._lock:
            if key not in self._entries:
                self.misses += 1
                return False, None
            self._entries.move_to_end(key)
            self.hits += 1
            return True, self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep `value` under `key`, dropping the least recently used entries beyond the size limit."""
        if not self.size:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def compute(self, key: Hashable, function: Callable[[], Any]) -> Any:
        """The value under `key`; on a miss `function()` is run and kept, once for all the threads missing it at once.

        A thread that finds another computing the key waits for it and takes its answer; if that one fails
        (or takes over WAIT_SECONDS), the waiting thread computes it itself, so an error is never shared.
        """
        found, value = self.get(key)
        if found:
            return value
        with self._lock:
            running = self._computing.get(key)
            if running is None:
                running = self._computing[key] = threading.Event()
                leader = True
            else:
                leader = False
        if not leader:
            running.wait(WAIT_SECONDS)
            found, value = self.get(key)
            if not found:
                value = function()
                self.put(key, value)
            return value
        try:
            value = function()
            self.put(key, value)
            return value
        finally:
            with self._lock:
                self._computing.pop(key, None)
            running.set()

    def clear(self) -> None:
        """Forget every entry (benchmarks use this to time a cold page)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def init_app(app) -> None:
    """Give the app its own roll-up cache, sized by ROLLUP_CACHE_SIZE."""
    app.extensions["rollup_cache"] = RollupCache(app.config.get("ROLLUP_CACHE_SIZE", DEFAULT_SIZE))


def current_cache() -> RollupCache | None:
    """The running app's roll-up cache, or None outside an app (or when it has none)."""
    return current_app.extensions.get("rollup_cache") if has_app_context() else None


def regions_read(argument: Any) -> list[int]:
    """The regions a roll-up's first argument names: a region, a branch (its region), a region id, or a list of regions."""
    if isinstance(argument, Region):
        return [argument.id]
    if isinstance(argument, Branch):
        return [argument.region_id]
    if isinstance(argument, int):
        return [argument]
    if isinstance(argument, (list, tuple)) and all(isinstance(r, Region) for r in argument):
        return [r.id for r in argument]
    raise TypeError(f"a roll-up's first argument names its regions, not {type(argument).__name__}")


@event.listens_for(Session, "after_flush")
def _wrote(session: DbSession, flush_context) -> None:
    session.info[WROTE] = True
    session.info.pop(READ, None)


@event.listens_for(Session, "after_commit")
def _committed(session: DbSession) -> None:
    session.info.pop(WROTE, None)
    session.info.pop(READ, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: DbSession, previous_transaction) -> None:
    session.info.pop(WROTE, None)
    session.info.pop(READ, None)


def _key_part(value: Any) -> Hashable:
    """A hashable stand-in for an argument: a mapped row by its class and primary key, sequences element-wise."""
    if isinstance(value, (list, tuple)):
        return tuple(_key_part(item) for item in value)
    state = inspect(value, raiseerr=False)
    if state is not None and getattr(state, "mapper", None) is not None and hasattr(state, "identity"):
        return state.mapper.class_.__name__, state.identity or object()  # an unsaved row never matches
    return value


class _Listed(tuple):
    """A cached list, kept as a tuple and handed out as a fresh list."""


def _kept(value: Any) -> Any:
    """What the cache keeps of a roll-up: a list as a tuple, so nobody can change it in place."""
    return _Listed(value) if isinstance(value, list) else value


def _uncommitted(session: DbSession) -> bool:
    return bool(session.info.get(WROTE) or session.new or session.dirty or session.deleted)


def rollup(function: F) -> F:
    """Serve `function(session, ...)` from the app's roll-up cache under (its name, arguments, its regions' marks).

    The first argument names the regions read (`regions_read`); the others are a Scope (period and checklist)
    and plain values. Mapped rows are keyed by id.
    Lists are stored as tuples and handed out as fresh lists, so no caller can change a cached answer.
    """
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def cached(session: DbSession, *args, **kwargs):
        cache = current_cache()
        if cache is None or not cache.size or _uncommitted(session):
            return function(session, *args, **kwargs)
        marks = region_marks(session, regions_read(args[0]))
        if _uncommitted(session):  # the marks query flushed pending writes
            return function(session, *args, **kwargs)
        key = (name, marks, _key_part(args), tuple(sorted((k, _key_part(v)) for k, v in kwargs.items())))
        value = cache.compute(key, lambda: _kept(function(session, *args, **kwargs)))
        return list(value) if isinstance(value, _Listed) else value

    return cached  # type: ignore[return-value]
