"""The tooling's import rules, kept by import-linter (`lint-imports`, contracts in pyproject.toml's
[tool.importlinter]): no cycles between its folders or their modules, the folders importing downwards
(operations, reports, policy, harness, core), a core everyone may import that imports nothing of it, and
the offline stand-in a sibling package that imports nothing of it and is used through its package
interface. Each contract has a broken twin here that must fail. What import-linter cannot see (the names
taken from the stand-in's interface, and the benchmark scripts, which are no package) is checked below.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from smartstack_tooling import paths

PACKAGE = "smartstack_tooling"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tooling: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the packages in ``tooling``, with the repository's contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(paths.REPO / "pyproject.toml"), "--no-cache"],
        cwd=tooling,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tooling)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_import_contract_is_kept() -> None:
    result = lint_imports(paths.REPO / "tooling")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Contracts: 5 kept, 0 broken." in result.stdout


# (file to edit, the import added at the top, the contract it must break)
BROKEN_TWINS = {
    # publish_web imports deployed: a cycle inside one folder, which the layers cannot see.
    "cycle": (
        "smartstack_tooling/operations/deployed.py",
        "from . import publish_web",
        "no import cycles in the tooling",
    ),
    # The harness importing a report: upwards (and a cycle between the two folders).
    "folder-imports-upwards": (
        "smartstack_tooling/harness/hcl.py",
        "from ..reports import cost",
        "the folders import downwards: operations, reports, policy, harness, core",
    ),
    "core-imports-the-tooling": (
        "smartstack_tooling/paths.py",
        "from .reports import plan",
        "the core modules everyone imports import nothing of the tooling",
    ),
    "stand-in-imports-the-tooling": (
        "smartstack_offline_provider/values.py",
        "import smartstack_tooling.paths",
        "the offline stand-in, a sibling package, imports nothing of the tooling",
    ),
    "stand-in-module-from-outside": (
        "smartstack_tooling/harness/plan_store.py",
        "from smartstack_offline_provider import server",
        "the stand-in's modules are its own: others use its package interface",
    ),
}


@pytest.mark.parametrize("twin", BROKEN_TWINS)
def test_a_broken_import_rule_is_refused(twin: str, tmp_path: Path) -> None:
    path, line, contract = BROKEN_TWINS[twin]
    tooling = tmp_path / "tooling"
    for package in (PACKAGE, "smartstack_offline_provider"):
        shutil.copytree(
            paths.REPO / "tooling" / package, tooling / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    edited = tooling / path
    source = edited.read_text()
    future = "from __future__ import annotations\n"
    edited.write_text(
        source.replace(future, future + line + "\n", 1) if future in source else line + "\n" + source
    )
    result = lint_imports(tooling)
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"{contract} BROKEN" in result.stdout


# ---------------------------------------------------------------------- the offline stand-in, a sibling
STANDIN = "smartstack_offline_provider"
STANDIN_DIR = paths.REPO / "tooling" / STANDIN


def absolute_imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(module, names) of every absolute import in ``path``, function bodies included."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module, [alias.name for alias in node.names]


def test_the_stand_in_imports_nothing_of_the_tooling():
    found = {
        f"{path.relative_to(STANDIN_DIR)}: {module}"
        for path in sorted(STANDIN_DIR.rglob("*.py"))
        for module, _ in absolute_imports(path)
        if module.split(".")[0] == PACKAGE
    }
    assert found == set()


def test_the_stand_in_is_used_through_its_interface_only():
    import smartstack_offline_provider

    interface = set(smartstack_offline_provider.__all__)
    users = [
        p for top in ("tooling", "tests", "benchmarks") for p in sorted((paths.REPO / top).rglob("*.py"))
    ]
    misuse = {
        f"{path.relative_to(paths.REPO)}: {module} {names}"
        for path in users
        if STANDIN_DIR not in path.parents
        for module, names in absolute_imports(path)
        if module.split(".")[0] == STANDIN and (module != STANDIN or not set(names) <= interface)
    }
    assert misuse == set()
    assert all(hasattr(smartstack_offline_provider, name) for name in interface)
