"""A requests transport that reaches the real server but can fail on cue: drop the connection before or after
the server handled a request, or answer with an injected status. Every request is recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter


@dataclass
class Fault:
    """Fail the next ``times`` requests whose method matches and whose path contains ``path``."""

    method: str
    path: str
    kind: str  # "drop_before" | "drop_after" | "status" | "corrupt" (flip the first body byte, then send)
    times: int = 1
    status: int = 503
    body: dict[str, Any] = field(default_factory=lambda: {"status": 503, "message": "Try again later."})
    after: int = 0  # let this many matching requests through first


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    status: int | None
    injected: str | None = None


class FaultyAdapter(HTTPAdapter):
    """HTTPAdapter with scripted failures; ``seen`` lists every request the client tried to make."""

    def __init__(self) -> None:
        super().__init__(max_retries=0)
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []

    def fail(self, method: str, path: str, kind: str, **options: Any) -> Fault:
        fault = Fault(method.upper(), path, kind, **options)
        self.faults.append(fault)
        return fault

    def send(self, request, **kwargs):  # type: ignore[override]
        path = urlsplit(request.url).path
        record = Seen(request.method, path, dict(request.headers), None)
        self.seen.append(record)
        fault = next((f for f in self.faults if f.times > 0 and f.method == request.method and f.path in path), None)
        if fault is not None and fault.after > 0:
            fault.after -= 1
            fault = None
        if fault is not None:
            fault.times -= 1
            record.injected = fault.kind
            if fault.kind == "drop_before":
                raise requests.ConnectionError("injected: connection dropped before the request arrived")
            if fault.kind == "status":
                record.status = fault.status
                return self._fake(request, fault)
        if fault is not None and fault.kind == "corrupt" and request.body:
            body = bytes(request.body)
            request.body = bytes([body[0] ^ 0xFF]) + body[1:]
        response = super().send(request, **kwargs)
        record.status = response.status_code
        if fault is not None and fault.kind == "drop_after":
            _ = response.content  # the server has fully handled it
            raise requests.ConnectionError("injected: connection dropped before the answer arrived")
        return response

    @staticmethod
    def _fake(request, fault: Fault) -> requests.Response:
        response = requests.Response()
        response.status_code = fault.status
        response._content = json.dumps(fault.body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        response.reason = "Injected"
        return response

    def calls(self, method: str, path: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method.upper() and path in s.path]


def faulty_session() -> tuple[requests.Session, FaultyAdapter]:
    session = requests.Session()
    adapter = FaultyAdapter()
    session.mount("http://", adapter)
    return session, adapter
