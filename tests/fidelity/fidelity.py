"""Measure the extracted v6 schema against a real AWS provider binary.

The real hashicorp/aws here is the one in the filesystem mirror of local mode (5.100.0 at
/opt/tf-plugins on this machine, see roots.real_provider_mirror). Its ``terraform providers schema
-json`` is compared with the extraction for resource types present in both versions: every attribute
and block present in both must agree on kind (attribute or block), type and nesting mode. Members
that exist in one version only are not disagreements; they are counted separately.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smartstack_tooling import paths
from smartstack_tooling.harness import roots, toolchain

WORK = paths.BUILD / "fidelity"


@dataclass(frozen=True)
class Disagreement:
    resource: str
    path: str
    aspect: str  # "type", "nesting" or "kind"
    real: Any
    extracted: Any

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.resource, self.path, self.aspect)


@dataclass
class Comparison:
    resources: list[str]
    compared: int = 0
    agreed: int = 0
    only_real: int = 0
    only_extracted: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.agreed / self.compared if self.compared else 0.0


def real_provider_schema(cli: toolchain.TerraformCli, mirror: Path) -> tuple[str, dict[str, Any]]:
    """(version, `terraform providers schema -json` entry) of the newest hashicorp/aws in ``mirror``."""
    version = max(roots.mirror_versions(mirror), key=lambda v: tuple(int(p) for p in v.split(".")))
    root = WORK / f"root-{version}"
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        f'      version = "{version}"\n    }}\n  }}\n}}\n'
    )
    env = toolchain.terraform_env(roots.local_cli_config(mirror))
    roots.run_terraform(["init", "-input=false", "-no-color"], root, env, capture=True, cli=cli)
    shown = roots.run_terraform(["providers", "schema", "-json"], root, env, capture=True, cli=cli)
    return version, json.loads(shown)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]


def _types_agree(real: Any, extracted: Any) -> bool:
    """Equal cty types, where object types are compared on the members both versions have."""
    if isinstance(real, list) and isinstance(extracted, list) and real[0] == extracted[0]:
        if real[0] == "object":
            common = set(real[1]) & set(extracted[1])
            return all(_types_agree(real[1][k], extracted[1][k]) for k in common)
        return _types_agree(real[1], extracted[1])
    return real == extracted


def _compare_block(result: Comparison, resource: str, real: dict, extracted: dict, path: str) -> None:
    real_attrs, ext_attrs = real.get("attributes", {}), extracted.get("attributes", {})
    real_blocks, ext_blocks = real.get("block_types", {}), extracted.get("block_types", {})
    real_names, ext_names = set(real_attrs) | set(real_blocks), set(ext_attrs) | set(ext_blocks)
    result.only_real += len(real_names - ext_names)
    result.only_extracted += len(ext_names - real_names)
    for name in sorted(real_names & ext_names):
        where = f"{path}.{name}" if path else name
        result.compared += 1
        if (name in real_attrs) != (name in ext_attrs):
            kinds = (
                "attribute" if name in real_attrs else "block",
                "attribute" if name in ext_attrs else "block",
            )
            result.disagreements.append(Disagreement(resource, where, "kind", *kinds))
        elif name in real_attrs:
            if _types_agree(real_attrs[name]["type"], ext_attrs[name]["type"]):
                result.agreed += 1
            else:
                result.disagreements.append(
                    Disagreement(resource, where, "type", real_attrs[name]["type"], ext_attrs[name]["type"])
                )
        else:
            real_mode, ext_mode = real_blocks[name]["nesting_mode"], ext_blocks[name]["nesting_mode"]
            if real_mode == ext_mode:
                result.agreed += 1
            else:
                result.disagreements.append(Disagreement(resource, where, "nesting", real_mode, ext_mode))
            _compare_block(result, resource, real_blocks[name]["block"], ext_blocks[name]["block"], where)


def compare(real: dict[str, Any], extracted: dict[str, Any], resources: list[str]) -> Comparison:
    result = Comparison(resources=resources)
    for resource in resources:
        _compare_block(
            result,
            resource,
            real["resource_schemas"][resource]["block"],
            extracted["resource_schemas"][resource]["block"],
            "",
        )
    return result


def smartstack_resource_types(modules_dir: Path = paths.MODULES) -> set[str]:
    """Every AWS resource type the product's modules declare."""
    found: set[str] = set()
    for path in modules_dir.rglob("*.tf"):
        found.update(re.findall(r'^resource "(aws_\w+)"', path.read_text(), re.M))
    return found


def report(
    version: str, result: Comparison, explanations: dict[tuple[str, str, str], str], whole: Comparison
) -> str:
    lines = [
        f"# Schema fidelity: extraction (v{toolchain.STANDIN_VERSION}) vs real hashicorp/aws {version}",
        "",
        f"- Resource types compared: {len(result.resources)}",
        f"- Attributes and blocks present in both versions: {result.compared}",
        f"- Agreeing on kind, type and nesting: {result.agreed} ({result.agreement:.2%})",
        f"- Present only in {version}: {result.only_real}; only in the extraction: {result.only_extracted}",
        f"- Whole provider ({len(whole.resources)} common types): {whole.agreed}/{whole.compared} "
        f"({whole.agreement:.2%})",
        "",
        f"| resource | path | aspect | {version} | extracted | explanation |",
        "|---|---|---|---|---|---|",
    ]
    for d in result.disagreements:
        short = [json.dumps(v)[:60] for v in (d.real, d.extracted)]
        lines.append(
            f"| {d.resource} | {d.path} | {d.aspect} | `{short[0]}` | `{short[1]}` | "
            f"{explanations.get(d.key, 'UNEXPLAINED')} |"
        )
    return "\n".join(lines) + "\n"
