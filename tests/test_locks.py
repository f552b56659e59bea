"""The hashed lock files in requirements/ cover every dependency pyproject.toml declares, at versions it allows,
and every pinned package carries hashes: a new or raised dependency without `scripts/lock` fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def declared(kind: str) -> list[Requirement]:
    """The requirements of the project with extra `kind`, following `fieldaudit[...]` self-references."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted, seen, found = [kind], set(), [Requirement(r) for r in project["dependencies"]]
    while wanted:
        extra = wanted.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for line in extras[extra]:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == "fieldaudit":
                wanted += sorted(requirement.extras)
            else:
                found.append(requirement)
    return found


def pinned(lock: str) -> dict[str, list[Version]]:
    """name -> pinned versions (a universal lock may pin two, under different markers)."""
    pins: dict[str, list[Version]] = {}
    for line in (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            pins.setdefault(canonicalize_name(match.group(1)), []).append(Version(match.group(2)))
    return pins


@pytest.mark.parametrize("kind", ["server", "dev"])
def test_the_lock_pins_every_declared_dependency_at_an_allowed_version(kind):
    pins = pinned(f"{kind}.txt")
    problems = []
    for requirement in declared(kind):
        versions = pins.get(canonicalize_name(requirement.name))
        if not versions:
            problems.append(f"{requirement} is not in requirements/{kind}.txt")
        elif not all(requirement.specifier.contains(v, prereleases=True) for v in versions):
            problems.append(f"{requirement}: requirements/{kind}.txt pins {', '.join(map(str, versions))}")
    assert not problems, "run scripts/lock:\n" + "\n".join(problems)


@pytest.mark.parametrize("lock", ["bootstrap.txt", "server.txt", "dev.txt"])
def test_every_pinned_package_carries_its_hashes(lock):
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert entries
    for entry in entries:
        assert PIN.match(entry), entry[:80]
        assert "--hash=sha256:" in entry, f"{lock}: {entry.splitlines()[0]} has no hash"


def test_the_bootstrap_lock_upgrades_pip_and_setuptools_and_the_venv_script_requires_hashes():
    assert set(pinned("bootstrap.txt")) == {"pip", "setuptools"}
    script = (ROOT / "scripts" / "_venv.sh").read_text(encoding="utf-8")
    order = [
        script.index(part)
        for part in (
            "--require-hashes -r requirements/bootstrap.txt",
            '--require-hashes -r "requirements/$kind.txt"',
            "--no-deps --no-build-isolation -e .",
        )
    ]
    assert order == sorted(order)


def test_the_security_floors_are_declared():
    server = {canonicalize_name(r.name): r.specifier for r in declared("server")}
    for name, version in [("flask", "3.1.2"), ("werkzeug", "3.1.5"), ("jinja2", "3.1.5"), ("pillow", "12.2")]:
        assert not server[name].contains(version), f"{name} {version} is still allowed"
    mobile = {canonicalize_name(r.name): r.specifier for r in declared("mobile")}
    assert not mobile["requests"].contains("2.32.5")
    assert {"pyotp", "segno", "redis", "gunicorn"} <= set(server)
