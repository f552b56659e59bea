"""A small TCP fault-injecting HTTP proxy on 127.0.0.1, between the phone and a real server process.

Each client connection carries one request (the proxy answers with the server's bytes and closes), so every
request can get its own fate: forwarded, dropped before it reaches the server, dropped after the server has
answered (and committed), cut midway through its body, or the server process SIGKILLed while it works on it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

PASS, DROP_BEFORE, DROP_AFTER, CUT_BODY, KILL = "pass", "drop_before", "drop_after", "cut_body", "kill"
FAULTS = (DROP_BEFORE, DROP_AFTER, CUT_BODY, KILL)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    head: bytes
    body_length: int


Decide = Callable[[Request], "tuple[str, int]"]
"""decide(request) -> (fate, n): n = body bytes to forward for CUT_BODY, milliseconds to wait for KILL."""


def _read_head(conn: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        block = conn.recv(65536)
        if not block:
            raise ConnectionError("client closed before sending a request")
        data += block
    head, _, rest = data.partition(b"\r\n\r\n")
    return head + b"\r\n\r\n", rest


def _parse(head: bytes) -> Request:
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    return Request(method, path, head, length)


def _close_hard(conn: socket.socket) -> None:
    """Close with RST where possible so the client sees a dropped connection, not a clean end."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    except OSError:
        pass
    conn.close()


class LoopbackListener:
    """A TCP listener on 127.0.0.1:<free port> whose accept loop hands each connection to `handle` until `stop`."""

    def __init__(self, name: str) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopped = False
        self._thread = threading.Thread(target=self._accept, daemon=True, name=name)
        self._thread.start()

    def stop(self) -> None:
        self._stopped = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError


class FaultProxy(LoopbackListener):
    """Listens on 127.0.0.1:<free port>; ``upstream`` (host, port) may change while running (server restarts)."""

    def __init__(self, upstream_port: int, decide: Decide, on_kill: Callable[[], None] | None = None) -> None:
        self.upstream_port = upstream_port
        self.decide = decide
        self.on_kill = on_kill
        self.enabled = False
        self.counts: Counter[str] = Counter()
        self.log: list[tuple[str, str, str]] = []
        self.slow: list[tuple[float, object]] = []
        self._lock = threading.Lock()
        super().__init__("fault-proxy")

    @property
    def faults(self) -> int:
        return sum(n for fate, n in self.counts.items() if fate != PASS)

    def handle(self, conn: socket.socket) -> None:
        threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        began = time.monotonic()
        self._handle(conn)
        if time.monotonic() - began > 2:
            self.slow.append((time.monotonic() - began, self.log[-1] if self.log else None))

    def _handle(self, conn: socket.socket) -> None:
        try:
            head, rest = _read_head(conn)
            request = _parse(head)
            fate, n = self.decide(request) if self.enabled else (PASS, 0)
            with self._lock:
                self.counts[fate] += 1
                self.log.append((request.method, request.path, fate))
            if fate == DROP_BEFORE:
                _close_hard(conn)
                return
            body = rest
            while len(body) < request.body_length:
                block = conn.recv(65536)
                if not block:
                    raise ConnectionError("client closed midway through its body")
                body += block
            head = self._one_shot(head)
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
            try:
                if fate == CUT_BODY:
                    upstream.sendall(head + body[:n])
                    time.sleep(0.01)  # let the server read what arrived before the connection breaks
                    _close_hard(upstream)
                    _close_hard(conn)
                    return
                upstream.sendall(head + body)
                # Half-close: werkzeug drains unread body bytes after answering until EOF, and we read its answer
                # until EOF; without this, an answer given before the body was read would wait for a timeout.
                upstream.shutdown(socket.SHUT_WR)
                if fate == KILL:
                    time.sleep(n / 1000)
                    assert self.on_kill is not None
                    self.on_kill()
                    _close_hard(conn)
                    return
                answer = self._read_all(upstream)
            finally:
                upstream.close()
            if fate == DROP_AFTER:
                _close_hard(conn)
                return
            conn.sendall(answer)
            conn.close()
        except (OSError, ConnectionError, ValueError):
            _close_hard(conn)

    @staticmethod
    def _one_shot(head: bytes) -> bytes:
        """Ask the server to close after answering, so its answer ends at EOF."""
        lines = [line for line in head.split(b"\r\n")[:-2] if not line.lower().startswith(b"connection:")]
        return b"\r\n".join([*lines, b"Connection: close", b"", b""])

    @staticmethod
    def _read_all(upstream: socket.socket) -> bytes:
        chunks = []
        while block := upstream.recv(65536):
            chunks.append(block)
        return b"".join(chunks)
