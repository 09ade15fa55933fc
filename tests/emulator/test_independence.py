"""The emulator is the test oracle, so it must not share rules with what it tests: it may import
only its own modules, ``flashcat_pulumi.timeline``, ``flashcat_pulumi.wire`` and
``flashcat_pulumi.ratelimit`` (and whatever those import in turn must be allowed too). If the
emulator and the resources' input models used one rule, a wrong rule would pass every test.

The import graph is read statically (the AST of every module, imports inside functions
included), so a module that is never imported at run time is checked as well. Python also runs
``flashcat_pulumi/__init__.py`` when it imports ``flashcat_pulumi.wire``; that is loading, not use,
and is not followed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import flashcat_pulumi

PACKAGE = "flashcat_pulumi"
ALLOWED = ("flashcat_pulumi.emulator", "flashcat_pulumi.timeline", "flashcat_pulumi.wire", "flashcat_pulumi.ratelimit")


def module_file(root: Path, name: str) -> Path | None:
    """The file of module ``name`` of the package at ``root``, ``None`` if ``name`` is no module."""
    base = root.joinpath(*name.split(".")[1:])
    return next((f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None)


def imports_of(root: Path, module: str) -> Iterator[tuple[str, int]]:
    """``(module imported, line)`` for every import of the package in ``module``."""
    path = module_file(root, module)
    assert path is not None, module
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            # ``from a import b`` imports module a.b when there is one, else a name of a.
            names = [f"{base}.{alias.name}" if module_file(root, f"{base}.{alias.name}") else base
                     for alias in node.names]
        elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) and (
                getattr(node.func, "id", None) == "__import__" or getattr(node.func, "attr", None) == "import_module"):
            names = ["<dynamic import>"]  # would escape a static check
        else:
            continue
        for name in names:
            if name == PACKAGE or name.startswith(f"{PACKAGE}.") or name == "<dynamic import>":
                yield name, node.lineno


def walk(root: Path) -> tuple[dict[str, set[str]], list[str]]:
    """The package imports of every emulator module, followed through the allowed modules:
    ``(edges, offences)``, an offence naming the importer, the line and what it imports."""
    queue = sorted(f"{PACKAGE}.emulator.{p.stem}" if p.stem != "__init__" else f"{PACKAGE}.emulator"
                   for p in (root / "emulator").glob("*.py"))
    seen = set(queue)
    edges: dict[str, set[str]] = {}
    offences: list[str] = []
    while queue:
        module = queue.pop()
        edges[module] = set()
        for imported, line in imports_of(root, module):
            edges[module].add(imported)
            if not any(imported == a or imported.startswith(f"{a}.") for a in ALLOWED):
                offences.append(f"{module} (line {line}) imports {imported}")
            elif imported not in seen:
                seen.add(imported)
                queue.append(imported)
    return edges, offences


def test_the_emulator_imports_nothing_of_the_package_but_timeline_wire_and_ratelimit():
    root = Path(flashcat_pulumi.__file__).parent
    edges, offences = walk(root)
    assert offences == []
    # Not vacuous: every emulator module was read, and the walk saw the allowed imports and went through them.
    modules = {f"{PACKAGE}.emulator.{p.stem}" for p in (root / "emulator").glob("*.py") if p.stem != "__init__"}
    assert len(modules) > 10 and modules < set(edges)
    assert {"flashcat_pulumi.timeline", "flashcat_pulumi.wire"} <= edges["flashcat_pulumi.emulator.schedules"]
    assert "flashcat_pulumi.ratelimit" in edges["flashcat_pulumi.emulator.server"]
    assert "flashcat_pulumi.emulator.openapi" in edges["flashcat_pulumi.emulator.server"]
    assert edges["flashcat_pulumi.timeline"] == {"flashcat_pulumi.wire"}


def test_an_offending_import_is_named_directly_and_through_an_allowed_module(tmp_path):
    root = tmp_path / "flashcat_pulumi"
    (root / "emulator").mkdir(parents=True)
    (root / "__init__.py").write_text("from flashcat_pulumi.resources import Team\n")
    (root / "resources.py").write_text("")
    (root / "models").mkdir()
    (root / "models" / "__init__.py").write_text("")
    (root / "timeline.py").write_text("import json\n\ndef f():\n    from flashcat_pulumi import config\n")
    (root / "config.py").write_text("")
    (root / "emulator" / "__init__.py").write_text("from .rules import check\n")
    (root / "emulator" / "rules.py").write_text(
        "from flashcat_pulumi.models import spec\nfrom ..timeline import compute\nfrom . import other\n")
    (root / "emulator" / "other.py").write_text("import importlib\nimportlib.import_module('x')\n")
    _, offences = walk(root)
    assert sorted(offences) == [
        "flashcat_pulumi.emulator.other (line 2) imports <dynamic import>",
        "flashcat_pulumi.emulator.rules (line 1) imports flashcat_pulumi.models",
        "flashcat_pulumi.timeline (line 4) imports flashcat_pulumi.config",
    ]
