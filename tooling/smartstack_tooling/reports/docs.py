"""Module README sections generated from source: the inputs/outputs tables (terraform-docs' job) and the
usage example, which is the module's test root (tests/modules/<module>/main.tf, planned against its
inventory by the suite), so the example a reader copies is one that plans.

Each module README carries a section between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->``, and one
between ``<!-- BEGIN_USAGE -->`` and ``<!-- END_USAGE -->``; ``generate`` rewrites both, ``stale`` lists
READMEs whose sections differ from what the source says. `make docs` writes; the test suite checks.

The roots applied once per account through a make target (DOCUMENTED_ROOTS: ci-access/) carry the same
inputs/outputs section; their usage is the make target, written by hand.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..harness import hcl
from ..paths import CI_ACCESS, MODULES, REPO
from . import guarantees, openapi

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
BEGIN_USAGE, END_USAGE = "<!-- BEGIN_USAGE -->", "<!-- END_USAGE -->"
TEST_ROOTS = REPO / "tests" / "modules"
DOCUMENTED_ROOTS = (CI_ACCESS,)  # roots whose README carries the generated inputs/outputs section
_MODULE_BLOCK = re.compile(r'^module "[^"]+" \{\n.*?^\}\n', re.M | re.S)


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
            parsed = hcl.load(handle)
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


def usage_examples(module: Path, test_roots: Path = TEST_ROOTS) -> list[str]:
    """The calls of ``module`` in its test root, with ``source`` as an env root writes it."""
    test_root = test_roots / module.name / "main.tf"
    if not test_root.is_file():
        raise LookupError(f"{module.name} has no test root {test_root}: its README example comes from there")
    tested_source = f'source = "../../../modules/{module.name}"'
    calls = [block for block in _MODULE_BLOCK.findall(test_root.read_text()) if tested_source in block]
    if not calls:
        raise LookupError(f"{test_root} does not call modules/{module.name}")
    return [call.replace(tested_source, f'source = "../../modules/{module.name}"') for call in calls]


def render_usage(module: Path, test_roots: Path = TEST_ROOTS) -> str:
    test_root = f"tests/modules/{module.name}/main.tf"
    examples = "\n".join(usage_examples(module, test_roots)).rstrip("\n")
    lines = [
        BEGIN_USAGE,
        "## Usage",
        "",
        f"From [`{test_root}`](../../{test_root}), which the suite plans against its inventory "
        "(`source` as an env root writes it):",
        "",
        "```hcl",
        examples,
        "```",
    ]
    tfvars = test_roots / module.name / "terraform.tfvars"
    if "var." in examples and tfvars.is_file():  # the values behind var.*, as planned
        lines += ["", "with its `terraform.tfvars`:", "", "```hcl", tfvars.read_text().rstrip("\n"), "```"]
    return "\n".join([*lines, END_USAGE])


_SECTION = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
_USAGE_SECTION = re.compile(re.escape(BEGIN_USAGE) + r".*?" + re.escape(END_USAGE), re.S)


def updated_readme(module: Path, test_roots: Path = TEST_ROOTS) -> tuple[str, str]:
    """(current README text, README text with the generated sections)."""
    readme = module / "README.md"
    current = readme.read_text() if readme.exists() else ""
    tables = render(module)
    if _SECTION.search(current):
        wanted = _SECTION.sub(lambda _: tables, current)
    else:
        wanted = current.rstrip() + "\n\n" + tables + "\n"
    usage = render_usage(module, test_roots)
    if _USAGE_SECTION.search(wanted):
        return current, _USAGE_SECTION.sub(lambda _: usage, wanted)
    # A new usage section goes above the tables ("## Inputs and outputs" where a README has that heading).
    anchor = "## Inputs and outputs\n" if "\n## Inputs and outputs\n" in wanted else BEGIN
    head, tail = wanted.split(anchor, 1)
    return current, head + usage + "\n\n" + anchor + tail


def updated_root_readme(root: Path) -> tuple[str, str]:
    """(current README text, README text with the generated inputs/outputs section) of a root."""
    readme = root / "README.md"
    current = readme.read_text() if readme.exists() else ""
    tables = render(root)
    if _SECTION.search(current):
        return current, _SECTION.sub(lambda _: tables, current)
    return current, current.rstrip() + "\n\n" + tables + "\n"


def stale_roots(roots: tuple[Path, ...] = DOCUMENTED_ROOTS) -> list[Path]:
    return [r for r in roots if (lambda pair: pair[0] != pair[1])(updated_root_readme(r))]


def generate_roots(roots: tuple[Path, ...] = DOCUMENTED_ROOTS) -> list[Path]:
    written = []
    for root in roots:
        current, wanted = updated_root_readme(root)
        if current != wanted:
            (root / "README.md").write_text(wanted)
            written.append(root)
    return written


def modules(root: Path = MODULES) -> list[Path]:
    """The module directories (those with a main.tf; modules/_context only holds the shared context file)."""
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "main.tf").is_file())


def stale(root: Path = MODULES, test_roots: Path = TEST_ROOTS) -> list[Path]:
    return [m for m in modules(root) if (lambda pair: pair[0] != pair[1])(updated_readme(m, test_roots))]


def generate(root: Path = MODULES, test_roots: Path = TEST_ROOTS) -> list[Path]:
    written = []
    for module in modules(root):
        current, wanted = updated_readme(module, test_roots)
        if current != wanted:
            (module / "README.md").write_text(wanted)
            written.append(module)
    return written


# Generated pages beside the module READMEs: each module has is_current() and write().
_PAGES = {"docs/openapi.json": openapi, "docs/guarantees.md": guarantees}


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        out_of_date = stale() + stale_roots()
        for module in out_of_date:
            print(f"{module.relative_to(REPO)}/README.md is out of date: run `make docs`", file=sys.stderr)
        stale_pages = [name for name, page in _PAGES.items() if not page.is_current()]
        for name in stale_pages:
            print(f"{name} is out of date: run `make docs`", file=sys.stderr)
        return 1 if out_of_date or stale_pages else 0
    written = generate() + generate_roots()
    for module in written:
        print(f"regenerated {module.relative_to(REPO)}/README.md")
    if not written:
        print("module READMEs are current")
    for name, page in _PAGES.items():
        print(f"regenerated {name}" if page.write() else f"{name} is current")
    return 0
