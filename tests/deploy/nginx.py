"""Debian's nginx as a child process, running the shipped deploy/nginx/fieldaudit.conf with loopback ports, a
self-signed certificate and its own prefix, pid and log files, in front of a `fieldaudit run` on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.poolmanager import PoolManager

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_SITE = ROOT / "deploy" / "nginx" / "fieldaudit.conf"
HOST_NAME = "audit.example.org"
"""The host name the shipped file serves (left as shipped: the certificate and TRUSTED_HOSTS use it)."""


def nginx_binary() -> str | None:
    """Debian's nginx (in /usr/sbin, often not on a user's PATH), or None when it is not installed."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def substitute(text: str, old: str, new: str, count: int) -> str:
    """`text` with `old` replaced by `new`, which must occur exactly `count` times: if the shipped file changes
    shape, the test says which line it no longer finds instead of quietly testing something else."""
    found = text.count(old)
    if found != count:
        raise AssertionError(
            f"deploy/nginx/fieldaudit.conf has {old!r} {found} times, the test expects {count}: "
            "update tests/deploy/nginx.py with the file"
        )
    return text.replace(old, new)


@dataclass(frozen=True)
class Ports:
    http: int
    https: int
    upstream: int


def render_site(shipped: str, ports: Ports, certificate: Path, key: Path, logs: Path) -> str:
    """The shipped site file with loopback ports, the test certificate, the test upstream and private logs.

    Everything else (headers, body size, timeouts, TLS settings, the redirect) is the file users install.
    """
    site = substitute(shipped, "    listen 80;\n", f"    listen 127.0.0.1:{ports.http};\n", 1)
    site = substitute(site, "    listen [::]:80;\n", "", 1)
    site = substitute(site, "    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{ports.https} ssl http2;\n", 1)
    site = substitute(site, "    listen [::]:443 ssl http2;\n", "", 1)
    site = substitute(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{ports.upstream};", 1)
    site = substitute(site, f"/etc/letsencrypt/live/{HOST_NAME}/fullchain.pem", str(certificate), 1)
    site = substitute(site, f"/etc/letsencrypt/live/{HOST_NAME}/privkey.pem", str(key), 1)
    site = substitute(site, "/var/log/nginx/fieldaudit.access.log", str(logs / "fieldaudit.access.log"), 1)
    return substitute(site, "/var/log/nginx/fieldaudit.error.log", str(logs / "fieldaudit.error.log"), 1)


def main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site file (an http block), with every path in `folder`."""
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private folders
    temp = "".join(
        f"    {kind}_temp_path {folder / (kind + '_temp')};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\n"
        "events { worker_connections 128; }\n"
        "http {\n"
        f"    access_log {folder / 'access.log'};\n"
        f"{temp}"
        f"    include {site};\n"
        "}\n"
    )


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for HOST_NAME made with the openssl command, as docs/deploy.md shows."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
            "-keyout", str(key), "-out", str(certificate), "-subj", f"/CN={HOST_NAME}",
            "-addext", f"subjectAltName=DNS:{HOST_NAME}",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return certificate, key


class Nginx:
    """`nginx -p <folder> -c <folder>/nginx.conf -g 'daemon off;'` as a child process; stop() ends it."""

    def __init__(self, binary: str, folder: Path, ports: Ports) -> None:
        self.binary, self.folder, self.ports = binary, folder, ports
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self.certificate, self.key = self_signed_certificate(folder)
        self.site = folder / "fieldaudit.conf"
        self.site.write_text(render_site(SHIPPED_SITE.read_text(), ports, self.certificate, self.key, folder))
        self.config = folder / "nginx.conf"
        self.config.write_text(main_config(folder, self.site))

    def command(self, *extra: str) -> list[str]:
        return [self.binary, "-p", str(self.folder), "-c", str(self.config), *extra]

    def check(self) -> None:
        """`nginx -t`: the rendered configuration parses (its message in the failure)."""
        done = subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr

    def start(self, timeout: float = 30) -> None:
        self.check()
        with open(self.folder / "nginx.out", "ab") as out:
            self.proc = subprocess.Popen(
                self.command("-g", "daemon off;"), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.proc.returncode}: {self.errors()}")
            if all(_listening(port) for port in (self.ports.http, self.ports.https)):
                return
            time.sleep(0.05)
        raise RuntimeError(f"nginx did not listen within {timeout}s: {self.errors()}")

    def errors(self) -> str:
        parts = [self.folder / name for name in ("nginx.out", "error.log", "fieldaudit.error.log")]
        return "\n".join(p.read_text(errors="replace")[-2000:] for p in parts if p.exists())

    def stop(self) -> None:
        """SIGQUIT (nginx's graceful stop), then SIGKILL to its process group if it lingers."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(3)  # SIGQUIT
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(10)
        self.proc = None


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class ClientAdapter(HTTPAdapter):
    """Connections from one loopback address (127.0.0.2, 127.0.0.3, ...), as nginx sees a client on another
    machine, with TLS for HOST_NAME (SNI and certificate check) although they go to 127.0.0.1."""

    def __init__(self, source: str, **kwargs) -> None:
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self.poolmanager = PoolManager(
            num_pools=connections,
            maxsize=maxsize,
            block=block,
            source_address=(self.source, 0),
            server_hostname=HOST_NAME,  # dropped by urllib3 for plain http://
            **pool_kwargs,
        )


def client_from(source: str, certificate: Path) -> requests.Session:
    """A browser for HOST_NAME that connects from `source` and trusts only the test certificate."""
    session = requests.Session()
    adapter = ClientAdapter(source)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False  # else REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE replaces `verify`, and *_PROXY applies
    session.verify = str(certificate)
    session.headers["Host"] = HOST_NAME
    # Over HTTPS, Flask-WTF also checks that a form was posted from this site's pages (the Referer, which
    # browsers send here: Referrer-Policy same-origin); the forms of these tests all come from the sign-in page.
    session.headers["Referer"] = f"https://{HOST_NAME}/login"
    return session
