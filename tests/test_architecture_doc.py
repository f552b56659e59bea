"""The code's pointers to docs/architecture.md name sections that exist, and nothing cites the old DESIGN sections."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("shared", "server", "reports", "mobile", "tests", "benchmarks", "docs")
CITATION = re.compile(r"docs/architecture\.md, ([A-Z][\w ,]*?[a-z])(?=[:;)\"'.]|$)", re.M)


def _texts():
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".md", ".kv"} and path.is_file():
                yield path, path.read_text(encoding="utf-8")


def test_every_citation_of_the_architecture_page_names_one_of_its_sections():
    headings = set(re.findall(r"^## (.+)$", (ROOT / "docs/architecture.md").read_text(encoding="utf-8"), re.M))
    missing = [
        f"{path.relative_to(ROOT)}: {name!r}"
        for path, text in _texts()
        for name in CITATION.findall(text)
        if name not in headings
    ]
    assert not missing, "\n".join(missing)


def test_no_module_cites_a_design_section_the_repository_does_not_hold():
    offenders = [
        str(path.relative_to(ROOT))
        for path, text in _texts()
        if "DESIGN section" in text and path.name != Path(__file__).name
    ]
    assert not offenders, offenders
