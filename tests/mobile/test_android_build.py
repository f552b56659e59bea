"""What can be proven here about the Android build: buildozer.spec names exactly what the app imports, nothing the app
imports is a package python-for-android cannot build or the phone should never carry, and the staged tree is complete.

The APK itself cannot be built on these machines (no Android SDK or NDK); .github/workflows/android-apk.yml does it.
"""

from __future__ import annotations

import ast
import configparser
import re
import sys
from importlib import metadata
from pathlib import Path

import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from PIL import Image

from mobile import android_stage

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "mobile" / "buildozer.spec"
WORKFLOW = ROOT / ".github" / "workflows" / "android-apk.yml"
ENTRY_POINTS = ("mobile.__main__", "mobile.app.main")
FIRST_PARTY = {"mobile", "shared"}

ANDROID_ONLY = {"android": "android", "jnius": "pyjnius"}
"""Modules that exist only on the phone: python-for-android recipes, imported lazily behind the device facades."""
RECIPES = {"kivy", "pillow", "pyjnius", "android", "python3", "sqlite3"}
"""python-for-android recipes among what the app needs: compiled for Android by p4a, their own dependencies with them."""
PURE_WITH_OPTIONAL_SPEEDUPS = {"charset-normalizer"}
"""Wheels here ship compiled speedups, but the package runs without them: p4a installs it as pure Python."""
SERVER_ONLY = {
    "flask",
    "werkzeug",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "psycopg-binary",
    "reportlab",
    "gunicorn",
    "redis",
    "rq",
    "boto3",
    "pyotp",
    "segno",
    "flask-sqlalchemy",
    "flask-smorest",
    "greenlet",
}
"""Server packages: no p4a recipe (or one nobody should ship to a shopper's phone); the phone must never reach them."""


def spec() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(SPEC)
    return parser["app"]


def spec_requirements() -> dict[str, str]:
    """buildozer.spec's requirements as {normalised name: the whole entry} (a pin like kivy==2.3.1 included)."""
    entries = [entry.strip() for entry in spec()["requirements"].split(",") if entry.strip()]
    return {normalise(re.split(r"[=<>]", entry)[0]): entry for entry in entries}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _module_file(name: str) -> Path | None:
    path = ROOT.joinpath(*name.split("."))
    if (path / "__init__.py").exists():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").exists() else None


def _imported_names(module: str, path: Path) -> set[str]:
    """Every module an import statement of this file names (function-level, lazy imports included)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module or ""
            names.add(origin)
            names.update(f"{origin}.{alias.name}" for alias in node.names)
    return names


def import_closure() -> tuple[set[str], set[str]]:
    """(first-party modules reached from the app's entry points, top-level third-party modules they import)."""
    seen: set[str] = set()
    third_party: set[str] = set()
    todo = list(ENTRY_POINTS)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _module_file(module)
        if path is None:
            continue  # a name imported from a module (a class, a function), not a module of its own
        for name in _imported_names(module, path):
            top = name.split(".")[0]
            if top in FIRST_PARTY:
                parts = name.split(".")
                todo += [".".join(parts[: n + 1]) for n in range(len(parts))]
            elif top not in sys.stdlib_module_names:
                third_party.add(top)
    return {m for m in seen if _module_file(m)}, third_party


def distributions_needed() -> dict[str, str]:
    """{distribution: why} for what the app imports, with the dependencies of non-recipe packages followed (as pip
    would install them on Python 3.11 for Linux, the platform python-for-android builds for)."""
    _modules, third_party = import_closure()
    owners = metadata.packages_distributions()
    needed: dict[str, str] = {}
    todo: list[tuple[str, str]] = []
    for module in sorted(third_party):
        if module in ANDROID_ONLY:
            needed[ANDROID_ONLY[module]] = f"imported as {module} (Android only)"
            continue
        assert module in owners, f"the phone app imports {module!r}, which no installed distribution provides"
        todo += [(normalise(dist), f"imported as {module}") for dist in owners[module]]
    environment = {**default_environment(), "python_version": "3.11", "sys_platform": "linux", "extra": ""}
    while todo:
        dist, why = todo.pop()
        if dist in needed:
            continue
        needed[dist] = why
        if dist in RECIPES:
            continue  # the recipe brings what it needs
        for text in metadata.distribution(dist).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                todo.append((normalise(requirement.name), f"needed by {dist}"))
    return needed


def test_the_spec_lists_exactly_the_packages_the_phone_app_needs():
    needed = set(distributions_needed())
    declared = set(spec_requirements()) - {"python3", "sqlite3"}
    assert needed - declared == set(), f"imported by the phone app but missing from buildozer.spec: {needed - declared}"
    assert declared - needed == set(), f"in buildozer.spec but never imported by the phone app: {declared - needed}"


def test_the_phone_app_never_reaches_a_server_only_package():
    reached = {dist: why for dist, why in distributions_needed().items() if dist in SERVER_ONLY}
    assert reached == {}, f"python-for-android cannot build (or must not ship) these: {reached}"


def test_every_compiled_package_the_phone_app_needs_is_a_python_for_android_recipe():
    compiled = {
        dist
        for dist in distributions_needed()
        if dist not in ANDROID_ONLY.values()
        and any(str(f).endswith((".so", ".pyd")) for f in metadata.distribution(dist).files or [])
    }
    assert compiled - RECIPES - PURE_WITH_OPTIONAL_SPEEDUPS == set()


def test_the_closure_reaches_the_device_facades_and_the_translations():
    modules, third_party = import_closure()
    assert {"mobile.devices.android", "mobile.app.i18n", "shared.scoring"} <= modules
    assert {"kivy", "requests", "marshmallow"} <= third_party
    assert not any(m.startswith(("server", "reports", "tests", "benchmarks")) for m in modules)


def test_the_kivy_the_tests_drive_is_the_kivy_the_apk_builds():
    assert spec_requirements()["kivy"] == f"kivy=={metadata.version('kivy')}"


def test_the_spec_grants_every_permission_the_app_requests():
    permissions = {
        p.strip().split(";")[0].removeprefix("(name=android.permission.")
        for p in spec()["android.permissions"].split(",")
    }
    requested = set()
    for path in (ROOT / "mobile").rglob("*.py"):
        requested |= set(re.findall(r"Permission\.([A-Z_]+)", path.read_text(encoding="utf-8")))
    assert requested, "the Android facades request runtime permissions"
    assert requested <= permissions
    assert {"INTERNET", "ACCESS_NETWORK_STATE", "CAMERA", "ACCESS_FINE_LOCATION"} <= permissions
    assert int(spec()["android.api"]) >= 35 and int(spec()["android.minapi"]) >= 24


def test_the_staged_tree_holds_what_the_spec_builds(tmp_path):
    staged = android_stage.stage(tmp_path / "android-src")
    assert (staged / "main.py").read_text().count("from mobile.__main__ import main") == 1
    included = {f".{ext.strip()}" for ext in spec()["source.include_exts"].split(",")}
    assert included >= android_stage.KEEP
    suffixes = {p.suffix for p in staged.rglob("*") if p.is_file()}
    assert {".py", ".kv", ".png"} <= suffixes <= included
    assert not list(staged.rglob("test_*.py")) and not (staged / "server").exists()
    modules, _third = import_closure()
    for module in modules:
        relative = Path(*module.split("."))
        assert (staged / relative / "__init__.py").exists() or (staged / relative.with_suffix(".py")).exists(), module


def test_the_icon_and_presplash_exist_at_android_sizes(tmp_path):
    staged = android_stage.stage(tmp_path / "android-src")
    icon_path = spec()["icon.filename"].replace("%(source.dir)s", str(staged))
    presplash_path = spec()["presplash.filename"].replace("%(source.dir)s", str(staged))
    with Image.open(icon_path) as icon:
        assert icon.size[0] == icon.size[1] >= 512
    with Image.open(presplash_path) as presplash:
        assert presplash.size[1] > presplash.size[0] >= 720


def test_the_hosted_workflow_stages_then_builds_with_this_spec():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["apk"]["steps"]
    commands = [step.get("run", "") for step in steps]
    stage_at = next(n for n, c in enumerate(commands) if "python -m mobile.android_stage" in c)
    build_at = next(n for n, c in enumerate(commands) if "buildozer android debug" in c)
    assert stage_at < build_at and steps[build_at]["working-directory"] == "mobile"
    assert SPEC.parent / spec()["source.dir"] == android_stage.TARGET
