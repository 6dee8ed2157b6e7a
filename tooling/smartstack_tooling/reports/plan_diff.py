"""Compare the planned values of two sets of plans (`make plan` output, build/plans/<env>.json), so that a
refactor can show that it changed no planned value in any environment:

    python -m smartstack_tooling plan-diff [--renames FILE] BEFORE_DIR AFTER_DIR [ENV ...]

Compared per resource address: actions, planned values and which values are unknown; plus the root
outputs. ``--renames`` names a JSON object {old address: new address} for resources a refactor moved
(its `moved` blocks): they are compared under their new address. Prints each difference and exits 1 if
there is any, 0 when every environment is identical.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..profiles import ENVIRONMENTS


def planned(plan: dict[str, Any]) -> dict[str, Any]:
    """What a plan would do, keyed by address (resource changes) and by output name."""
    resources = {
        change["address"]: {
            "actions": change["change"]["actions"],
            "after": change["change"].get("after"),
            "after_unknown": change["change"].get("after_unknown"),
        }
        for change in plan.get("resource_changes", [])
    }
    outputs = {
        name: value.get("value") for name, value in plan.get("planned_values", {}).get("outputs", {}).items()
    }
    return {"resources": resources, "outputs": outputs}


def _differences(before: Any, after: Any, path: str) -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in after:
                found.append(f"{where}: removed")
            elif key not in before:
                found.append(f"{where}: added")
            else:
                found += _differences(before[key], after[key], where)
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            d
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for d in _differences(b, a, f"{path}[{i}]")
        ]
    return [] if before == after else [f"{path}: {json.dumps(before)[:200]} -> {json.dumps(after)[:200]}"]


def diff(before: dict[str, Any], after: dict[str, Any], renames: dict[str, str] | None = None) -> list[str]:
    old = planned(before)
    old["resources"] = {
        (renames or {}).get(address, address): value for address, value in old["resources"].items()
    }
    return _differences(old, planned(after), "")


def main(argv: list[str]) -> int:
    renames: dict[str, str] = {}
    if argv[:1] == ["--renames"] and len(argv) > 1:
        renames, argv = json.loads(Path(argv[1]).read_text()), argv[2:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    before_dir, after_dir, envs = Path(argv[0]), Path(argv[1]), argv[2:] or list(ENVIRONMENTS)
    changed = False
    for env in envs:
        before = json.loads((before_dir / f"{env}.json").read_text())
        after = json.loads((after_dir / f"{env}.json").read_text())
        found = diff(before, after, renames)
        resources = len(planned(after)["resources"])
        print(f"{env}: {resources} resources, {len(found)} difference(s)")
        for line in found:
            print(f"  {line}")
        changed |= bool(found)
    return 1 if changed else 0
