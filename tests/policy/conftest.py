"""Policy suite fixtures: a PolicyContext per environment, and helpers that break plans on purpose."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smartstack_tooling import policy
from smartstack_tooling.policy import PolicyContext

from tests.conftest import ENVIRONMENTS, REPO

HERE = Path(__file__).parent
BROKEN = HERE / "broken"


@pytest.fixture(scope="session")
def env_raw_plans(env_plans) -> dict[str, dict[str, Any]]:
    """The parsed plan JSON of every environment (never mutated: twins work on deep copies)."""
    return {env: env_plans[env]._raw for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def env_contexts(env_raw_plans) -> dict[str, PolicyContext]:
    return {env: policy.context_for_env(env, env_raw_plans[env]) for env in ENVIRONMENTS}


@pytest.fixture(scope="session")
def env_results(env_contexts) -> dict[str, dict[str, policy.Result]]:
    return {env: {r.rule.id: r for r in policy.evaluate(ctx)} for env, ctx in env_contexts.items()}


# ---------------------------------------------------------------------- plan surgery for twins
def copy_plan(plan: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(plan)


def change(plan: dict[str, Any], address: str) -> dict[str, Any]:
    for rc in plan["resource_changes"]:
        if rc["address"] == address:
            return rc["change"]
    raise KeyError(address)


def set_after(plan: dict[str, Any], address: str, **values: Any) -> None:
    after = change(plan, address)["after"]
    unknown = change(plan, address)["after_unknown"]
    for key, value in values.items():
        after[key] = value
        unknown.pop(key, None)


def set_policy(
    plan: dict[str, Any], address: str, mutate: Callable[[dict], None], attr: str = "policy"
) -> None:
    doc = json.loads(change(plan, address)["after"][attr])
    mutate(doc)
    set_after(plan, address, **{attr: json.dumps(doc)})


def config_resource(plan: dict[str, Any], address: str) -> dict[str, Any]:
    """The configuration entry of a resource, e.g. ``module.network.aws_nat_gateway.this``."""
    *modules, rtype, rname = address.split(".")
    module = plan["configuration"]["root_module"]
    names = [m for m in modules if m != "module"]
    for name in names:
        module = module["module_calls"][name]["module"]
    return next(r for r in module["resources"] if r["address"] == f"{rtype}.{rname}")


def drop(plan: dict[str, Any], predicate: Callable[[dict], bool]) -> None:
    plan["resource_changes"] = [rc for rc in plan["resource_changes"] if not predicate(rc)]


def add_resource(
    plan: dict[str, Any], address: str, rtype: str, after: dict[str, Any], module: str = ""
) -> None:
    rc = {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": address.rsplit(".", 1)[-1],
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}},
    }
    if module:
        rc["module_address"] = module
    plan["resource_changes"].append(rc)


def context(env: str, plan: dict[str, Any], root: Path | None = None, **kw: Any) -> PolicyContext:
    return PolicyContext(plan, env, root or REPO / "envs" / env, **kw)
