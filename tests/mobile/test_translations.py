"""Every text of the phone app goes through the translation functions, and the shipped catalogues are complete."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from mobile.app import i18n

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import translations  # noqa: E402  (scripts/translations.py)

APP = ROOT / "mobile" / "app"
TEXT_KEYWORDS = {"text", "title", "hint_text", "message"}
"""Keyword arguments that put words on screen."""
TEXT_ATTRIBUTES = {"text", "title", "message", "summary", "hint", "status", "details", "hint_text"}
"""Widget and screen properties that hold words on screen."""
WORDS = re.compile(r"[A-Za-z]{2}")


def _literal_words(node: ast.expr) -> bool:
    """A string literal or f-string with words in its literal part (an untranslated text)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORDS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and WORDS.search(str(v.value)) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) or _literal_words(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) or _literal_words(node.orelse)
    return False


def untranslated_python_texts() -> list[str]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg in TEXT_KEYWORDS and _literal_words(keyword.value):
                        found.append(f"{where} {keyword.arg}=")
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and target.attr in TEXT_ATTRIBUTES
                        and _literal_words(node.value)
                    ):
                        found.append(f"{where} .{target.attr} =")
    return found


KV_VALUE = re.compile(r"^\s+(text|title|hint_text):\s*(.+)$")
KV_LITERAL = re.compile(r"""(?<![\w(])("[^"]*"|'[^']*')""")
KV_TRANSLATED = re.compile(r"""\b(?:_|count_text|ngettext)\((?:[^()]|\([^()]*\))*\)""")


def _kv_words(literal: str) -> bool:
    """A kv string literal a shopper reads: words with a capital or a space (not a state like "down", not a URL)."""
    text = literal[1:-1]
    return bool(WORDS.search(text)) and (" " in text or text[:1].isupper()) and "://" not in text and "@" not in text


def untranslated_kv_texts() -> list[str]:
    found = []
    for path in sorted((APP / "kv").glob("*.kv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = KV_VALUE.match(line)
            if match and any(map(_kv_words, KV_LITERAL.findall(KV_TRANSLATED.sub("", match.group(2))))):
                found.append(f"{path.relative_to(ROOT)}:{number} {line.strip()}")
    return found


def test_no_screen_shows_a_text_that_skips_the_translation_functions():
    assert untranslated_python_texts() == []
    assert untranslated_kv_texts() == []


def test_the_template_and_every_shipped_language_are_complete_and_compiled():
    assert translations.problems() == []
    assert "es" in i18n.available_languages()


def test_spanish_translates_texts_and_plurals_and_english_is_the_fallback():
    try:
        assert i18n.use_language("es_ES.UTF-8") == "es"
        assert i18n._("Sync now") != "Sync now"
        assert i18n.count_text(1, "{n} visit waiting", "{n} visits waiting").startswith("1 ")
        assert i18n.count_text(3, "{n} visit waiting", "{n} visits waiting") != i18n.count_text(
            1, "{n} visit waiting", "{n} visits waiting"
        ).replace("1", "3")
        assert i18n._("a text nobody translated") == "a text nobody translated"
        assert i18n._("") == ""
        assert i18n.use_language("xx") == "en" and i18n._("Sync now") == "Sync now"
    finally:
        i18n.use_language("en")


@pytest.mark.parametrize("count,expected", [(0, "0 visits waiting"), (1, "1 visit waiting"), (2, "2 visits waiting")])
def test_english_plurals_are_proper_words(count, expected):
    assert i18n.count_text(count, "{n} visit waiting", "{n} visits waiting") == expected


def test_a_translated_text_keeps_every_placeholder_of_the_english():
    placeholder = re.compile(r"\{[a-z_]+\}")
    for language in translations.languages():
        catalog = translations.read(translations.po_path(language), language)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(placeholder.findall(ids[-1])) - {"{n}"}
            for string in strings:
                assert wanted <= set(placeholder.findall(string)), (language, ids[0], string)
