"""Debian's nginx and Caddy as child processes, each running its shipped file (deploy/nginx/fieldaudit.conf,
deploy/caddy/Caddyfile) with loopback ports, a self-signed certificate and private pid, log and data paths, in
front of a `fieldaudit run` on loopback; and browsers that connect from a chosen loopback address."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.poolmanager import PoolManager

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_NGINX = ROOT / "deploy" / "nginx" / "fieldaudit.conf"
SHIPPED_CADDYFILE = ROOT / "deploy" / "caddy" / "Caddyfile"
HOST_NAME = "audit.example.org"
"""The host name the shipped files serve (left as shipped: the certificate and TRUSTED_HOSTS use it)."""


def find_binary(name: str) -> str | None:
    """A Debian package's program (nginx lives in /usr/sbin, often not on a user's PATH), or None."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/usr/bin")


def substitute(text: str, old: str, new: str, count: int, shipped: Path) -> str:
    """`text` with `old` replaced by `new`, which must occur exactly `count` times: if the shipped file changes
    shape, the test says which line it no longer finds instead of quietly testing something else."""
    found = text.count(old)
    if found != count:
        raise AssertionError(
            f"{shipped.relative_to(ROOT)} has {old!r} {found} times, the test expects {count}: "
            "update tests/deploy/proxies.py with the file"
        )
    return text.replace(old, new)


@dataclass(frozen=True)
class Ports:
    http: int
    https: int
    upstream: int


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


class Proxy:
    """One proxy process on `ports`, with a fresh certificate in `folder`; subclasses render and run their file."""

    name = ""
    stop_signal = signal.SIGTERM
    logs: tuple[str, ...] = ()

    def __init__(self, binary: str, folder: Path, ports: Ports) -> None:
        self.binary, self.folder, self.ports = binary, folder, ports
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self.certificate, self.key = self_signed_certificate(folder)

    def command(self) -> list[str]:
        raise NotImplementedError

    def check(self) -> None:
        """The proxy's own configuration check, before it starts."""

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self, timeout: float = 30) -> None:
        self.check()
        with open(self.folder / "proxy.out", "ab") as out:
            self.proc = subprocess.Popen(
                self.command(), stdout=out, stderr=subprocess.STDOUT, env=self.environment(), start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.errors()}")
            if all(_listening(port) for port in (self.ports.http, self.ports.https)):
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not listen within {timeout}s: {self.errors()}")

    def errors(self) -> str:
        parts = [self.folder / name for name in ("proxy.out", *self.logs)]
        return "\n".join(p.read_text(errors="replace")[-2000:] for p in parts if p.exists())

    def stop(self) -> None:
        """The proxy's graceful stop, then SIGKILL to its process group if it lingers."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None


class Nginx(Proxy):
    """`nginx -p <folder> -c <folder>/nginx.conf -g 'daemon off;'` with the shipped site file included."""

    name = "nginx"
    stop_signal = signal.SIGQUIT  # nginx's graceful stop
    logs = ("error.log", "fieldaudit.error.log")

    def __init__(self, binary: str, folder: Path, ports: Ports) -> None:
        super().__init__(binary, folder, ports)
        self.site = folder / "fieldaudit.conf"
        self.site.write_text(render_nginx_site(SHIPPED_NGINX.read_text(), ports, self.certificate, self.key, folder))
        self.config = folder / "nginx.conf"
        self.config.write_text(nginx_main_config(folder, self.site))

    def command(self) -> list[str]:
        return [self.binary, "-p", str(self.folder), "-c", str(self.config), "-g", "daemon off;"]

    def check(self) -> None:
        """`nginx -t`: the rendered configuration parses (its message in the failure)."""
        done = subprocess.run(
            [self.binary, "-p", str(self.folder), "-c", str(self.config), "-t"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr


def render_nginx_site(shipped: str, ports: Ports, certificate: Path, key: Path, logs: Path) -> str:
    """The shipped site file with loopback ports, the test certificate, the test upstream and private logs.

    Everything else (headers, body size, timeouts, TLS settings, the redirect) is the file users install.
    """

    def sub(text: str, old: str, new: str) -> str:
        return substitute(text, old, new, 1, SHIPPED_NGINX)

    site = sub(shipped, "    listen 80;\n", f"    listen 127.0.0.1:{ports.http};\n")
    site = sub(site, "    listen [::]:80;\n", "")
    site = sub(site, "    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{ports.https} ssl http2;\n")
    site = sub(site, "    listen [::]:443 ssl http2;\n", "")
    site = sub(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{ports.upstream};")
    site = sub(site, f"/etc/letsencrypt/live/{HOST_NAME}/fullchain.pem", str(certificate))
    site = sub(site, f"/etc/letsencrypt/live/{HOST_NAME}/privkey.pem", str(key))
    site = sub(site, "/var/log/nginx/fieldaudit.access.log", str(logs / "fieldaudit.access.log"))
    return sub(site, "/var/log/nginx/fieldaudit.error.log", str(logs / "fieldaudit.error.log"))


def nginx_main_config(folder: Path, site: Path) -> str:
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


class Caddy(Proxy):
    """`caddy run --config <folder>/Caddyfile`: the shipped file with global options for ports and storage."""

    name = "caddy"

    def __init__(self, binary: str, folder: Path, ports: Ports) -> None:
        super().__init__(binary, folder, ports)
        self.config = folder / "Caddyfile"
        self.config.write_text(
            render_caddyfile(SHIPPED_CADDYFILE.read_text(), ports, self.certificate, self.key, folder)
        )

    def command(self) -> list[str]:
        return [self.binary, "run", "--config", str(self.config), "--adapter", "caddyfile"]

    def environment(self) -> dict[str, str]:
        home = str(self.folder / "home")  # Caddy's own files (autosave.json, locks), never the user's
        return {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home}

    def check(self) -> None:
        done = subprocess.run(
            [self.binary, "validate", "--config", str(self.config), "--adapter", "caddyfile"],
            capture_output=True,
            text=True,
            timeout=30,
            env=self.environment(),
        )
        assert done.returncode == 0, done.stderr[-2000:]


def render_caddyfile(shipped: str, ports: Ports, certificate: Path, key: Path, folder: Path) -> str:
    """The shipped Caddyfile with the test certificate (instead of Let's Encrypt), the test upstream and log,
    and a global block for loopback, the ports, no admin endpoint and storage in `folder`."""
    assert not shipped.lstrip().startswith("{"), "the shipped Caddyfile gained a global block: merge the test's into it"
    caddyfile = substitute(
        shipped, f"{HOST_NAME} {{\n", f"{HOST_NAME} {{\n\ttls {certificate} {key}\n", 1, SHIPPED_CADDYFILE
    )
    caddyfile = substitute(
        caddyfile,
        "reverse_proxy 127.0.0.1:8000 {",
        f"reverse_proxy 127.0.0.1:{ports.upstream} {{",
        1,
        SHIPPED_CADDYFILE,
    )
    caddyfile = substitute(
        caddyfile, "/var/log/caddy/fieldaudit.access.log", str(folder / "access.log"), 1, SHIPPED_CADDYFILE
    )
    options = (
        "{\n\tadmin off\n\tdefault_bind 127.0.0.1\n"
        f"\thttp_port {ports.http}\n\thttps_port {ports.https}\n\tstorage file_system {folder / 'data'}\n}}\n\n"
    )
    return options + caddyfile


PROXIES: dict[str, type[Proxy]] = {"nginx": Nginx, "caddy": Caddy}


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class ClientAdapter(HTTPAdapter):
    """Connections from one loopback address (127.0.0.2, 127.0.0.3, ...), as a proxy sees a client on another
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
