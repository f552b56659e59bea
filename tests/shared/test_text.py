"""shared.text: the one rule for typed text (API fields, web forms, CSV cells, the phone)."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from shared import fields as f
from shared.text import UncleanText, clean_text, text_problem

REFUSED = {  # name: (text, the character refused)
    "NUL": ("a\x00b", 0x0),
    "bell": ("ring\x07", 0x7),
    "escape": ("\x1b[31mred", 0x1B),
    "vertical tab": ("a\x0bb", 0xB),
    "form feed": ("a\x0cb", 0xC),
    "DEL": ("a\x7fb", 0x7F),
    "C1 CSI": ("a\x9b2J", 0x9B),
    "lone high surrogate": ("a\ud800b", 0xD800),
    "lone low surrogate": ("\udc00", 0xDC00),
    "right-to-left override": ("invoice\u202efdp.exe", 0x202E),
    "left-to-right embedding": ("\u202aabc", 0x202A),
    "pop directional formatting": ("abc\u202c", 0x202C),
    "right-to-left isolate": ("\u2067abc", 0x2067),
    "pop isolate": ("abc\u2069", 0x2069),
}
ACCEPTED = {
    "plain": "Greeted within 30 seconds",
    "tab": "a\tb",
    "newline": "line one\nline two",
    "Arabic with a right-to-left mark": "تم الترحيب\u200f بسرعة",
    "Hebrew": "שלום",
    "CJK": "很干净",
    "emoji (a surrogate pair in JSON)": "👍 fine",
    "left-to-right mark": "a\u200eb",
    "Arabic letter mark": "\u061c1",
}


@pytest.mark.parametrize("name", REFUSED)
def test_control_bidi_override_and_surrogate_characters_are_refused_with_the_code_point(name):
    text, code = REFUSED[name]
    with pytest.raises(UncleanText) as refused:
        clean_text(text)
    assert f"U+{code:04X}" in refused.value.reason and refused.value.reason.startswith("must not contain")
    assert text_problem(text) == refused.value.reason


@pytest.mark.parametrize("name", ACCEPTED)
def test_ordinary_text_in_any_script_passes_unchanged(name):
    assert clean_text(ACCEPTED[name]) == ACCEPTED[name] and text_problem(ACCEPTED[name]) is None


def test_carriage_returns_become_line_feeds():
    assert clean_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_single_line_text_also_refuses_line_breaks_of_any_kind():
    for text in ("a\nb", "a\r\nb", "a\rb"):
        with pytest.raises(UncleanText, match="line break"):
            clean_text(text, multiline=False)
    assert clean_text("a\tb", multiline=False) == "a\tb"


def test_the_message_says_where_the_character_is():
    assert text_problem("abc\u202edef") == "must not contain a bidirectional control character (U+202E at character 4)"


@pytest.mark.parametrize("field", [f.Text(max_length=100), f.Scalar(max_length=100)], ids=["Text", "Scalar"])
def test_the_marshmallow_fields_of_the_api_use_the_rule(field):
    for text, _ in REFUSED.values():
        with pytest.raises(ValidationError) as refused:
            field.deserialize(text)
        assert refused.value.messages == [text_problem(text)]
    assert field.deserialize("a\r\nb") == "a\nb"


def test_scale_labels_use_the_rule_too():
    with pytest.raises(ValidationError, match="bidirectional"):
        f.Labels().deserialize({"1": "Poor\u202e"})
