"""A real HTTP receiver on loopback for the webhook tests: records every request, can answer 500 or hang."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request as it arrived: path, headers (case-insensitive names), raw body."""

    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers[name.lower()]


class Receiver:
    """Listens on 127.0.0.1 (a free port) in a thread; `fail_first` requests get 500, `hang_first` never get an answer
    until `release()`; `status` answers the rest; `redirect_to` answers 302 instead."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail_first = 0
        self.hang_first = 0
        self.status = 200
        self.redirect_to = ""
        self.reply = b"thanks"
        self._lock = threading.Lock()
        self._released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._lock:
                    receiver.received.append(Received(self.path, headers, body))
                    number = len(receiver.received)
                if number <= receiver.hang_first:
                    receiver._released.wait(60)
                    return
                if receiver.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", receiver.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 500 if number <= receiver.hang_first + receiver.fail_first else receiver.status
                self.send_response(status)
                self.send_header("Content-Length", str(len(receiver.reply)))
                self.end_headers()
                self.wfile.write(receiver.reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        """The requests once at least `count` arrived (fails the test after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"the receiver got {len(self.received)} requests, not {count}, within {timeout} s")

    def release(self) -> None:
        """Let hanging requests end (without an answer)."""
        self._released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
