"""The functions' own declarations, read from their source for the contract rules.

Contract rules compare the plan with what the code declares; the code's side is imported from the
function source (modules of constants without dependencies), never retyped here.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from .. import paths

FUNCTIONS = paths.FUNCTIONS


@cache
def constants_module(relative: str, functions_dir: Path = FUNCTIONS) -> ModuleType:
    """Import functions/<relative> (a file of constants) by path, without importing its package."""
    path = functions_dir / relative
    spec = importlib.util.spec_from_file_location(f"smartstack_code_facts.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def api_request_limits(functions_dir: Path = FUNCTIONS) -> dict[str, int]:
    """The largest request parts the API accepts, in bytes: body, path (as the edge sees it), query."""
    limits = constants_module("api/smartstack_api/limits.py", functions_dir)
    return {"body": limits.MAX_BODY_BYTES, "path": limits.MAX_PATH_BYTES, "query": limits.MAX_QUERY_BYTES}


@dataclass(frozen=True)
class CodeReads:
    """What one function's code reads from its environment and from Parameter Store."""

    env: frozenset[str]  # environment variable names, from literal reads
    parameters: frozenset[str]  # "<section>/<name>" below PARAMETER_PATH


_ENV_READERS = {"require_env", "optional_env", "getenv", "get"}
_PARAMETER_READERS = {"require_parameter", "require_int_parameter"}


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _literal(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return constants.get(node.id) if isinstance(node, ast.Name) else None


def _reads(node: ast.AST, constants: dict[str, str]) -> tuple[set[str], set[str]]:
    env: set[str] = set()
    params: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Subscript) and _is_environ(child.value):
            name = _literal(child.slice, constants)
            env |= {name} if name else set()
        if not isinstance(child, ast.Call) or not child.args:
            continue
        name = _call_name(child)
        if name in _ENV_READERS and (name != "get" or _is_environ(getattr(child.func, "value", None))):
            literal = _literal(child.args[0], constants)
            env |= {literal} if literal and literal.isupper() else set()
        elif name in _PARAMETER_READERS and len(child.args) >= 3:
            section, key = _literal(child.args[1], constants), _literal(child.args[2], constants)
            if section and key:
                params.add(f"{section}/{key}")
    return env, params


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


@dataclass(frozen=True)
class _Symbol:
    env: frozenset[str]
    parameters: frozenset[str]
    uses: frozenset[str]


def _symbols(path: Path) -> dict[str, _Symbol]:
    """Top-level definitions of a module (and "<module>" for its top-level statements) with their reads."""
    tree = ast.parse(path.read_text(), str(path))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }  # fmt: skip
    symbols: dict[str, _Symbol] = {}
    loose = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            env, params = _reads(node, constants)
            symbols[node.name] = _Symbol(frozenset(env), frozenset(params), frozenset(_names(node)))
        else:
            loose.append(node)
    module = ast.Module(body=loose, type_ignores=[])
    env, params = _reads(module, constants)
    symbols["<module>"] = _Symbol(frozenset(env), frozenset(params), frozenset(_names(module)))
    return symbols


def function_reads(source_packages: tuple[str, ...], functions_dir: Path = FUNCTIONS) -> CodeReads:
    """What a function's code reads: everything in its own package (the last of ``source_packages``),
    and what it reaches in the shared packages through the definitions it uses (transitively)."""
    *shared_dirs, own_dir = source_packages
    shared: dict[str, _Symbol] = {}
    for package_dir in shared_dirs:
        for path in sorted((functions_dir / package_dir).rglob("*.py")):
            for name, symbol in _symbols(path).items():
                if name != "<module>":
                    shared[name] = symbol
    env: set[str] = set()
    params: set[str] = set()
    wanted: set[str] = set()
    for path in sorted((functions_dir / own_dir).rglob("*.py")):
        for symbol in _symbols(path).values():
            env |= symbol.env
            params |= symbol.parameters
            wanted |= symbol.uses
    seen: set[str] = set()
    while wanted - seen:
        name = (wanted - seen).pop()
        seen.add(name)
        if name in shared:
            env |= shared[name].env
            params |= shared[name].parameters
            wanted |= shared[name].uses
    return CodeReads(frozenset(env), frozenset(params))
