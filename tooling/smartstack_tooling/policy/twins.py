"""Broken twins: the deliberately broken inputs a policy rule must fail on, declared beside the rule.

A rule passes on every environment's plan; that alone proves nothing, since a rule that reads the wrong
attribute passes too. So each rule names, in its ``@rule(..., twins=...)`` declaration, inputs it must
fail on, and the fragment its violation must contain. A twin is built from :class:`TwinInputs` (the
environments' plans, a way to plan a root, a scratch directory) as one of:

- :func:`plan_twin` — a deep copy of an environment's plan with mutations applied (planned values,
  policy statements, ``configuration`` references); with ``root_name``, of that root's plan instead
  (the ci-access root's, for the rules that read it);
- :func:`root_twin` — a small broken root under ``tests/policy/broken/``, planned;
- :func:`swapped_twin` — one environment's plan checked as another's;
- :func:`tree_twin` — a copy of parts of the repository (modules, env roots, function code), edited;
- :func:`built_twin` — anything else, from a function of the inputs.

``tests/policy/test_policy_rules.py`` builds every declared twin and runs its rule on it.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from .engine import ENV_ROOT, PolicyContext

BROKEN_ROOTS = paths.REPO / "tests" / "policy" / "broken"
BROKEN_ROOT_ACCOUNT = "111111111111"

Plan = dict[str, Any]
Mutation = Callable[[Plan], Any]


@dataclass(frozen=True)
class TwinInputs:
    plans: Mapping[str, Plan]  # each environment's plan JSON: read only, twins work on copies
    plan_root: Callable[[Path, Mapping[str, Any] | None], Plan]  # (root, tf_vars) -> a fresh plan copy
    workdir: Path  # an empty directory of the twin's own
    # The plans of the roots applied once per account, per environment: {"ci-access": {env: plan}}.
    root_plans: Mapping[str, Mapping[str, Plan]] = field(default_factory=dict)


@dataclass(frozen=True)
class Twin:
    name: str
    expect: str  # a fragment one of the rule's violations must contain
    build: Callable[[TwinInputs], PolicyContext]


def context(env: str, plan: Plan, root: Path | None = None, **kw: Any) -> PolicyContext:
    return PolicyContext(plan, env, root or paths.REPO / "envs" / env, **kw)


# ---------------------------------------------------------------------- twin kinds
def plan_twin(name: str, expect: str, env: str, *mutations: Mutation, root_name: str = ENV_ROOT) -> Twin:
    """``env``'s plan (of the root ``root_name``: the environment's by default), copied, with ``mutations``
    applied in order."""

    def build(inputs: TwinInputs) -> PolicyContext:
        if root_name == ENV_ROOT:
            plan = copy.deepcopy(inputs.plans[env])
        else:
            plan = copy.deepcopy(inputs.root_plans[root_name][env])
        for mutate in mutations:
            mutate(plan)
        if root_name == ENV_ROOT:
            return context(env, plan)
        return context(env, plan, paths.REPO / root_name, root_name=root_name)

    return Twin(name, expect, build)


def root_twin(name: str, expect: str, root: str, env: str = "dev") -> Twin:
    """The small broken root ``tests/policy/broken/<root>``, planned."""

    def build(inputs: TwinInputs) -> PolicyContext:
        directory = BROKEN_ROOTS / root
        return context(env, inputs.plan_root(directory, None), root=directory, account=BROKEN_ROOT_ACCOUNT)

    return Twin(name, expect, build)


def swapped_twin(name: str, expect: str, env: str, plan_of: str) -> Twin:
    """``plan_of``'s plan checked as if it were ``env``'s."""
    return Twin(name, expect, lambda inputs: context(env, copy.deepcopy(inputs.plans[plan_of])))


def tree_twin(
    name: str,
    expect: str,
    env: str,
    edit: Callable[[Path], Any],
    parts: tuple[str, ...] = ("envs", "modules"),
) -> Twin:
    """``env``'s plan read against a copy of the repository's ``parts``, edited by ``edit(copy_root)``.

    When ``envs/<env>`` is among the copied parts, the plan's root module is its copy.
    """

    def build(inputs: TwinInputs) -> PolicyContext:
        for part in parts:
            source, target = paths.REPO / part, inputs.workdir / part
            if source.is_dir():
                ignore = shutil.ignore_patterns(".terraform*", "__pycache__")
                shutil.copytree(source, target, ignore=ignore)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        edit(inputs.workdir)
        root = inputs.workdir / "envs" / env
        root_copied = root.is_dir()
        plan = copy.deepcopy(inputs.plans[env])
        return context(env, plan, root=root if root_copied else None, repo=inputs.workdir)

    return Twin(name, expect, build)


def built_twin(name: str, expect: str, build: Callable[[TwinInputs], PolicyContext]) -> Twin:
    return Twin(name, expect, build)


# ---------------------------------------------------------------------- plan surgery
def change(plan: Plan, address: str) -> dict[str, Any]:
    for rc in plan["resource_changes"]:
        if rc["address"] == address:
            return rc["change"]
    raise KeyError(address)


def set_after(plan: Plan, address: str, **values: Any) -> None:
    planned = change(plan, address)
    for key, value in values.items():
        planned["after"][key] = value
        planned["after_unknown"].pop(key, None)


def set_policy(plan: Plan, address: str, mutate: Callable[[dict], Any], attr: str = "policy") -> None:
    doc = json.loads(change(plan, address)["after"][attr])
    mutate(doc)
    set_after(plan, address, **{attr: json.dumps(doc)})


def config_resource(plan: Plan, address: str) -> dict[str, Any]:
    """The configuration entry of a resource, e.g. ``module.network.aws_nat_gateway.this``."""
    *modules, rtype, rname = address.split(".")
    module = plan["configuration"]["root_module"]
    for name in (m for m in modules if m != "module"):
        module = module["module_calls"][name]["module"]
    return next(r for r in module["resources"] if r["address"] == f"{rtype}.{rname}")


def module_call(plan: Plan, call: str) -> dict[str, Any]:
    """The env root's configured call to module ``call`` (its ``source`` and ``expressions``)."""
    return plan["configuration"]["root_module"]["module_calls"][call]


def drop(plan: Plan, predicate: Callable[[dict], bool]) -> None:
    plan["resource_changes"] = [rc for rc in plan["resource_changes"] if not predicate(rc)]


def add_resource(plan: Plan, address: str, rtype: str, after: dict[str, Any], module: str = "") -> dict:
    rc: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": address.rsplit(".", 1)[-1].split("[")[0],
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}},
    }
    if module:
        rc["module_address"] = module
    plan["resource_changes"].append(rc)
    return rc


def lambda_variables(plan: Plan, function: str) -> dict[str, str]:
    """The planned environment variables of one of modules/compute's functions."""
    address = f'module.compute.aws_lambda_function.this["{function}"]'
    return change(plan, address)["after"]["environment"][0]["variables"]


# ---------------------------------------------------------------------- mutations, as values
def setting(address: str, **values: Any) -> Mutation:
    """Set planned ``values`` on the resource at ``address``."""
    return lambda plan: set_after(plan, address, **values)


def statement(address: str, sid: str, mutate: Callable[[dict], Any], attr: str = "policy") -> Mutation:
    """Mutate statement ``sid`` of the policy planned at ``address`` (its ``attr``: a role's trust policy
    is ``assume_role_policy``)."""

    def apply(doc: dict) -> None:
        stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        mutate(next(s for s in stmts if s.get("Sid") == sid))

    return lambda plan: set_policy(plan, address, apply, attr)


def without(predicate: Callable[[dict], bool]) -> Mutation:
    """Drop the resource changes matching ``predicate``."""
    return lambda plan: drop(plan, predicate)


def without_address(address: str) -> Mutation:
    return without(lambda rc: rc["address"] == address)


def config_edit(address: str, mutate: Callable[[dict], Any]) -> Mutation:
    """Mutate the configured ``expressions`` of the resource at config ``address``."""
    return lambda plan: mutate(config_resource(plan, address)["expressions"])


def unconfigured(address: str, attr: str, *instances: str) -> Mutation:
    """Remove ``attr`` from the configuration at ``address`` and its planned value on ``instances``."""

    def apply(plan: Plan) -> None:
        config_resource(plan, address)["expressions"].pop(attr)
        for instance in instances:
            set_after(plan, instance, **{attr: None})

    return apply


def module_input(call: str, name: str, *references: str) -> Mutation:
    """Wire input ``name`` of the env root's call to module ``call`` to ``references``."""

    return lambda plan: module_call(plan, call)["expressions"].update(
        {name: {"references": list(references)}}
    )


def variables(function: str, mutate: Callable[[dict], Any]) -> Mutation:
    """Mutate the planned environment variables of one function."""
    return lambda plan: mutate(lambda_variables(plan, function))


def replace_in(path: str, old: str, new: str) -> Callable[[Path], None]:
    """A tree edit: replace ``old`` (which must occur) by ``new`` in ``path`` of the copy."""

    def edit(root: Path) -> None:
        target = root / path
        text = target.read_text()
        if old not in text:
            raise ValueError(f"{path} no longer contains {old!r}: the twin must follow the code")
        target.write_text(text.replace(old, new))

    return edit


def output(name: str, value: Any) -> Mutation:
    """Add a known planned output ``name`` = ``value``."""

    def apply(plan: Plan) -> None:
        change = {"actions": ["create"], "before": None, "after": value, "after_unknown": False}
        plan.setdefault("output_changes", {})[name] = change

    return apply


def append_to(path: str, text: str) -> Callable[[Path], None]:
    """A tree edit: append ``text`` to ``path`` of the copy."""

    def edit(root: Path) -> None:
        with (root / path).open("a") as handle:
            handle.write(text)

    return edit
