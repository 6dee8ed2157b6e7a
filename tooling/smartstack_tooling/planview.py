"""A read-only view of one plan (`terraform show -json`): the managed resources with their planned
(after) and unknown-at-plan-time (after_unknown) values, module paths and actions, plus the variables
and outputs. Readers of plans take their resources from here, so that what "a planned resource" is
(managed, not deleted; after values default to {}) is decided once. Nothing in the package is imported
here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True, eq=False)  # eq=False: the values are dicts, and identity is what callers need
class PlannedResource:
    address: str
    module: str  # "module.network" (nested: "module.a.module.b"), "" for the root module
    type: str
    name: str
    index: Any  # count index or for_each key, None without either
    actions: tuple[str, ...]  # ("create",), ("no-op",), ("delete", "create") for a replacement, ...
    after: dict[str, Any]  # planned values ({} when the resource is deleted)
    after_unknown: dict[str, Any]  # true (or nested trues) where the value is known only after apply

    @property
    def config_address(self) -> str:
        """The address in the configuration, without count index or for_each key."""
        return f"{self.module}.{self.type}.{self.name}" if self.module else f"{self.type}.{self.name}"

    @property
    def deleted(self) -> bool:
        """Deleted and not re-created: gone after the plan (a replacement is not deleted)."""
        return self.actions == ("delete",)

    @property
    def changed(self) -> bool:
        return self.actions != ("no-op",)

    def get(self, key: str, default: Any = None) -> Any:
        return self.after.get(key, default)


class PlanView:
    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.raw = plan

    @classmethod
    def from_file(cls, path: Path) -> PlanView:
        return cls(json.loads(path.read_text()))

    @cached_property
    def changes(self) -> tuple[PlannedResource, ...]:
        """Every managed resource the plan mentions, deletions included, in plan order."""
        return tuple(
            PlannedResource(
                change["address"],
                change.get("module_address", ""),
                change["type"],
                change["name"],
                change.get("index"),
                tuple(change["change"]["actions"]),
                change["change"].get("after") or {},
                change["change"].get("after_unknown") or {},
            )
            for change in self.raw.get("resource_changes", [])
            if change.get("mode") == "managed"
        )

    @cached_property
    def resources(self) -> tuple[PlannedResource, ...]:
        """The managed resources that exist after the plan: created, updated, replaced or unchanged."""
        return tuple(r for r in self.changes if not r.deleted)

    def of_type(self, *types: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type in types]

    @cached_property
    def variables(self) -> dict[str, Any]:
        """Root module variables by name, with their values."""
        return {name: v.get("value") for name, v in self.raw.get("variables", {}).items()}

    def variable(self, name: str, default: Any = None) -> Any:
        value = self.variables.get(name)
        return default if value is None else value

    @cached_property
    def outputs(self) -> dict[str, Any]:
        """Root module outputs by name, with their planned values (None while unknown)."""
        return {name: change.get("after") for name, change in self.raw.get("output_changes", {}).items()}

    @property
    def terraform_version(self) -> str | None:
        return self.raw.get("terraform_version")
