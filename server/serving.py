"""Serving in production: gunicorn on a socket bound before start-up, every worker importing `server.wsgi:app`.

The `fieldaudit run` command checks and prepares (server.cli.run); this module holds what it needs to serve:
the address checks, the listening socket, the shared-limits rule and the gunicorn application.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, has_app_context

WSGI_APP = "server.wsgi:app"
SERVER_HEADER = "Fieldaudit"
"""What the `Server:` response header says instead of gunicorn's name (no software, no version)."""
LISTEN_BACKLOG = 2048
OPTIONAL_SETTINGS = {"control_socket_disable"}
"""Settings of newer gunicorn releases (25.1+), skipped on older ones that do not have them."""


class ServingError(RuntimeError):
    """Fieldaudit cannot start serving here; the message is one line for the console."""


@dataclass(frozen=True)
class ServeOptions:
    """The gunicorn settings `fieldaudit run` exposes; every other one keeps the value chosen here."""

    workers: int = 1
    threads: int = 4
    timeout: int = 30
    graceful_timeout: int = 30
    keepalive: int = 5


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (127.0.0.0/8, ::1, or a name that resolves there)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def shown_url(host: str, port: int) -> str:
    """The address to open in a browser (a wildcard address is shown as localhost)."""
    if host in ("0.0.0.0", "::", ""):
        host = "localhost"
    elif ":" in host:
        host = f"[{host.strip('[]')}]"
    return f"http://{host}:{port}/"


def masked_uri(uri: str) -> str:
    """A storage URI fit to print: the password, if any, replaced by ***."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def shared_limits_problem(app: Flask, workers: int) -> str | None:
    """Why the rate limits could not be shared by `workers` processes, or None when they can.

    Limits kept in memory are per process: with several workers every one of them would allow the full
    number of sign-in attempts, so the limit would silently multiply. A shared store must also answer now,
    not at the first sign-in.
    """
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith("memory://"):
        if workers > 1:
            return (
                f"--workers {workers} needs rate limits shared by all workers: set "
                "FIELDAUDIT_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (or serve with --workers 1)"
            )
        return None
    from limits.storage import storage_from_string

    try:
        answers = storage_from_string(uri).check()
    except Exception as exc:  # a missing client library, a malformed URI, a refused connection
        return f"the rate-limit storage {masked_uri(uri)} cannot be used: {str(exc).splitlines()[0]}"
    if not answers:
        return f"the rate-limit storage {masked_uri(uri)} does not answer: start it or fix FIELDAUDIT_RATELIMIT_STORAGE_URI"
    return None


def shared_locks_problem(app: Flask, workers: int) -> str | None:
    """Why photo uploads could not be locked across `workers` processes sharing an S3 bucket, or None when they can.

    On disk the upload lock is a file lock every process sees; in a bucket it is a Redis lease, and without
    Redis it is held in one process only, so two workers could write the same photo's parts at once.
    """
    if app.config.get("PHOTO_STORAGE") != "s3" or workers <= 1 or app.config.get("REDIS_URL"):
        return None
    return (
        f"--workers {workers} with FIELDAUDIT_PHOTO_STORAGE=s3 needs upload locks shared by all workers: set "
        "FIELDAUDIT_REDIS_URL=redis://127.0.0.1:6379/0 (or serve with --workers 1)"
    )


def exposure_warning(host: str, environ: Mapping[str, str] | None = None) -> str | None:
    """A warning when a public address serves session cookies that are not marked Secure and no proxy is set."""
    environ = os.environ if environ is None else environ
    if is_loopback(host):
        return None
    secure = environ.get("FIELDAUDIT_SECURE_COOKIES", "0") == "1"
    proxied = environ.get("FIELDAUDIT_PROXY_HOPS", "0") not in ("", "0")
    if secure or proxied:
        return None
    return (
        f"Warning: {host} is reachable from other machines, but FIELDAUDIT_SECURE_COOKIES=1 and "
        "FIELDAUDIT_PROXY_HOPS are both unset: sign-ins and session cookies travel in clear text. Serve "
        "behind HTTPS (nginx or Caddy, FIELDAUDIT_PROXY_HOPS=1); see docs/security.md."
    )


def bind_listener(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, or a ServingError that says in one line why not."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServingError(f"--host {host}: not an address or a name this machine knows ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does: restart over TIME_WAIT
        listener.bind(address)
        listener.listen(LISTEN_BACKLOG)
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServingError(
                f"port {port} on {host} is already in use: stop the other server or choose another --port"
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServingError(f"--host {host} is not an address of this machine") from None
        if exc.errno == errno.EACCES:
            raise ServingError(
                f"port {port} needs more privileges: choose a port above 1023 and let a proxy listen on 80/443"
            ) from None
        raise ServingError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return listener


def gunicorn_settings(options: ServeOptions, fd: int, on_ready: Callable[[], None]) -> dict[str, object]:
    """The gunicorn configuration: our socket, threaded workers, timeouts, no control socket, no trust in headers.

    Forwarded headers are trusted only through FIELDAUDIT_PROXY_HOPS (ProxyFix in the app), so gunicorn's
    own `forwarded_allow_ips` is emptied: one rule, in one place.
    """
    return {
        "bind": [f"fd://{fd}"],
        "wsgi_app": WSGI_APP,
        "preload_app": False,  # each worker builds its own app after the fork: nothing is shared
        "workers": options.workers,
        "worker_class": "gthread",
        "threads": options.threads,
        "timeout": options.timeout,
        "graceful_timeout": options.graceful_timeout,
        "keepalive": options.keepalive,
        "forwarded_allow_ips": "",
        "control_socket_disable": True,
        "proc_name": "fieldaudit",
        "when_ready": lambda arbiter: on_ready(),
    }


def hide_server_banner() -> None:
    """gunicorn sends `Server: gunicorn` (no version since 20.0); send `Server: Fieldaudit` instead.

    The name comes from a module constant that every response reads when it is built (checked by
    tests/server/test_serving.py and the real-topology test, so a gunicorn upgrade that moves it fails there).
    """
    import gunicorn.http.wsgi

    gunicorn.http.wsgi.SERVER = SERVER_HEADER


def serve(listener: socket.socket, options: ServeOptions, on_ready: Callable[[], None]) -> None:
    """Run gunicorn's arbiter on `listener` until it is stopped; exits the process with gunicorn's status."""
    if has_app_context():
        raise RuntimeError("gunicorn must start outside any application context (each request needs its own)")
    from gunicorn.app.base import BaseApplication

    settings = gunicorn_settings(options, listener.detach(), on_ready)

    class FieldauditGunicorn(BaseApplication):
        """gunicorn with GUNICORN_CMD_ARGS for extra settings, then ours, which always win."""

        def load_config(self) -> None:
            parser = self.cfg.parser()
            extra = parser.parse_args(self.cfg.get_cmd_args_from_env())
            for key, value in vars(extra).items():
                if value is not None and key != "args" and key in self.cfg.settings:
                    self.cfg.set(key.lower(), value)
            for key, value in settings.items():
                if key in self.cfg.settings or key not in OPTIONAL_SETTINGS:
                    self.cfg.set(key, value)

        def load(self):
            from importlib import import_module

            return import_module("server.wsgi").app

    hide_server_banner()
    sys.stdout.flush()
    sys.stderr.flush()  # nothing buffered may be copied into the workers
    FieldauditGunicorn(prog="fieldaudit run").run()
