"""The sign-in link an admin's QR code holds (fieldaudit://enrol?server=...&code=...), read into server and code.

Pure: no network, no Kivy. The desktop popup and the Android intent both hand over the text of such a link;
what the shopper typed by hand (server and code) goes through the same checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from .addresses import AddressError, normalise_server_url

LINK_PREFIX = "fieldaudit://enrol"
CODE_CHARACTERS = re.compile(r"^[A-Z0-9]{8,64}$")

MESSAGES = {
    "empty": "Nothing was scanned. Try again, or type the server address and the code.",
    "not_a_link": "That is not a Fieldaudit sign-in code. Scan the QR code on your coordinator's screen.",
    "no_server": "The sign-in code has no server address. Ask your coordinator for a new one.",
    "no_code": "Enter the sign-in code your coordinator shows (letters and digits, like ABCD-EFGH-JKMN-PQRS).",
    "bad_code": "The sign-in code should be letters and digits only, like ABCD-EFGH-JKMN-PQRS.",
}


class EnrolmentLinkError(ValueError):
    """The scanned or typed text cannot sign in; ``problem`` (a MESSAGES key) lets the screen translate it."""

    def __init__(self, problem: str) -> None:
        super().__init__(MESSAGES[problem])
        self.problem = problem
        self.message = MESSAGES[problem]


@dataclass(frozen=True)
class Enrolment:
    """Where to sign in, and the one-time code (upper case, without spaces or dashes)."""

    server: str
    code: str


def normal_code(text: str | None) -> str:
    """The code as the server compares it: upper case, spaces and dashes gone; EnrolmentLinkError when malformed."""
    code = re.sub(r"[\s-]+", "", (text or "").upper())
    if not code:
        raise EnrolmentLinkError("no_code")
    if not CODE_CHARACTERS.match(code):
        raise EnrolmentLinkError("bad_code")
    return code


def enrolment_from_parts(server: str | None, code: str | None) -> Enrolment:
    """Server address and code typed by hand; AddressError or EnrolmentLinkError when either is wrong."""
    return Enrolment(normalise_server_url(server), normal_code(code))


def parse_enrolment_link(text: str | None) -> Enrolment:
    """The server and code of a scanned link; EnrolmentLinkError (or AddressError for its server) when malformed."""
    link = (text or "").strip()
    if not link:
        raise EnrolmentLinkError("empty")
    parts = urlsplit(link)
    if parts.scheme.lower() != "fieldaudit" or parts.netloc.lower() != "enrol" or parts.path not in ("", "/"):
        raise EnrolmentLinkError("not_a_link")
    query = parse_qs(parts.query)
    servers, codes = query.get("server", []), query.get("code", [])
    if len(servers) != 1 or not servers[0].strip():
        raise EnrolmentLinkError("no_server")
    if len(codes) != 1:
        raise EnrolmentLinkError("no_code")
    return Enrolment(normalise_server_url(servers[0]), normal_code(codes[0]))


def enrolment_link(server: str, code: str) -> str:
    """The link for a server and code (what the desktop popup builds from typed fields)."""
    return f"{LINK_PREFIX}?{urlencode({'server': server, 'code': code})}"


__all__ = [
    "AddressError",
    "Enrolment",
    "EnrolmentLinkError",
    "enrolment_from_parts",
    "enrolment_link",
    "normal_code",
    "parse_enrolment_link",
]
