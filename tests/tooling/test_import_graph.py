"""The package's module-level imports form a DAG with paths and profiles at the bottom; the offline
stand-in is a sibling package that imports nothing of it and is used through its interface only.

A cycle between modules works only as long as nobody reorders an import, and an import moved into a
function to dodge one hides it from readers; this reads every module's imports with ``ast`` (relative
and absolute ``smartstack_tooling`` ones, executed at import time) and fails on any cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

from smartstack_tooling import paths

PACKAGE = "smartstack_tooling"
PACKAGE_DIR = paths.REPO / "tooling" / PACKAGE
# The core everyone may import: each one stands alone.
IMPORT_NOTHING = tuple(f"smartstack_tooling.{name}" for name in ("paths", "profiles", "stateful", "planview"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def _import_time_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run when the module is imported: not function bodies, not `if TYPE_CHECKING:`."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _import_time_statements(node.orelse)
            continue
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            nested = getattr(node, field, None)
            if isinstance(nested, list):
                yield from _import_time_statements([n for n in nested if isinstance(n, ast.AST)])


def imported_modules(
    name: str, tree: ast.Module, known: Mapping[str, Path], everywhere: bool = False
) -> set[str]:
    """The package modules ``name`` imports (module level only, unless ``everywhere``)."""
    is_package = known[name].name == "__init__.py"
    statements = ast.walk(tree) if everywhere else _import_time_statements(tree.body)
    targets: set[str] = set()
    for node in statements:
        if isinstance(node, ast.Import):
            targets |= {a.name for a in node.names if a.name.split(".")[0] == PACKAGE}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.split(".")[0] == PACKAGE:
                source = node.module
            else:
                continue
            for alias in node.names:  # `from pkg import sub` imports the submodule, else pkg's attributes
                targets.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source)
    edges = set()
    for target in targets:
        parts = target.split(".")
        for depth in range(2, len(parts) + 1):  # importing a.b.c runs a.b's __init__ first
            parent = ".".join(parts[:depth])
            if depth == len(parts) or not (name == parent or name.startswith(parent + ".")):
                edges.add(parent)
    return edges - {name}


def import_graph(everywhere: bool = False) -> dict[str, set[str]]:
    known = package_modules()
    return {
        name: imported_modules(name, ast.parse(path.read_text(), str(path)), known, everywhere)
        for name, path in known.items()
    }


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None when the graph is a DAG."""
    done: set[str] = set()
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> list[str] | None:
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_stack:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in done and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        on_stack.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done and (cycle := visit(start)):
            return cycle
    return None


def test_module_level_imports_form_no_cycle():
    graph = import_graph()
    assert graph.get("smartstack_tooling.plan")  # the graph was read
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_core_modules_import_nothing_of_the_package_anywhere():
    graph = import_graph(everywhere=True)  # function-level imports too: the bottom layer
    assert {name: graph[name] for name in IMPORT_NOTHING} == {name: set() for name in IMPORT_NOTHING}


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_dag():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_relative_absolute_and_submodule_imports_are_resolved():
    known = {n: Path(f"{n.replace('.', '/')}.py") for n in ("smartstack_tooling.policy.engine",)}
    known |= {
        "smartstack_tooling.policy": Path("smartstack_tooling/policy/__init__.py"),
        "smartstack_tooling.plan": Path("smartstack_tooling/plan.py"),
        "smartstack_tooling.policy.report": Path("smartstack_tooling/policy/report.py"),
    }
    source = (
        "from .. import plan\n"
        "from . import engine, verdict\n"
        "import smartstack_tooling.plan\n"
        "def later():\n    from ..cost import one_line\n"
    )
    tree = ast.parse(source)
    assert imported_modules("smartstack_tooling.policy.report", tree, known) == {
        "smartstack_tooling.plan",
        "smartstack_tooling.policy",  # `verdict` is an attribute of the package's __init__
        "smartstack_tooling.policy.engine",
    }
    everywhere = imported_modules("smartstack_tooling.policy.report", tree, known, everywhere=True)
    assert "smartstack_tooling.cost" in everywhere
    # From outside a subpackage, importing one of its modules runs the subpackage's __init__ too.
    outside = imported_modules("smartstack_tooling.plan", ast.parse("from .policy import engine\n"), known)
    assert outside == {"smartstack_tooling.policy", "smartstack_tooling.policy.engine"}


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
