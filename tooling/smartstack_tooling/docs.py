"""Module README inputs/outputs tables, generated from the module source (terraform-docs' job).

Each module README carries a section between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->``;
``generate`` rewrites it from ``variable`` and ``output`` blocks, ``check`` lists READMEs whose section
differs from what the source says. `make docs` writes; the test suite checks.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

from . import openapi
from .paths import MODULES, REPO

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    type: str
    default: str | None  # rendered HCL, None when the input is required
    required: bool


@dataclass(frozen=True)
class Output:
    name: str
    description: str


def _unquote(text: Any) -> str:
    """python-hcl2 keeps string literals quoted and expressions wrapped in ${...}."""
    if not isinstance(text, str):
        return _render(text)
    if text.startswith('"') and text.endswith('"'):
        return json.loads(text)
    if text.startswith("${") and text.endswith("}"):
        return text[2:-1]
    return text


def _render(value: Any) -> str:
    """A default value as HCL text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        if value.startswith('"') and value.endswith('"'):
            return value
        return _unquote(value)
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if k != "__is_block__"]
        return "{" + ", ".join(f"{_map_key(_unquote(k))} = {_render(v)}" for k, v in items) + "}"
    return str(value)


def _map_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else json.dumps(key)


def _blocks(module: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(module.glob("*.tf")):
        with path.open() as handle:
            parsed = hcl2.load(handle)
        for block in parsed.get(kind, []):
            for name, body in block.items():
                found.append((_unquote(name), body))
    return found


def module_variables(module: Path) -> list[Variable]:
    variables = []
    for name, body in _blocks(module, "variable"):
        required = "default" not in body
        variables.append(
            Variable(
                name=name,
                description=_unquote(body.get("description", '""')),
                type=_unquote(body.get("type", "any")),
                default=None if required else _render(body["default"]),
                required=required,
            )
        )
    return sorted(variables, key=lambda v: (not v.required, v.name))


def module_outputs(module: Path) -> list[Output]:
    return sorted(
        (Output(name, _unquote(body.get("description", '""'))) for name, body in _blocks(module, "output")),
        key=lambda o: o.name,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(module: Path) -> str:
    lines = [BEGIN, "## Inputs", ""]
    variables = module_variables(module)
    if variables:
        lines += ["| Name | Description | Type | Default | Required |", "|---|---|---|---|:---:|"]
        for v in variables:
            default = "n/a" if v.default is None else f"`{_cell(v.default)}`"
            lines.append(
                f"| `{v.name}` | {_cell(v.description)} | `{_cell(v.type)}` | {default} | "
                f"{'yes' if v.required else 'no'} |"
            )
    else:
        lines.append("No inputs.")
    lines += ["", "## Outputs", ""]
    outputs = module_outputs(module)
    if outputs:
        lines += ["| Name | Description |", "|---|---|"]
        lines += [f"| `{o.name}` | {_cell(o.description)} |" for o in outputs]
    else:
        lines.append("No outputs.")
    lines.append(END)
    return "\n".join(lines)


_SECTION = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)


def updated_readme(module: Path) -> tuple[str, str]:
    """(current README text, README text with the generated section)."""
    readme = module / "README.md"
    current = readme.read_text() if readme.exists() else ""
    if not _SECTION.search(current):
        return current, current.rstrip() + "\n\n" + render(module) + "\n"
    return current, _SECTION.sub(lambda _: render(module), current)


def modules(root: Path = MODULES) -> list[Path]:
    """The module directories (those with a main.tf; modules/_context only holds the shared context file)."""
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "main.tf").is_file())


def stale(root: Path = MODULES) -> list[Path]:
    return [m for m in modules(root) if (lambda pair: pair[0] != pair[1])(updated_readme(m))]


def generate(root: Path = MODULES) -> list[Path]:
    written = []
    for module in modules(root):
        current, wanted = updated_readme(module)
        if current != wanted:
            (module / "README.md").write_text(wanted)
            written.append(module)
    return written


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        out_of_date = stale()
        for module in out_of_date:
            print(f"{module.relative_to(REPO)}/README.md is out of date: run `make docs`", file=sys.stderr)
        if not openapi.is_current():
            print("docs/openapi.json is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 1 if out_of_date else 0
    written = generate()
    for module in written:
        print(f"regenerated {module.relative_to(REPO)}/README.md")
    if not written:
        print("module READMEs are current")
    print("regenerated docs/openapi.json" if openapi.write() else "docs/openapi.json is current")
    return 0
