"""A TCP proxy on 127.0.0.1 in front of an S3 endpoint that cuts chosen PUT requests midway through their body.

Requests are followed on keep-alive connections (head, then Content-Length bytes of body); a PUT picked to be
cut gets only `after` bytes of its body forwarded, then both connections are reset, as when a network drops.
"""

from __future__ import annotations

import socket
import threading

from tests.reliability.proxy import LoopbackListener, _close_hard


class CuttingProxy(LoopbackListener):
    """Forwards to 127.0.0.1:`upstream_port`; the next `cuts` PUT requests are cut after `after` body bytes."""

    def __init__(self, upstream_port: int, after: int = 64 * 1024) -> None:
        self.upstream_port, self.after = upstream_port, after
        self.cuts = 0
        self.cut_count = 0
        self.puts = 0
        self._lock = threading.Lock()
        super().__init__("cutting-proxy")

    def handle(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
        threading.Thread(target=self._answers, args=(upstream, client), daemon=True).start()
        threading.Thread(target=self._requests, args=(client, upstream), daemon=True).start()

    def _take_cut(self) -> bool:
        with self._lock:
            self.puts += 1
            if self.cuts > 0:
                self.cuts -= 1
                self.cut_count += 1
                return True
            return False

    def _requests(self, client: socket.socket, upstream: socket.socket) -> None:
        """Client to upstream, one request at a time; a chosen PUT is cut."""
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    block = client.recv(65536)
                    if not block:
                        upstream.shutdown(socket.SHUT_WR)
                        return
                    buffer += block
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                    if name.strip().lower() == "transfer-encoding":
                        raise AssertionError("a chunked request body: the proxy follows Content-Length only")
                cut = lines[0].startswith("PUT ") and self._take_cut()
                upstream.sendall(head + b"\r\n\r\n")
                budget = min(length, self.after) if cut else length
                while budget > 0:
                    if not buffer:
                        buffer = client.recv(65536)
                        if not buffer:
                            raise ConnectionError("client closed midway through its body")
                    piece, buffer = buffer[:budget], buffer[budget:]
                    upstream.sendall(piece)
                    budget -= len(piece)
                if cut:
                    _close_hard(upstream)
                    _close_hard(client)
                    return
        except OSError:
            _close_hard(upstream)
            _close_hard(client)

    @staticmethod
    def _answers(upstream: socket.socket, client: socket.socket) -> None:
        """Upstream to client, byte for byte."""
        try:
            while block := upstream.recv(65536):
                client.sendall(block)
            client.shutdown(socket.SHUT_WR)
        except OSError:
            _close_hard(client)
