"""Rule engine over Terraform plan JSON (`terraform show -json`).

A rule is a function of a :class:`PolicyContext` returning the list of its violations (empty = pass).
The context wraps one plan (planned values with their unknown markers, and the ``configuration``
section) plus the root module directory it was planned from, so rules can follow references:
``module.compute`` -> ``var.app_subnet_ids`` -> ``module.network.app_subnet_ids`` -> ``aws_subnet.app``.
Locals are not in the plan's configuration; their references are read from the module source.

Most rules read an environment's plan (envs/<env>: what `make plan`, `make check` and `make apply` judge).
A rule may read the plan of a root applied once per account instead (``root_name="ci-access"``): it then
runs only on contexts of that root (:func:`context_for_root`), and its root's own tooling judges with it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import paths
from ..planview import PlanView
from ..profiles import ENVIRONMENTS
from . import source

if TYPE_CHECKING:  # twins.py builds contexts of this module
    from .twins import Twin

REPO = paths.REPO
ENV_ROOT = "envs"  # the root_name of the environment roots, envs/<env>


@dataclass(frozen=True)
class Instance:
    """One planned resource instance (create/update/no-op; deletes are ignored)."""

    address: str
    module: str  # "module.network" (nested: "module.a.module.b"), "" for the root module
    type: str
    name: str
    index: Any
    values: dict[str, Any]
    unknown: dict[str, Any]

    @property
    def config_address(self) -> str:
        # The configuration's address: module calls without their instance keys (module.a["x"] is module.a).
        return join(_INSTANCE_KEY.sub("", self.module), f"{self.type}.{self.name}")

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def is_unknown(self, key: str) -> bool:
        return bool(self.unknown.get(key)) and self.unknown.get(key) is True

    def tags(self) -> dict[str, str]:
        return self.values.get("tags_all") or self.values.get("tags") or {}


def join(module: str, rest: str) -> str:
    return f"{module}.{rest}" if module else rest


_INSTANCE_KEY = re.compile(r'\[(?:"[^"]*"|[^\]]*)\]')  # [0] or ["key"] of a module instance
_RESOURCE_REF = re.compile(r"^(?:data\.)?[a-z0-9]+_[a-z0-9_]+\.[A-Za-z0-9_-]+")
_SOURCE_REF = re.compile(
    r"(?<![\w.])((?:var|local|module|data)\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?|aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)"
)


@dataclass
class PolicyContext:
    plan: dict[str, Any]
    env: str
    root_dir: Path  # the root module the plan was made from (envs/<env> or a test root)
    repo: Path = REPO
    account: str | None = None  # the environment's account id; default: the plan's var.account_id
    root_name: str = ENV_ROOT  # whose plan: ENV_ROOT (envs/<env>) or a per-account root's directory

    # ------------------------------------------------------------------ planned values
    @cached_property
    def instances(self) -> list[Instance]:
        return [
            Instance(r.address, r.module, r.type, r.name, r.index, r.after, r.after_unknown)
            for r in PlanView(self.plan).resources
        ]

    def of_type(self, *types: str) -> list[Instance]:
        return [i for i in self.instances if i.type in types]

    def instances_of(self, config_address: str) -> list[Instance]:
        return [i for i in self.instances if i.config_address == config_address]

    @property
    def account_id(self) -> str | None:
        if self.account:
            return self.account
        var = self.plan.get("variables", {}).get("account_id")
        return var.get("value") if var else None

    # ------------------------------------------------------------------ configuration
    @cached_property
    def _config(self) -> tuple[dict[str, dict], dict[str, dict], dict[str, Path]]:
        resources: dict[str, dict] = {}
        calls: dict[str, dict] = {}
        dirs: dict[str, Path] = {"": self.root_dir}

        def walk(module: dict, path: str, directory: Path) -> None:
            for res in module.get("resources", []):
                resources[join(path, res["address"])] = res
            for name, call in module.get("module_calls", {}).items():
                child = join(path, f"module.{name}")
                calls[child] = call
                src = call.get("source", "")
                child_dir = (directory / src).resolve() if src.startswith(".") else directory
                dirs[child] = child_dir
                walk(call.get("module", {}), child, child_dir)

        walk(self.plan.get("configuration", {}).get("root_module", {}), "", self.root_dir)
        return resources, calls, dirs

    @property
    def config_resources(self) -> dict[str, dict]:
        return self._config[0]

    @property
    def module_calls(self) -> dict[str, dict]:
        return self._config[1]

    def module_dir(self, module: str) -> Path:
        """The directory of a module call path or instance (module.dns.module.dnssec_key[0])."""
        return self._config[2].get(_INSTANCE_KEY.sub("", module), self.root_dir)

    def config_of(self, inst: Instance | str) -> dict:
        key = inst.config_address if isinstance(inst, Instance) else inst
        return self.config_resources.get(key, {})

    def module_of(self, path: str) -> dict:
        return (
            self.plan["configuration"]["root_module"]
            if not path
            else self.module_calls[path].get("module", {})
        )

    # ------------------------------------------------------------------ references
    def attr_refs(self, inst: Instance | str, attr_path: str) -> list[str]:
        """Raw references of one configured attribute (dotted path through nested blocks)."""
        cfg = self.config_of(inst)
        nodes: list[Any] = [cfg.get("expressions", {})]
        for part in attr_path.split("."):
            nxt: list[Any] = []
            for node in nodes:
                for item in node if isinstance(node, list) else [node]:
                    if isinstance(item, dict) and part in item:
                        nxt.append(item[part])
            nodes = nxt
        refs: list[str] = []
        for node in nodes:
            refs += _collect_refs(node)
        if any(r.startswith("each.") for r in refs):
            refs += (cfg.get("for_each_expression") or {}).get("references", [])
        return refs

    def is_configured(self, inst: Instance | str, attr: str) -> bool:
        return attr in self.config_of(inst).get("expressions", {})

    def resolve(self, module: str, refs: Iterable[str], _seen: set | None = None) -> set[str]:
        """Follow references to the resources (config addresses) and leaves they come from.

        Leaves that are not resources are returned as ``var:<name>`` (root variable),
        ``default:<module>.var.<name>`` (module default), ``data:<addr>`` or ``unresolved:<ref>``.
        """
        seen = _seen if _seen is not None else set()
        out: set[str] = set()
        for ref in refs:
            key = (module, ref)
            if key in seen:
                continue
            seen.add(key)
            parts = ref.split(".")
            head = parts[0]
            if head in ("each", "count", "path", "terraform", "self"):
                continue
            if head == "var":
                name = parts[1].split("[")[0]
                if not module:
                    out.add(f"var:{name}")
                    continue
                parent = module.rsplit(".module.", 1)[0] if ".module." in module else ""
                expr = self.module_calls[module].get("expressions", {}).get(name)
                if expr is None:
                    out.add(f"default:{module}.var.{name}")
                else:
                    out |= self.resolve(parent, _collect_refs(expr), seen)
            elif head == "module":
                if len(parts) < 3:
                    continue
                child = join(module, f"module.{parts[1].split('[')[0]}")
                output = self.module_of(child).get("outputs", {}).get(parts[2].split("[")[0])
                if output is None:
                    out.add(f"unresolved:{child}.{parts[2]}")
                else:
                    out |= self.resolve(child, _collect_refs(output.get("expression", {})), seen)
            elif head == "local":
                expr = source.local_expression(self.module_dir(module), parts[1].split("[")[0])
                if expr is None:
                    out.add(f"unresolved:{join(module, ref)}")
                else:
                    out |= self.resolve(module, source_refs(expr), seen)
            elif head == "data":
                out.add(f"data:{join(module, '.'.join(p.split('[')[0] for p in parts[:3]))}")
            elif _RESOURCE_REF.match(ref):
                out.add(join(module, f"{parts[0]}.{parts[1].split('[')[0]}"))
            else:
                out.add(f"unresolved:{join(module, ref)}")
        return out

    def resolve_attr(self, inst: Instance, attr_path: str) -> set[str]:
        return self.resolve(_INSTANCE_KEY.sub("", inst.module), self.attr_refs(inst, attr_path))

    def resolved_instances(self, inst: Instance, attr_path: str) -> list[Instance]:
        return [i for addr in sorted(self.resolve_attr(inst, attr_path)) for i in self.instances_of(addr)]

    def resolved_types(self, inst: Instance, attr_path: str) -> set[str]:
        return {a.rsplit(".", 2)[-2] for a in self.resolve_attr(inst, attr_path) if ":" not in a}


def _collect_refs(node: Any) -> list[str]:
    refs: list[str] = []
    if isinstance(node, dict):
        refs += node.get("references", [])
        for key, value in node.items():
            if key != "references" and isinstance(value, (dict, list)):
                refs += _collect_refs(value)
    elif isinstance(node, list):
        for item in node:
            refs += _collect_refs(item)
    return refs


def source_refs(expression: str) -> list[str]:
    """References in an HCL expression's source text (for locals, which plan JSON leaves out)."""
    return _SOURCE_REF.findall(expression)


# ---------------------------------------------------------------------- policy documents
@dataclass(frozen=True)
class PolicyDoc:
    """A JSON policy document found in planned values."""

    owner: Instance
    attribute: str
    kind: str  # "identity", "resource", "trust", "key", "endpoint"
    document: dict[str, Any] | None  # None when unknown at plan time

    @property
    def label(self) -> str:
        return f"{self.owner.address}.{self.attribute}"

    def statements(self) -> Iterator[dict[str, Any]]:
        if not self.document:
            return
        stmts = self.document.get("Statement", [])
        yield from (stmts if isinstance(stmts, list) else [stmts])


# (resource type, attribute) -> kind of document
POLICY_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("aws_iam_role_policy", "policy"): "identity",
    ("aws_iam_policy", "policy"): "identity",
    ("aws_iam_role", "assume_role_policy"): "trust",
    ("aws_kms_key", "policy"): "key",
    ("aws_kms_key_policy", "policy"): "key",
    ("aws_s3_bucket_policy", "policy"): "resource",
    ("aws_s3_bucket", "policy"): "resource",
    ("aws_sqs_queue_policy", "policy"): "resource",
    ("aws_sqs_queue", "policy"): "resource",
    ("aws_sns_topic_policy", "policy"): "resource",
    ("aws_sns_topic", "policy"): "resource",
    ("aws_secretsmanager_secret_policy", "policy"): "resource",
    ("aws_secretsmanager_secret", "policy"): "resource",
    # An endpoint policy filters what passes through the endpoint; it grants nothing on its own.
    ("aws_vpc_endpoint", "policy"): "endpoint",
    ("aws_vpc_endpoint_policy", "policy"): "endpoint",
    ("aws_api_gateway_rest_api", "policy"): "resource",
    ("aws_api_gateway_rest_api_policy", "policy"): "resource",
    ("aws_cloudwatch_log_resource_policy", "policy_document"): "resource",
    ("aws_lambda_permission", "source_arn"): "permission",
}


# Every resource type that carries a policy document (what the policy-statement rules read).
POLICY_TYPES = tuple(sorted({rtype for rtype, _ in POLICY_ATTRIBUTES}))


def policy_documents(ctx: PolicyContext, include_unknown: bool = True) -> list[PolicyDoc]:
    """Every configured policy document: parsed when known at plan, ``document=None`` when unknown.

    Attributes the configuration does not set (e.g. ``aws_s3_bucket.policy``, which the provider
    computes) are not policies of this configuration and are skipped.
    """
    docs = []
    for inst in ctx.instances:
        for (rtype, attr), kind in POLICY_ATTRIBUTES.items():
            if inst.type != rtype or not ctx.is_configured(inst, attr):
                continue
            if kind == "permission":
                if inst.is_unknown(attr) and include_unknown:
                    docs.append(PolicyDoc(inst, attr, kind, None))
                continue
            if inst.is_unknown(attr):
                if include_unknown:
                    docs.append(PolicyDoc(inst, attr, kind, None))
                continue
            raw = inst.get(attr)
            if raw:
                docs.append(PolicyDoc(inst, attr, kind, json.loads(raw) if isinstance(raw, str) else raw))
        if inst.type == "aws_iam_role":
            for inline in inst.get("inline_policy") or []:
                if inline.get("policy"):
                    docs.append(
                        PolicyDoc(
                            inst,
                            f"inline_policy[{inline.get('name')}]",
                            "identity",
                            json.loads(inline["policy"]),
                        )
                    )
    return docs


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# ---------------------------------------------------------------------- rules
SEVERITIES = ("critical", "high", "medium", "low")
EVERY_TYPE = ("*",)  # resource_types of a rule that reads every planned resource


@dataclass(frozen=True)
class Rule:
    """One policy rule: what it checks, where, how bad a violation is, and the inputs it must fail on."""

    id: str
    group: str
    title: str
    check: Callable[[PolicyContext], list[str]]
    severity: str  # one of SEVERITIES: critical = exposure or loss of data, low = hygiene
    resource_types: tuple[str, ...]  # the resource types the rule reads (its violations name only these)
    envs: tuple[str, ...] = ENVIRONMENTS  # environments where the rule applies (others: not required)
    doc: str = ""
    # What the rule deliberately lets pass, and why (shown in the report): key -> reason.
    exemptions: Mapping[str, str] = field(default_factory=dict)
    twins: tuple[Twin, ...] = ()  # broken inputs the rule must fail on (see twins.py)
    root_name: str = ENV_ROOT  # the root whose plans the rule reads (PolicyContext.root_name)


@dataclass(frozen=True)
class Result:
    rule: Rule
    env: str
    violations: tuple[str, ...]
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.violations and self.error is None

    @property
    def status(self) -> str:
        return "passed" if self.passed else ("error" if self.error else "failed")


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    group: str,
    title: str,
    *,
    severity: str,
    resource_types: Iterable[str],
    twins: Iterable[Twin],
    envs: tuple[str, ...] = ENVIRONMENTS,
    exemptions: Mapping[str, str] | None = None,
    root_name: str = ENV_ROOT,
):
    """Register the decorated check as rule ``rule_id`` with its metadata and its broken twins; it reads the
    plans of ``root_name`` (the environments' by default)."""
    if severity not in SEVERITIES:
        raise ValueError(f"{rule_id}: severity {severity!r} is not one of {SEVERITIES}")
    twins = tuple(twins)
    if not twins:
        raise ValueError(f"{rule_id}: a rule needs at least one broken twin it must fail on")

    def register(fn: Callable[[PolicyContext], list[str]]) -> Callable[[PolicyContext], list[str]]:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(
            rule_id,
            group,
            title,
            fn,
            severity,
            tuple(sorted(set(resource_types))),
            envs,
            (fn.__doc__ or "").strip(),
            dict(exemptions or {}),
            twins,
            root_name,
        )
        return fn

    return register


def run_rule(rule_obj: Rule, ctx: PolicyContext) -> Result:
    try:
        violations = tuple(rule_obj.check(ctx))
    except Exception as err:  # a rule that cannot read the plan fails loudly, never passes
        return Result(rule_obj, ctx.env, (), f"{type(err).__name__}: {err}")
    return Result(rule_obj, ctx.env, violations)


def evaluate(ctx: PolicyContext, rule_ids: Iterable[str] | None = None) -> list[Result]:
    """The results of the rules (all, or ``rule_ids``) that apply to the context: rules of its root whose
    ``envs`` (from envs/profiles.json) include its environment; the others are not required there."""
    ids = list(rule_ids) if rule_ids is not None else list(RULES)
    return [
        run_rule(RULES[i], ctx)
        for i in ids
        if ctx.env in RULES[i].envs and RULES[i].root_name == ctx.root_name
    ]


def rules_of(root_name: str = ENV_ROOT) -> dict[str, Rule]:
    """The rules that read the plans of ``root_name`` (the environments' by default)."""
    return {rule_id: r for rule_id, r in RULES.items() if r.root_name == root_name}


def context_for_env(env: str, plan: dict[str, Any]) -> PolicyContext:
    return PolicyContext(plan, env, REPO / "envs" / env)


def context_for_root(root_name: str, env: str, plan: dict[str, Any]) -> PolicyContext:
    """The context of ``env``'s plan of a root applied once per account (``ci-access``)."""
    return PolicyContext(plan, env, REPO / root_name, root_name=root_name)


def verdict(results: list[Result]) -> str:
    failed = [r.rule.id for r in results if not r.passed]
    line = f"policy: {len(results) - len(failed)}/{len(results)} rules passed"
    return line + (f", FAILED: {', '.join(failed)}" if failed else "")
