"""Upload locks that work wherever the bytes live: in-process (one node) or a Redis lease (several processes, nodes)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from server.storage.base import StorageBusy

log = logging.getLogger(__name__)

_LOCAL_LOCKS: dict[str, threading.Lock] = {}
_LOCAL_GUARD = threading.Lock()

LEASE_SECONDS = 60
"""How long a Redis lease outlives a holder that died (it is renewed every third of this while held)."""


@contextmanager
def local_lock(name: str) -> Iterator[None]:
    """An exclusive, non-blocking lock shared by the threads of this process; StorageBusy at once if held."""
    with _LOCAL_GUARD:
        lock = _LOCAL_LOCKS.setdefault(name, threading.Lock())
    if not lock.acquire(blocking=False):
        raise StorageBusy(f"{name} is locked by another upload")
    try:
        yield
    finally:
        lock.release()


class RedisLocks:
    """Non-blocking leases in Redis (redis-py's Lock), shared by every process using the same Redis and namespace.

    A lease expires LEASE_SECONDS after its holder stopped renewing it (a killed process), and is renewed
    by a small thread while its `with` block runs, so a slow upload never loses it halfway.
    """

    def __init__(self, url: str, namespace: str, lease_seconds: float = LEASE_SECONDS):
        import redis

        self._redis: Any = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.namespace, self.lease_seconds = namespace, lease_seconds

    def __repr__(self) -> str:
        return f"RedisLocks(namespace={self.namespace!r})"  # the URL may hold a password

    @contextmanager
    def hold(self, name: str) -> Iterator[None]:
        """Hold the lease on `name` for the block; StorageBusy at once if another process holds it."""
        from redis.exceptions import LockError, RedisError

        lease = self._redis.lock(
            f"{self.namespace}:{name}", timeout=self.lease_seconds, blocking=False, thread_local=False
        )
        try:
            acquired = lease.acquire()
        except RedisError as exc:  # refused like a held lock (nothing is written), and said where operators look
            log.error("upload lock %s: Redis does not answer: %s", name, exc)
            raise StorageBusy(f"{name}: the lock store (Redis) does not answer") from None
        if not acquired:
            raise StorageBusy(f"{name} is locked by another upload")
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(lease, stop, name), daemon=True, name="lease-renewer")
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            try:
                lease.release()
            except (LockError, RedisError) as exc:  # expired and taken over, or Redis away: it expires by itself
                log.warning("lock %s was not released cleanly: %s", name, exc)

    def _renew(self, lease: Any, stop: threading.Event, name: str) -> None:
        from redis.exceptions import LockError, RedisError

        while not stop.wait(self.lease_seconds / 3):
            try:
                lease.reacquire()
            except (LockError, RedisError) as exc:
                log.error("lock %s could not be renewed: %s", name, exc)
                return
