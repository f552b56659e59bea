"""The one rule for text people type, used by the API's fields, every web form, CSV import cells and the phone.

Refused: NUL and the other C0 control characters except tab and newline, DEL and the C1 controls, lone
(unpaired) surrogates, and the bidirectional override, embedding and isolate characters (U+202A-U+202E,
U+2066-U+2069), which make text display in an order other than the one it is stored in ("Trojan Source").
Carriage returns are not refused but normalised: CRLF and a lone CR become LF, as browsers send textarea
line breaks as CRLF. Right-to-left text itself and the bidi marks (U+200E, U+200F, U+061C) are fine.
"""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\r\n?")
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_FORBIDDEN_SINGLE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class UncleanText(ValueError):
    """Text the rule refuses; ``reason`` completes a sentence that starts with the field's name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _describe(char: str, position: int) -> str:
    """The reason for refusing ``char``, found at index ``position``."""
    code = ord(char)
    if code == 0:
        what = "a NUL character"
    elif 0xD800 <= code <= 0xDFFF:
        what = "an unpaired surrogate"
    elif char == "\n":
        what = "a line break"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        what = "a bidirectional control character"
    else:
        what = "a control character"
    return f"must not contain {what} (U+{code:04X} at character {position + 1})"


def normalise_newlines(value: str) -> str:
    """CRLF and lone CR as LF."""
    return _NEWLINES.sub("\n", value) if "\r" in value else value


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """Why the rule refuses this text (a phrase like "must not contain a NUL character (...)"), or None."""
    try:
        clean_text(value, multiline=multiline)
    except UncleanText as exc:
        return exc.reason
    return None


def clean_text(value: str, *, multiline: bool = True) -> str:
    """The text with its line breaks normalised to LF; UncleanText if the rule refuses it.

    ``multiline=False`` also refuses line breaks (names, emails, codes typed on one line)."""
    value = normalise_newlines(value)
    found = (_FORBIDDEN if multiline else _FORBIDDEN_SINGLE_LINE).search(value)
    if found is not None:
        raise UncleanText(_describe(found.group(), found.start()))
    return value
