"""Where webhooks may go (SSRF): https to public addresses only, unless the settings allow plain http or private hosts.

Checked when an endpoint is registered or edited, and again before every delivery, since what a name resolves
to can change. A host is refused when any address it resolves to is loopback, private, link-local,
multicast, reserved, unspecified or otherwise not global (IPv4-mapped IPv6 addresses are judged as IPv4).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from server.services.errors import ServiceError

MAX_URL_LENGTH = 2000

Resolver = Callable[[str, int], list[str]]


class AddressRefused(ServiceError):
    """A webhook URL this server will not send to; the message says why and which setting would allow it."""

    status = 422


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6)."""
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def _not_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is not part of the address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: object, settings: dict[str, Any], resolver: Resolver = resolve) -> str:
    """The URL, stripped, if this server may send webhooks to it; AddressRefused (field `url`) if not."""
    text = str(url or "").strip()
    if not text:
        raise AddressRefused("url", "Enter the URL that should receive the events.")
    if len(text) > MAX_URL_LENGTH:
        raise AddressRefused("url", f"The URL must be at most {MAX_URL_LENGTH} characters long.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise AddressRefused("url", f"This is not a valid URL ({exc}).") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused("url", "Enter a full URL, such as https://example.org/fieldaudit-hook.")
    if parts.scheme == "http" and not settings.get("WEBHOOK_ALLOW_HTTP"):
        raise AddressRefused("url", "Use https:// (plain http is refused unless FIELDAUDIT_WEBHOOK_ALLOW_HTTP=1).")
    if parts.username or parts.password:
        raise AddressRefused("url", "Leave user names and passwords out of the URL; the signature authenticates us.")
    if parts.fragment:
        raise AddressRefused("url", "Leave the #fragment out of the URL.")
    if not settings.get("WEBHOOK_ALLOW_PRIVATE"):
        refuse_private_host(parts.hostname, port or (443 if parts.scheme == "https" else 80), resolver)
    return text


def refuse_private_host(host: str, port: int, resolver: Resolver = resolve) -> None:
    """AddressRefused unless every address of `host` is public."""
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused("url", f"The host {host} cannot be resolved ({exc}).") from None
    if not addresses:
        raise AddressRefused("url", f"The host {host} has no address.")
    private = [address for address in addresses if _not_public(address)]
    if private:
        raise AddressRefused(
            "url",
            f"The host {host} resolves to {private[0]}, a loopback, private or reserved address; webhooks go to "
            "public addresses only (unless FIELDAUDIT_WEBHOOK_ALLOW_PRIVATE=1).",
        )
