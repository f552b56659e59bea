"""server.json_input reads JSON from outside: hostile documents are one clear error, and no code path skips it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.json_input import MAX_DEPTH, MAX_INT_DIGITS, JsonInputError, load_json

SERVER = Path(__file__).resolve().parents[2] / "server"


def test_ordinary_documents_load_as_the_json_module_loads_them():
    assert load_json(b'{"a": [1, -2, 3.5, "x", true, null], "b": {"c": "\\u00e9"}}') == {
        "a": [1, -2, 3.5, "x", True, None],
        "b": {"c": "é"},
    }
    assert load_json("-" + "9" * MAX_INT_DIGITS) == -int("9" * MAX_INT_DIGITS)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("1" * (MAX_INT_DIGITS + 1), "has a number with more than 4,300 digits"),
        ('{"a": [-' + "1" * 10_000 + "]}", "has a number with more than 4,300 digits"),
        ("[" * 100_000 + "]" * 100_000, f"is nested more than {MAX_DEPTH} levels deep"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"is nested more than {MAX_DEPTH} levels deep"),
        ('{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), f"is nested more than {MAX_DEPTH} levels deep"),
        ("NaN", "contains NaN"),
        ("[Infinity]", "contains Infinity"),
        ('{"a": -Infinity}', "contains -Infinity"),
        ('{"a": 1,}', "is not valid JSON (line 1, column 9"),
        ("", "is not valid JSON"),
        (b"\xff\xfe\x00", "is not UTF-8 text"),
    ],
)
def test_hostile_or_broken_documents_are_refused_with_a_reason(text, reason):
    with pytest.raises(JsonInputError) as refused:
        load_json(text)
    assert refused.value.reason.startswith(reason), refused.value.reason


def test_nesting_exactly_at_the_limit_is_accepted():
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_the_app_reads_request_json_through_load_json(app):
    from flask import json

    with pytest.raises(JsonInputError):
        json.loads("9" * 5000)


ALLOWED_JSON_LOADS = {
    "json_input.py": "the loader itself",
    "services/checklists/versions.py": "re-reads a definition this server serialised",
    "demo/builder.py": "reads the bundled demo checklist",
    "auth/limits.py": "the sign-in limit's key; catches ValueError and RecursionError, the route then parses safely",
    "services/backup/manifest.py": "a backup's manifest, size-capped; ValueError and RecursionError refuse the backup",
}


def test_no_server_module_parses_outside_json_with_json_loads_directly():
    """A new route must use request.get_json() or load_json, so the limits above hold for it too."""
    offenders = []
    for path in sorted(SERVER.rglob("*.py")):
        name = path.relative_to(SERVER).as_posix()
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bjson\.loads?\(|get_json\([^)]*silent", text) and name not in ALLOWED_JSON_LOADS:
            offenders.append(name)
    assert not offenders, offenders
