"""What a shopper types as the server address, made into the base URL the app calls (pure: no network, no Kivy).

The rule (mobile/README.md, "Server address"):

- spaces around it and trailing slashes go; scheme and host are lower-cased; a path stays (a server under /audit);
- ``https://`` and ``http://`` are kept exactly as typed: typing ``http://`` is the shopper's explicit choice;
- without a scheme, ``https://`` is added, except for a *local* address, which gets ``http://``: ``localhost``,
  loopback (127.x, ::1), private networks (10.x, 172.16-31.x, 192.168.x, fc00::/7), link-local (169.254.x,
  fe80::), ``*.local`` (mDNS) and one-word names (``laptop:5000``), since those are the development server or a
  box on the office network, which have no certificate a phone trusts;
- any other scheme, a user name or password, a query or fragment, spaces inside, a malformed host or a port
  outside 1-65535 is refused with an AddressError naming the field.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

FIELD = "Server address"
SCHEMES = ("https", "http")
LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SCHEME_TYPO = re.compile(r"^[A-Za-z][A-Za-z0-9+-]*:(?!\d)")  # "https:/host", "mailto:x" (not "host:8000")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_IPV4ISH = re.compile(r"^[0-9.]+$")

MESSAGES = {
    "empty": "Enter the server address.",
    "spaces": "The server address cannot contain spaces.",
    "scheme": "The server address must start with https:// (or http:// on your local network).",
    "credentials": "The server address cannot contain a user name or password.",
    "query": "The server address cannot contain ? or #.",
    "host": "The server address has no valid server name.",
    "port": "The port in the server address must be a number from 1 to 65535.",
}


class AddressError(ValueError):
    """The typed address cannot be used; ``problem`` (a MESSAGES key) lets the screen say it in the shopper's language."""

    field = FIELD

    def __init__(self, problem: str) -> None:
        super().__init__(MESSAGES[problem])
        self.problem = problem
        self.message = MESSAGES[problem]


def is_local_host(host: str) -> bool:
    """Whether ``host`` (no port, no brackets) is on this machine or a local network (see the module rule)."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith((".localhost", ".local")) or ("." not in host and ":" not in host):
        return not _IPV4ISH.match(host) or _ip_is_local(host)
    return _ip_is_local(host)


def _ip_is_local(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in LOCAL_NETWORKS if network.version == address.version)


def _valid_host(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    if ":" in host:  # IPv6 (urlsplit took the brackets off)
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    if _IPV4ISH.match(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(_LABEL.match(label) for label in ascii_host.rstrip(".").split("."))


def normalise_server_url(text: str | None) -> str:
    """The base URL for what was typed (see the module rule); raises AddressError naming the field."""
    url = (text or "").strip()
    if not url:
        raise AddressError("empty")
    if any(ch.isspace() for ch in url):
        raise AddressError("spaces")
    typed = _SCHEME.match(url)
    if typed:
        if typed.group(1).lower() not in SCHEMES:
            raise AddressError("scheme")
    elif _SCHEME_TYPO.match(url):
        raise AddressError("scheme")
    if "?" in url or "#" in url:
        raise AddressError("query")
    try:
        parts = urlsplit(url if typed else "//" + url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:  # a malformed [IPv6] literal
        raise AddressError("host") from None
    if "@" in parts.netloc:
        raise AddressError("credentials")
    if not _valid_host(host):
        raise AddressError("host")
    try:
        port = parts.port
    except ValueError:
        raise AddressError("port") from None
    if port == 0 or (parts.netloc.endswith(":") and port is None):
        raise AddressError("port")
    scheme = parts.scheme.lower() if typed else ("http" if is_local_host(host) else "https")
    shown_host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown_host}{f':{port}' if port is not None else ''}{parts.path.rstrip('/')}"
