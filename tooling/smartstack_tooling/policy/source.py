"""What only the Terraform source shows: locals, `lifecycle` blocks, backend settings, tfvars.

python-hcl2 (8.x) keeps string quotes and `${...}` wrappers; :func:`unquote` strips them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ..harness import hcl


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if k not in ("__is_block__", "__comments__")}
    if isinstance(value, list):
        return [unquote(v) for v in value]
    return value


@cache
def _parse(path: Path, mtime_ns: int) -> dict[str, Any]:
    return hcl.load(path)


def parse(path: Path) -> dict[str, Any]:
    return _parse(path, path.stat().st_mtime_ns)


def module_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.tf") if not p.name.endswith("_override.tf"))


def local_expression(directory: Path, name: str) -> str | None:
    """Source text of ``local.<name>`` in the module at ``directory`` (None when not defined there)."""
    for path in module_files(directory):
        for block in parse(path).get("locals", []):
            if name in block:
                return str(block[name])
    return None


def resource_blocks(directory: Path) -> dict[str, dict[str, Any]]:
    """``{"aws_kms_key.files": body}`` for every resource block of the module."""
    out: dict[str, dict[str, Any]] = {}
    for path in module_files(directory):
        for block in parse(path).get("resource", []):
            for rtype, named in block.items():
                for rname, body in named.items():
                    out[f"{unquote(rtype)}.{unquote(rname)}"] = body
    return out


def lifecycle_flag(directory: Path, address: str, flag: str) -> bool:
    """Whether a resource's lifecycle block sets ``flag`` (prevent_destroy, create_before_destroy) true."""
    body = resource_blocks(directory).get(address, {})
    return any(lifecycle.get(flag) in (True, "true", "${true}") for lifecycle in body.get("lifecycle", []))


def prevent_destroy(directory: Path, address: str) -> bool:
    return lifecycle_flag(directory, address, "prevent_destroy")


def backend(directory: Path) -> dict[str, Any]:
    """The root module's backend block merged with its backend.hcl (partial configuration)."""
    settings: dict[str, Any] = {}
    for path in module_files(directory):
        for tf in parse(path).get("terraform", []):
            for backend_block in tf.get("backend", []):
                for kind, body in backend_block.items():
                    settings = {"type": unquote(kind), **unquote(body)}
    hcl = directory / "backend.hcl"
    if hcl.exists():
        settings.update(unquote(parse(hcl)))
    return settings


def tfvars(directory: Path) -> dict[str, Any]:
    path = directory / "terraform.tfvars"
    return unquote(parse(path)) if path.exists() else {}
