"""Contracts between the tiers, and between the tiers and the functions' code, as deployed.

Each rule reads the plan and, for the code's side, the function source's own declarations
(code_facts), so a change on either side that breaks the other fails here.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..operations import package_functions as packaging
from ..profiles import ENVIRONMENTS
from . import code_facts, source
from .engine import Instance, PolicyContext, rule
from .rules_iam import ROTATE_PACKAGE, rotated_secret_names
from .rules_network import tier
from .twins import (
    Mutation,
    Plan,
    add_resource,
    append_to,
    change,
    config_edit,
    plan_twin,
    replace_in,
    setting,
    statement,
    tree_twin,
    variables,
    without,
)

# Size limits of AWS managed rule groups, as documented in the AWS WAF Developer Guide
# ("Baseline rule groups" > "Core rule set (CRS) managed rule group"): rule -> (request part, bytes).
MANAGED_SIZE_LIMITS: dict[tuple[str, str], dict[str, tuple[str, int]]] = {
    ("AWS", "AWSManagedRulesCommonRuleSet"): {
        "SizeRestrictions_BODY": ("body", 8_192),
        "SizeRestrictions_QUERYSTRING": ("query", 2_048),
        "SizeRestrictions_URIPATH": ("path", 1_024),
        "SizeRestrictions_Cookie_HEADER": ("cookie", 10_240),
    },
}
# Request body bytes an associated resource forwards to WAF when association_config does not say.
DEFAULT_BODY_INSPECTION = {"API_GATEWAY": 16_384, "CLOUDFRONT": 16_384}
_FIELDS = {"body": "body", "json_body": "body", "uri_path": "path", "query_string": "query"}


def first(value: Any) -> dict[str, Any]:
    """The single nested block of a planned block list (``[]`` and None give an empty block)."""
    return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else {}


def present(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0


# ---------------------------------------------------------------------- what fronts the API
def api_origin_ids(ctx: PolicyContext, dist: Instance) -> set[str]:
    """Ids of a distribution's origins that are the API: a custom domain of an API Gateway in this
    plan, or an execute-api endpoint (planned values)."""
    api_domains = {d.get("domain_name") for d in ctx.of_type("aws_api_gateway_domain_name")}
    ids = set()
    for origin in dist.get("origin") or []:
        domain = origin.get("domain_name") or ""
        if domain in api_domains or ".execute-api." in domain:
            ids.add(origin.get("origin_id"))
    return ids


def api_behaviours(ctx: PolicyContext, dist: Instance) -> list[dict[str, Any]]:
    """The cache behaviours (planned) whose origin is the API."""
    ids = api_origin_ids(ctx, dist)
    behaviours = [first(dist.get("default_cache_behavior")), *(dist.get("ordered_cache_behavior") or [])]
    return [b for b in behaviours if b and b.get("target_origin_id") in ids]


def acls_in_front_of_api(ctx: PolicyContext) -> Iterator[tuple[Instance, str]]:
    """(web ACL, associated resource type) for every ACL that inspects requests to the API."""
    acls = {acl.config_address: acl for acl in ctx.of_type("aws_wafv2_web_acl")}
    for assoc in ctx.of_type("aws_wafv2_web_acl_association"):
        if any(t.startswith("aws_api_gateway_") for t in ctx.resolved_types(assoc, "resource_arn")):
            for address in ctx.resolve_attr(assoc, "web_acl_arn"):
                if address in acls:
                    yield acls[address], "API_GATEWAY"
    for dist in ctx.of_type("aws_cloudfront_distribution"):
        if api_behaviours(ctx, dist):
            for address in ctx.resolve_attr(dist, "web_acl_id"):
                if address in acls:
                    yield acls[address], "CLOUDFRONT"


# ---------------------------------------------------------------------- WAF size limits
def body_inspection_limit(acl: Instance, resource_type: str) -> int:
    request_body = first(first(acl.get("association_config")).get("request_body"))
    setting = first(request_body.get(resource_type.lower())).get("default_size_inspection_limit")
    return (
        int(setting[3:]) * 1024
        if isinstance(setting, str) and setting.startswith("KB_")
        else (DEFAULT_BODY_INSPECTION[resource_type])
    )


def _blocks(acl_rule: dict[str, Any]) -> bool:
    return present(first(acl_rule.get("action")).get("block"))


def _counts(acl_rule: dict[str, Any]) -> bool:
    return present(first(acl_rule.get("override_action")).get("count"))


def size_limit_findings(acl: Instance, resource_type: str, accepted: dict[str, int]) -> list[str]:
    found = []
    for acl_rule in acl.get("rule") or []:
        statement = first(acl_rule.get("statement"))
        group = first(statement.get("managed_rule_group_statement"))
        if group and not _counts(acl_rule):
            limits = MANAGED_SIZE_LIMITS.get((group.get("vendor_name"), group.get("name")), {})
            overridden = {o.get("name") for o in group.get("rule_action_override") or []}
            scoped = present(group.get("scope_down_statement"))
            for sub_rule, (part, limit) in sorted(limits.items()):
                if part in accepted and accepted[part] > limit and sub_rule not in overridden and not scoped:
                    found.append(
                        f"{acl.address}: {group['name']}/{sub_rule} blocks a {part} over {limit} bytes; "
                        f"the API accepts {accepted[part]} (count it with rule_action_override or scope it)"
                    )
        size = first(statement.get("size_constraint_statement"))
        if size and _blocks(acl_rule):
            field = next((f for f, v in first(size.get("field_to_match")).items() if present(v)), "")
            part = _FIELDS.get(field)
            operator, bound = size.get("comparison_operator"), size.get("size")
            if part in accepted and isinstance(bound, int) and operator in ("GT", "GE"):
                admitted = bound if operator == "GT" else bound - 1
                if admitted < accepted[part]:
                    found.append(
                        f"{acl.address}: rule {acl_rule.get('name')} blocks a {part} over {admitted} bytes; "
                        f"the API accepts {accepted[part]}"
                    )
            oversize = first(first(size.get("field_to_match")).get(field)).get("oversize_handling")
            inspected = body_inspection_limit(acl, resource_type)
            if part == "body" and oversize == "MATCH" and inspected < accepted["body"]:
                found.append(
                    f"{acl.address}: rule {acl_rule.get('name')} blocks every body over the {inspected}-byte "
                    f"inspection limit (oversize_handling MATCH); the API accepts {accepted['body']}"
                )
    return found


# ---- broken twins of the edge contract
API_LIMITS = "functions/api/smartstack_api/limits.py"


def _enforce_crs_body_limit(acl_address: str) -> Mutation:
    """Drop the Common Rule Set's overrides: its 8 KB body limit blocks again."""

    def apply(plan: Plan) -> None:
        crs = next(
            r
            for r in change(plan, acl_address)["after"]["rule"]
            if r["name"] == "AWSManagedRulesCommonRuleSet"
        )
        crs["statement"][0]["managed_rule_group_statement"][0]["rule_action_override"] = []

    return apply


def _body_size_rule(size: int, oversize: str = "CONTINUE") -> dict[str, Any]:
    return {
        "name": "body-size",
        "priority": 5,
        "action": [{"block": [{}], "allow": [], "count": []}],
        "override_action": [],
        "statement": [
            {
                "size_constraint_statement": [
                    {
                        "comparison_operator": "GT",
                        "size": size,
                        "field_to_match": [{"body": [{"oversize_handling": oversize}], "uri_path": []}],
                    }
                ]
            }
        ],
    }


def _add_acl_rule(acl_address: str, acl_rule: dict[str, Any]) -> Mutation:
    return lambda plan: change(plan, acl_address)["after"]["rule"].append(acl_rule)


@rule(
    "contract.edge-admits-api-requests",
    "contracts",
    "Every WAF rule in front of the API admits the largest request the API accepts",
    severity="high",
    resource_types=(
        "aws_api_gateway_domain_name",
        "aws_cloudfront_distribution",
        "aws_wafv2_web_acl",
        "aws_wafv2_web_acl_association",
    ),
    twins=(
        plan_twin(
            "api-acl-enforces-crs-8k-body",
            "SizeRestrictions_BODY blocks a body over 8192 bytes",
            "prod",
            _enforce_crs_body_limit("module.api.aws_wafv2_web_acl.api[0]"),
        ),
        plan_twin(
            "cdn-acl-enforces-crs-8k-body",
            "SizeRestrictions_BODY blocks a body over 8192 bytes",
            "staging",
            _enforce_crs_body_limit("module.edge.aws_wafv2_web_acl.cdn"),
        ),
        plan_twin(
            "body-size-rule-below-api-limit",
            "rule body-size blocks a body over 4096 bytes",
            "dev",
            _add_acl_rule("module.api.aws_wafv2_web_acl.api[0]", _body_size_rule(4096)),
        ),
        plan_twin(
            "oversize-match-beyond-inspection-limit",
            "inspection limit (oversize_handling MATCH)",
            "dev",
            _add_acl_rule("module.api.aws_wafv2_web_acl.api[0]", _body_size_rule(10**6, "MATCH")),
        ),
        tree_twin(  # the code's side: 2,000-character attachment names make paths longer than CRS admits
            "api-paths-grow-past-crs-uri-limit",
            "SizeRestrictions_URIPATH",
            "prod",
            replace_in(API_LIMITS, "ATTACHMENT_NAME_MAX = 128", "ATTACHMENT_NAME_MAX = 2_000"),
            parts=(API_LIMITS,),
        ),
    ),
)
def edge_admits_api_requests(ctx: PolicyContext) -> list[str]:
    """Size limits (managed rule groups with their documented limits, and size constraints) on every
    web ACL in front of the API admit the body, path and query sizes the API's code accepts
    (smartstack_api.limits), or are counted, or scoped away from the API."""
    accepted = code_facts.api_request_limits(ctx.repo / "functions")
    problems: list[str] = []
    fronting = list(acls_in_front_of_api(ctx))
    if not fronting and ctx.of_type("aws_wafv2_web_acl"):
        problems.append("no web ACL is found in front of the API (association or distribution behaviour)")
    for acl, resource_type in fronting:
        problems += size_limit_findings(acl, resource_type, accepted)
    return problems


# ---------------------------------------------------------------------- CloudFront errors
@rule(
    "contract.api-errors-reach-clients",
    "contracts",
    "No distribution-wide custom error response rewrites the API's responses",
    severity="medium",
    resource_types=("aws_cloudfront_distribution",),
    twins=(
        plan_twin(
            "spa-404-page-for-every-behaviour",
            "rewrites the API behaviour(s) ['/api/*']",
            "staging",
            setting(
                "module.edge.aws_cloudfront_distribution.this",
                custom_error_response=[
                    {
                        "error_code": 403,
                        "response_code": 404,
                        "response_page_path": "/404.html",
                        "error_caching_min_ttl": 60,
                    }
                ],
            ),
        ),
    ),
)
def api_errors_reach_clients(ctx: PolicyContext) -> list[str]:
    """CloudFront custom error responses apply to every behaviour: with an API behaviour they would
    turn API (and WAF) errors into the web bucket's pages, cached."""
    problems = []
    for dist in ctx.of_type("aws_cloudfront_distribution"):
        paths = sorted(b.get("path_pattern", "default") for b in api_behaviours(ctx, dist))
        for error in dist.get("custom_error_response") or []:
            if paths:
                problems.append(
                    f"{dist.address}: custom_error_response for {error.get('error_code')} rewrites the API "
                    f"behaviour(s) {paths} too"
                )
    return problems


# ---------------------------------------------------------------------- packages
def package_path(ctx: PolicyContext, function: Instance) -> Path | None:
    """The zip a planned function deploys, as the root that planned it sees the path."""
    filename = function.get("filename")
    if not isinstance(filename, str):
        return None
    path = Path(filename)
    return path if path.is_absolute() else (ctx.root_dir / path).resolve()


LAMBDA_TASK_ROOT = "/var/task/"  # where Lambda unpacks the zip


def _named_files_missing(function: Instance, path: Path) -> list[str]:
    """Environment variables that name a file of the package (e.g. DB_CA_BUNDLE) must find it there."""
    variables = first(function.get("environment")).get("variables") or {}
    named = {k: v for k, v in variables.items() if isinstance(v, str) and v.startswith(LAMBDA_TASK_ROOT)}
    if not named:
        return []
    with zipfile.ZipFile(path) as archive:
        entries = set(archive.namelist())
    return [
        f"{function.address}: {key}={value} is not in {path.name}"
        for key, value in sorted(named.items())
        if value.removeprefix(LAMBDA_TASK_ROOT) not in entries
    ]


@rule(
    "contract.packages-match-architecture",
    "contracts",
    "Each function's zip is built for its architecture and holds the files its settings name",
    severity="high",
    resource_types=("aws_lambda_function",),
    twins=(
        plan_twin(
            "architecture-changed-without-repackaging",
            "holds aarch64 builds",
            "staging",
            setting('module.compute.aws_lambda_function.this["api"]', architectures=["x86_64"]),
        ),
        plan_twin(
            "package-never-built",
            "is not built (make package)",
            "dev",
            setting(
                'module.compute.aws_lambda_function.this["ai"]',
                filename="../../build/functions/arm64/missing.zip",
            ),
        ),
        plan_twin(
            "ca-bundle-named-but-not-packaged",
            "DB_CA_BUNDLE=/var/task/certs/global-bundle.pem is not in api.zip",
            "prod",
            variables("api", lambda v: v.update(DB_CA_BUNDLE="/var/task/certs/global-bundle.pem")),
        ),
    ),
)
def packages_match_architecture(ctx: PolicyContext) -> list[str]:
    """A zip with wheels for another instruction set fails at import (or silently falls back to pure
    Python, as wrapt does): native extensions and platform wheel tags must name the architecture."""
    problems = []
    for function in ctx.of_type("aws_lambda_function"):
        architectures = function.get("architectures") or ["x86_64"]  # Lambda's default
        path = package_path(ctx, function)
        if path is None:
            problems.append(f"{function.address}: no filename planned; the package cannot be checked")
            continue
        if not path.is_file():
            problems.append(f"{function.address}: {path} is not built (make package)")
            continue
        problems += _named_files_missing(function, path)
        wanted = {packaging.MACHINE.get(a, a) for a in architectures}
        for machine, entries in sorted(packaging.native_machines(path).items()):
            if machine not in wanted:
                problems.append(
                    f"{function.address}: runs {architectures} but {path.name} holds {machine} builds: "
                    f"{sorted(entries)[:3]}"
                )
    return problems


# ---------------------------------------------------------------------- replacements
# Types whose name is unique in its scope (account, region or VPC): two objects cannot share it.
UNIQUE_NAMES = {
    "aws_security_group": "name",
    "aws_db_parameter_group": "name",
    "aws_db_subnet_group": "name",
    "aws_db_option_group": "name",
    "aws_iam_role": "name",
    "aws_iam_policy": "name",
    "aws_launch_template": "name",
    "aws_lambda_function": "function_name",
    "aws_sqs_queue": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_kms_alias": "name",
}


def _create_before_destroy_on(path: str, resource_header: str):
    """A tree edit: add lifecycle { create_before_destroy = true } to one resource block of ``path``."""

    def edit(root: Path) -> None:
        target = root / path
        text = target.read_text()
        end = text.index("\n}\n", text.index(resource_header))
        target.write_text(text[:end] + "\n  lifecycle {\n    create_before_destroy = true\n  }" + text[end:])

    return edit


@rule(
    "contract.replacements-can-coexist",
    "contracts",
    "create_before_destroy is never combined with a fixed unique name",
    severity="medium",
    resource_types=UNIQUE_NAMES,
    twins=(
        tree_twin(
            "subnet-group-replaced-before-destroy",
            "aws_db_subnet_group.this: create_before_destroy with a fixed name",
            "staging",
            _create_before_destroy_on("modules/data/main.tf", 'resource "aws_db_subnet_group" "this" {'),
        ),
        plan_twin(
            "fixed-name-in-the-plan-configuration",
            "aws_db_parameter_group.this: create_before_destroy with a fixed name",
            "dev",
            config_edit(
                "module.data.aws_db_parameter_group.this", lambda e: e.update(name=e.pop("name_prefix"))
            ),
        ),
    ),
)
def replacements_can_coexist(ctx: PolicyContext) -> list[str]:
    """With create_before_destroy the replacement exists beside the old object: a fixed unique name makes
    every replacement fail with a duplicate name. Such resources take a name_prefix (or drop the flag)."""
    problems = []
    seen = set()
    for inst in ctx.instances:
        attribute = UNIQUE_NAMES.get(inst.type)
        if attribute is None or inst.config_address in seen:
            continue
        seen.add(inst.config_address)
        local = f"{inst.type}.{inst.name}"
        replaced_first = source.lifecycle_flag(ctx.module_dir(inst.module), local, "create_before_destroy")
        if ctx.is_configured(inst, attribute) and replaced_first:
            problems.append(
                f"{inst.config_address}: create_before_destroy with a fixed {attribute}: a replacement "
                "fails as a duplicate; use name_prefix"
            )
    return problems


# ---------------------------------------------------------------------- time budgets
_INDEXED_RESOURCE = re.compile(r'^(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)(\[("[^"]*"|\d+)\])?')


def indexed_targets(ctx: PolicyContext, module: str, refs: list[str], depth: int = 0) -> set[tuple[str, Any]]:
    """Resources (config address, instance key or None) that references lead to through variables and
    module outputs, keeping the instance key (``this["worker"]``) that the engine's resolve drops."""
    found: set[tuple[str, Any]] = set()
    if depth > 8:
        return found
    for ref in refs:
        parts = ref.split(".")
        if parts[0] == "var" and module:
            parent = module.rsplit(".module.", 1)[0] if ".module." in module else ""
            expr = ctx.module_calls[module].get("expressions", {}).get(parts[1].split("[")[0], {})
            found |= indexed_targets(ctx, parent, expr.get("references", []), depth + 1)
        elif parts[0] == "module" and len(parts) >= 3:
            child = f"{module}.module.{parts[1]}" if module else f"module.{parts[1]}"
            output = ctx.module_of(child).get("outputs", {}).get(parts[2].split("[")[0], {})
            found |= indexed_targets(
                ctx, child, output.get("expression", {}).get("references", []), depth + 1
            )
        else:
            match = _INDEXED_RESOURCE.match(ref)
            if match:
                key = match.group(3)
                key = key.strip('"') if key and key.startswith('"') else (int(key) if key else None)
                found.add((f"{module}.{match.group(1)}" if module else match.group(1), key))
    # A bare `aws_x.y` next to `aws_x.y["k"]` is the same reference seen without its key.
    keyed = {address for address, key in found if key is not None}
    return {(a, k) for a, k in found if k is not None or a not in keyed}


def instances_behind(ctx: PolicyContext, inst: Instance, attr: str) -> list[Instance]:
    targets = indexed_targets(ctx, inst.module, ctx.attr_refs(inst, attr))
    return [
        i
        for address, key in sorted(targets, key=str)
        for i in ctx.instances_of(address)
        if key is None or i.index == key
    ]


def functions_behind(ctx: PolicyContext, inst: Instance, attr: str) -> list[Instance]:
    """The functions ``attr`` of ``inst`` invokes: directly, or through an alias of theirs."""
    found = []
    for target in instances_behind(ctx, inst, attr):
        if target.type == "aws_lambda_alias":
            name = target.get("function_name")
            found += [f for f in ctx.of_type("aws_lambda_function") if f.get("function_name") == name]
        elif target.type == "aws_lambda_function":
            found.append(target)
    return found


def _queue_with_arn(ctx: PolicyContext, arn: str) -> Instance | None:
    return next(
        (q for q in ctx.of_type("aws_sqs_queue") if q.get("name") and arn.endswith(f":{q.get('name')}")), None
    )


def _function_named(ctx: PolicyContext, name: str | None) -> Instance | None:
    return next((f for f in ctx.of_type("aws_lambda_function") if f.get("function_name") == name), None)


# ---- broken twins of the time budget
_QUEUE = "module.messaging.aws_sqs_queue.tasks"
_ESM = "module.messaging.aws_lambda_event_source_mapping.tasks"
CALL_BOUNDS = "functions/shared/smartstack_shared/call_bounds.py"


@rule(
    "contract.time-budget-chain",
    "contracts",
    "Each queue consumer finishes a batch's worst case in time, and retries agree with the DLQ",
    severity="high",
    resource_types=("aws_lambda_event_source_mapping", "aws_lambda_function", "aws_sqs_queue"),
    twins=(
        plan_twin(
            "visibility-below-6x",
            "visibility 300 s < 6 x",
            "dev",
            setting(_QUEUE, visibility_timeout_seconds=300),
        ),
        plan_twin("batch-of-ten-ai-calls", "a batch of 10 can take", "staging", setting(_ESM, batch_size=10)),
        plan_twin(
            "message-expires-before-its-receives",
            "expires messages before",
            "prod",
            setting(_QUEUE, message_retention_seconds=3600),
        ),
        plan_twin(
            "no-retry-before-the-dlq",
            "is never retried",
            "dev",
            setting(
                _QUEUE,
                redrive_policy=json.dumps(
                    {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:x", "maxReceiveCount": 1}
                ),
            ),
        ),
        plan_twin(
            "consumer-gives-up-on-the-ai-early",
            "waits AI_TIMEOUT_SECONDS=30",
            "prod",
            variables("worker", lambda v: v.update(AI_TIMEOUT_SECONDS="30")),
        ),
        plan_twin(
            "queue-outruns-the-reservation",
            "maximum_concurrency 50 >",
            "prod",
            lambda p: change(p, _ESM)["after"]["scaling_config"][0].update(maximum_concurrency=50),
        ),
        tree_twin(  # the code's side: more attempts per AWS call push one record past the consumer's timeout
            "code-retries-more-than-budgeted",
            "can take",
            "staging",
            replace_in(CALL_BOUNDS, "AWS_API = CallBound(attempts=2", "AWS_API = CallBound(attempts=9"),
            parts=(CALL_BOUNDS,),
        ),
    ),
)
def time_budget_chain(ctx: PolicyContext) -> list[str]:
    """Per event source mapping: visibility >= 6 x the consumer's timeout (+ batching window); batch size
    x the worst case per record (the functions' call bounds, the AI function's timeout) fits in the
    consumer's timeout; the consumer waits exactly the AI function's timeout; messages live long enough
    for every receive; the DLQ outlives the queue; concurrency stays within the consumer's reservation."""
    bounds = code_facts.constants_module("shared/smartstack_shared/call_bounds.py", ctx.repo / "functions")
    problems = []
    for esm in ctx.of_type("aws_lambda_event_source_mapping"):
        consumers = functions_behind(ctx, esm, "function_name")
        queues = [i for i in instances_behind(ctx, esm, "event_source_arn") if i.type == "aws_sqs_queue"]
        if len(consumers) != 1 or len(queues) != 1:
            problems.append(f"{esm.address}: consumer {[c.address for c in consumers]} or queue not found")
            continue
        consumer, queue = consumers[0], queues[0]
        timeout = consumer.get("timeout")
        window = esm.get("maximum_batching_window_in_seconds") or 0
        visibility = queue.get("visibility_timeout_seconds")
        if visibility < 6 * timeout + window:
            problems.append(
                f"{queue.address}: visibility {visibility} s < 6 x {consumer.address} timeout {timeout} s"
                f" + batching window {window} s"
            )
        variables = first(consumer.get("environment")).get("variables") or {}
        ai = _function_named(ctx, variables.get("AI_FUNCTION_NAME"))
        ai_timeout = ai.get("timeout") if ai else 0
        if ai and variables.get("AI_TIMEOUT_SECONDS") != str(ai_timeout):
            problems.append(
                f"{consumer.address}: waits AI_TIMEOUT_SECONDS={variables.get('AI_TIMEOUT_SECONDS')} s for "
                f"{ai.address}, whose timeout is {ai_timeout} s (a shorter wait abandons running AI work)"
            )
        per_record = bounds.consumer_worst_seconds_per_record(ai_timeout)
        batch = esm.get("batch_size") or 10
        if batch * per_record > timeout:
            problems.append(
                f"{consumer.address}: a batch of {batch} can take {batch * per_record:.0f} s "
                f"({per_record:.0f} s per record, call_bounds) but the timeout is {timeout} s"
            )
        redrive = json.loads(queue.get("redrive_policy") or "{}")
        receives = redrive.get("maxReceiveCount")
        if not isinstance(receives, int) or receives < 2:
            problems.append(
                f"{queue.address}: maxReceiveCount {receives!r}: a failed message is never retried"
            )
        elif queue.get("message_retention_seconds") < receives * visibility:
            problems.append(
                f"{queue.address}: retention {queue.get('message_retention_seconds')} s expires messages "
                f"before their {receives} receives ({receives} x {visibility} s)"
            )
        dlq = _queue_with_arn(ctx, str(redrive.get("deadLetterTargetArn", "")))
        if dlq is None:
            problems.append(
                f"{queue.address}: dead-letter queue {redrive.get('deadLetterTargetArn')} not planned"
            )
        elif dlq.get("message_retention_seconds") <= queue.get("message_retention_seconds"):
            problems.append(f"{dlq.address}: keeps messages no longer than {queue.address}")
        reserved = consumer.get("reserved_concurrent_executions")
        concurrency = first(esm.get("scaling_config")).get("maximum_concurrency")
        if (
            isinstance(reserved, int)
            and reserved >= 1
            and isinstance(concurrency, int)
            and concurrency > reserved
        ):
            problems.append(
                f"{esm.address}: maximum_concurrency {concurrency} > {consumer.address}'s reserved {reserved}"
            )
    return problems


# ---------------------------------------------------------------------- network reachability
OPEN = ("0.0.0.0/0", "::/0")
# Egress to anywhere, by rule (config address) -> why it is accepted. Empty: every destination is an
# endpoint or a subnet of this VPC.
REVIEWED_OPEN_EGRESS: dict[str, str] = {}


def _open(rule_inst: Instance) -> bool:
    return rule_inst.get("cidr_ipv4") in OPEN or rule_inst.get("cidr_ipv6") in OPEN


def _endpoint_policy_findings(ctx: PolicyContext, endpoint: Instance) -> list[str]:
    if endpoint.is_unknown("policy") or not endpoint.get("policy"):
        return [f"{endpoint.address}: no endpoint policy (the endpoint reaches any account's resources)"]
    found = []
    for n, stmt in enumerate(json.loads(endpoint.get("policy")).get("Statement", [])):
        if stmt.get("Effect") != "Allow":
            continue
        equals = (stmt.get("Condition") or {}).get("StringEquals") or {}
        if equals.get("aws:PrincipalAccount") != ctx.account_id:
            found.append(
                f"{endpoint.address} {stmt.get('Sid') or n}: admits principals outside {ctx.account_id}"
            )
    return found


# AWS-owned buckets the S3 gateway endpoint admits, by ARN pattern -> the function that needs it and
# why. Empty: the functions call S3 for the environment's files bucket only; Lambda fetches code and
# layers outside the VPC; nothing in the VPC installs packages or pulls container images.
REVIEWED_AWS_OWNED_BUCKETS: dict[str, str] = {}


def _gateway_endpoint_scope_findings(ctx: PolicyContext, endpoint: Instance) -> list[str]:
    """A gateway endpoint's Allow statements reach only this account's resources, and for S3 only this
    environment's buckets (``smartstack-<env>-*``) or a reviewed AWS-owned bucket."""
    if endpoint.is_unknown("policy") or not endpoint.get("policy"):
        return []  # reported by _endpoint_policy_findings
    prefix = f"smartstack-{ctx.env}-"
    s3 = str(endpoint.get("service_name") or "").endswith(".s3")
    found = []
    statements = json.loads(endpoint.get("policy")).get("Statement", [])
    for n, stmt in enumerate(statements if isinstance(statements, list) else [statements]):
        if stmt.get("Effect") != "Allow":
            continue
        equals = (stmt.get("Condition") or {}).get("StringEquals") or {}
        if equals.get("aws:ResourceAccount") != ctx.account_id:
            found.append(
                f"{endpoint.address} {stmt.get('Sid') or n}: reaches resources outside {ctx.account_id}"
            )
        resources = stmt.get("Resource")
        resources = resources if isinstance(resources, list) else [resources]
        outside = [
            r
            for r in resources
            if not re.match(rf"^arn:[a-z-]+:s3:::{re.escape(prefix)}", str(r))
            and r not in REVIEWED_AWS_OWNED_BUCKETS
        ]
        if s3 and outside:
            found.append(
                f"{endpoint.address} {stmt.get('Sid') or n}: reaches {outside}, outside this environment's "
                f"buckets ({prefix}*) and the reviewed AWS-owned ones"
            )
    return found


# ---- broken twins of network reachability
_SQS_ENDPOINT = 'module.network.aws_vpc_endpoint.interface["sqs"]'
_S3_ENDPOINT = "module.network.aws_vpc_endpoint.s3"
_S3_SID = "ThisEnvironmentsBucketsOnly"


def _without_condition(key: str) -> Mutation:
    return statement(_S3_ENDPOINT, _S3_SID, lambda s: s["Condition"]["StringEquals"].pop(key))


def _gateway_endpoint_twins() -> list:
    """The S3 gateway endpoint's policy broken, in every environment."""
    twins = []
    for env in ENVIRONMENTS:
        other = next(e for e in ENVIRONMENTS if e != env)
        twins += [
            plan_twin(
                f"{env}-s3-gateway-endpoint-without-policy",
                "no endpoint policy",
                env,
                setting(_S3_ENDPOINT, policy=None),
            ),
            plan_twin(
                f"{env}-s3-gateway-endpoint-any-bucket",
                "outside this environment's buckets",
                env,
                statement(_S3_ENDPOINT, _S3_SID, lambda s: s.update(Resource="*")),
            ),
            plan_twin(
                f"{env}-s3-gateway-endpoint-{other}-buckets",
                "outside this environment's buckets",
                env,
                statement(
                    _S3_ENDPOINT,
                    _S3_SID,
                    lambda s, other=other: s.update(Resource=[f"arn:aws:s3:::smartstack-{other}-*"]),
                ),
            ),
            plan_twin(
                f"{env}-s3-gateway-endpoint-any-account-buckets",
                "reaches resources outside",
                env,
                _without_condition("aws:ResourceAccount"),
            ),
            plan_twin(
                f"{env}-s3-gateway-endpoint-any-principal",
                "admits principals outside",
                env,
                _without_condition("aws:PrincipalAccount"),
            ),
        ]
    return twins


def _app_route_to_nat(plan: Plan) -> None:
    rc = add_resource(
        plan,
        'module.network.aws_route.app_nat["us-east-1b"]',
        "aws_route",
        {"destination_cidr_block": "0.0.0.0/0"},
        module="module.network",
    )
    rc["index"] = "us-east-1b"


@rule(
    "contract.network-reachability",
    "contracts",
    "Every ingress names its source, open egress is reviewed, the app subnets route to the internet "
    "only for it, every endpoint (gateway ones included) has an account-scoped policy, S3's limited to "
    "the environment's buckets, and interface endpoints are placed where their service is",
    severity="critical",
    resource_types=(
        "aws_iam_role_policy",
        "aws_route",
        "aws_security_group",
        "aws_subnet",
        "aws_vpc_endpoint",
        "aws_vpc_endpoint_service",  # the data source of each service's zones
        "aws_vpc_security_group_egress_rule",
        "aws_vpc_security_group_ingress_rule",
    ),
    twins=(
        plan_twin(
            "database-open-to-anywhere",
            "ingress from anywhere",
            "prod",
            setting(
                "module.data.aws_vpc_security_group_ingress_rule.postgres_from_app", cidr_ipv4="0.0.0.0/0"
            ),
        ),
        plan_twin(
            "functions-egress-to-the-internet",
            "not on the reviewed list",
            "dev",
            setting(
                'module.compute.aws_vpc_security_group_egress_rule.https["interface-endpoints"]',
                cidr_ipv4="0.0.0.0/0",
            ),
        ),
        plan_twin(
            "endpoint-without-policy", "no endpoint policy", "staging", setting(_SQS_ENDPOINT, policy=None)
        ),
        plan_twin(
            "endpoint-for-any-account",
            "admits principals outside",
            "prod",
            setting(
                _SQS_ENDPOINT,
                policy=json.dumps(
                    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
                ),
            ),
        ),
        plan_twin(
            "app-subnets-route-to-a-nat", "routes the app subnets to the internet", "prod", _app_route_to_nat
        ),
        plan_twin(
            "endpoint-in-every-zone",
            "not chosen from the service's zones",
            "dev",
            config_edit(
                "module.network.aws_vpc_endpoint.interface",
                lambda e: e.update(subnet_ids={"references": ["aws_subnet.app"]}),
            ),
        ),
        *_gateway_endpoint_twins(),
    ),
)
def network_reachability(ctx: PolicyContext) -> list[str]:
    """No ingress from anywhere (the database only from the function security group); egress to
    0.0.0.0/0 only on the reviewed list, and a default route from the app subnets only when such
    egress needs one; every endpoint, interface or gateway, carries a policy limiting it to this
    account's principals, a gateway endpoint also to this account's resources and, for S3, to this
    environment's buckets (plus the reviewed AWS-owned ones, none today); interface endpoint subnets come
    from the service's own zone list (aws_vpc_endpoint_service)."""
    return _ingress_findings(ctx) + _egress_findings(ctx) + _endpoint_findings(ctx)


def _ingress_findings(ctx: PolicyContext) -> list[str]:
    """No ingress from anywhere or from an unnamed source; the database only from a security group."""
    problems = []
    for ingress in ctx.of_type("aws_vpc_security_group_ingress_rule"):
        if _open(ingress):
            problems.append(f"{ingress.address}: ingress from anywhere")
        elif not (ingress.get("cidr_ipv4") or ctx.is_configured(ingress, "referenced_security_group_id")):
            problems.append(f"{ingress.address}: ingress without a named source")
    for sg in ctx.of_type("aws_security_group"):
        for inline in sg.get("ingress") or []:
            if set(inline.get("cidr_blocks") or []) & set(OPEN):
                problems.append(f"{sg.address}: inline ingress from anywhere")
    for db_rule in ctx.of_type("aws_vpc_security_group_ingress_rule"):
        groups = {i.address for i in ctx.resolved_instances(db_rule, "security_group_id")}
        if any(".aws_security_group.db" in g for g in groups):
            sources = ctx.resolved_types(db_rule, "referenced_security_group_id")
            if sources != {"aws_security_group"} or db_rule.get("cidr_ipv4"):
                problems.append(
                    f"{db_rule.address}: the database admits a source other than a security group"
                )
    return problems


def _egress_findings(ctx: PolicyContext) -> list[str]:
    """Open egress only on the reviewed list; a default route from the app subnets only when it needs one."""
    problems = []
    reviewed_open = []
    for egress in ctx.of_type("aws_vpc_security_group_egress_rule"):
        if _open(egress) and egress.config_address not in REVIEWED_OPEN_EGRESS:
            problems.append(f"{egress.address}: egress to anywhere is not on the reviewed list")
        elif _open(egress):
            reviewed_open.append(egress)
    if not reviewed_open:
        problems += [
            f"{route.address}: routes the app subnets to the internet although no reviewed egress needs "
            "it (a path only a compromised function would use)"
            for route in ctx.of_type("aws_route")
            if route.get("destination_cidr_block") in OPEN
            and any(tier(table) == "app" for table in ctx.resolved_instances(route, "route_table_id"))
        ]
    return problems


def _endpoint_findings(ctx: PolicyContext) -> list[str]:
    """Every endpoint's policy, a gateway's scope, an interface endpoint's subnets from its service."""
    problems = []
    for endpoint in ctx.of_type("aws_vpc_endpoint"):
        problems += _endpoint_policy_findings(ctx, endpoint)
        if endpoint.get("vpc_endpoint_type") in (None, "Gateway"):  # the provider's default: Gateway
            problems += _gateway_endpoint_scope_findings(ctx, endpoint)
        if endpoint.get("vpc_endpoint_type") != "Interface":
            continue
        sources = ctx.resolve_attr(endpoint, "subnet_ids")
        if not any("aws_vpc_endpoint_service" in source for source in sources):
            problems.append(
                f"{endpoint.address}: subnet_ids are not chosen from the service's zones "
                f"(aws_vpc_endpoint_service); they come from {sorted(sources)}"
            )
    return problems


# ---------------------------------------------------------------------- names the code reads
# Read by the code, provided by the Lambda runtime itself.
LAMBDA_RUNTIME_PROVIDED = {"AWS_REGION", "AWS_DEFAULT_REGION"}
# Read by the code only in a mode the deployed functions do not run in.
CONDITIONAL_READS = {"DB_SECRET_ARN": "read only with DB_AUTH_MODE=secret (the migration operator's mode)"}
# Set by Terraform, read by a library rather than by our code.
READ_BY_LIBRARIES = {
    "POWERTOOLS_LOG_LEVEL": "Powertools Logger",
    "POWERTOOLS_SERVICE_NAME": "Powertools",
    "POWERTOOLS_METRICS_NAMESPACE": "Powertools Metrics",
}


def _function_code(function: Instance) -> tuple[str, ...] | None:
    filename = function.get("filename")
    stem = Path(filename).stem if isinstance(filename, str) else None
    spec = next((s for s in packaging.FUNCTIONS if s.name == stem), None)
    return spec.source_packages if spec else None


def _secret_uses(
    ctx: PolicyContext,
    function: Instance,
    variables: dict[str, Any],
    secrets: set[Any],
    readers: dict[str, set[str]],
    granted: dict[str, set[str]],
) -> list[str]:
    """Records which secrets the function's settings name (its readers) and its role may read (granted);
    returns the names that are not planned secrets."""
    problems = []
    patterns = [r for rs in _secret_readers(ctx, function).values() for r in rs]
    for name, value in sorted(variables.items()):
        if not name.endswith("_SECRET_NAME"):
            continue
        readers.setdefault(value, set()).add(function.address)
        if value not in secrets:
            problems.append(f"{function.address}: {name}={value} is not a planned secret")
    for secret in secrets:
        if any(f":secret:{secret}-" in pattern for pattern in patterns):
            granted.setdefault(secret, set()).add(function.address)
    return problems


def _secret_readers(ctx: PolicyContext, function: Instance) -> dict[str, list[str]]:
    """Secret ARN patterns the function's role policy grants GetSecretValue on."""
    grants: dict[str, list[str]] = {}
    for policy in ctx.of_type("aws_iam_role_policy"):
        if policy.module != function.module or policy.index != function.index or policy.is_unknown("policy"):
            continue
        for stmt in json.loads(policy.get("policy") or "{}").get("Statement", []):
            actions = stmt.get("Action") if isinstance(stmt.get("Action"), list) else [stmt.get("Action")]
            if stmt.get("Effect") == "Allow" and "secretsmanager:GetSecretValue" in actions:
                resources = stmt["Resource"] if isinstance(stmt["Resource"], list) else [stmt["Resource"]]
                grants.setdefault(function.address, []).extend(resources)
    return grants


AI_RUNTIME = "functions/ai/smartstack_ai/runtime.py"


@rule(
    "contract.names-the-code-reads-exist",
    "contracts",
    "Each function gets exactly the settings its code reads; its parameters and secrets exist and only "
    "their readers are granted them",
    severity="high",
    resource_types=(
        "aws_iam_role_policy",
        "aws_lambda_function",
        "aws_secretsmanager_secret",
        "aws_ssm_parameter",
    ),
    twins=(
        plan_twin(
            "setting-the-code-reads-not-set",
            "the code reads AI_TIMEOUT_SECONDS, which is not set",
            "staging",
            variables("worker", lambda v: v.pop("AI_TIMEOUT_SECONDS")),
        ),
        plan_twin(
            "setting-nobody-reads",
            "SMARTSTACK_ENV is set but no code of it reads it",
            "dev",
            variables("ai", lambda v: v.update(SMARTSTACK_ENV="dev")),
        ),
        plan_twin(
            "parameter-the-code-reads-not-planned",
            "reads parameter /smartstack/prod/api/max-page-size",
            "prod",
            without(lambda rc: rc["change"]["after"].get("name") == "/smartstack/prod/api/max-page-size"),
        ),
        plan_twin(
            "secret-granted-to-a-role-that-never-reads-it",
            "but granted to",
            "dev",
            statement(
                'module.compute.aws_iam_role_policy.this["ai"]',
                "ReadNamedSecrets",
                lambda s: s.update(
                    Resource=[
                        *s["Resource"],
                        "arn:aws:secretsmanager:us-east-1:1:secret:smartstack-dev/link-signing-key-??????",
                    ]
                ),
            ),
        ),
        tree_twin(  # the code's side: the AI runtime starts reading a setting Terraform does not pass
            "code-reads-a-new-setting",
            "NEW_SETTING, which is not set",
            "prod",
            append_to(AI_RUNTIME, '\n\ndef extra() -> str:\n    return require_env("NEW_SETTING")\n'),
            parts=("functions",),
        ),
    ),
)
def names_the_code_reads_exist(ctx: PolicyContext) -> list[str]:
    """The code's side is read from the function source (environment and parameter reads, through the
    shared definitions each function uses); the zip a function deploys says which code it runs."""
    problems = []
    parameters = {p.get("name") for p in ctx.of_type("aws_ssm_parameter")}
    secrets = {s.get("name") for s in ctx.of_type("aws_secretsmanager_secret")}
    readers: dict[str, set[str]] = {}
    granted: dict[str, set[str]] = {}
    functions = ctx.of_type("aws_lambda_function")
    rotated = rotated_secret_names(ctx)
    for function in functions:
        code = _function_code(function)
        if code is None:
            problems.append(f"{function.address}: its zip is not one packaging builds; its code is unknown")
            continue
        later = first(function.unknown.get("environment")).get("variables") or {}
        if later is True:
            # The real provider leaves the whole map unknown when any value is (e.g. the queue URL):
            # its names cannot be read here; the stand-in's plan (make check, the suite) decides them.
            continue
        reads = code_facts.function_reads(code, ctx.repo / "functions")
        variables = first(function.get("environment")).get("variables") or {}
        names = set(variables) | {k for k, unknown in later.items() if unknown is True}
        for name in sorted(reads.env - names - LAMBDA_RUNTIME_PROVIDED - set(CONDITIONAL_READS)):
            problems.append(f"{function.address}: the code reads {name}, which is not set")
        for name in sorted(names - reads.env - set(READ_BY_LIBRARIES)):
            problems.append(f"{function.address}: {name} is set but no code of it reads it")
        path = str(variables.get("PARAMETER_PATH", "")).rstrip("/")
        for parameter in sorted(reads.parameters):
            if f"{path}/{parameter}" not in parameters:
                problems.append(
                    f"{function.address}: reads parameter {path}/{parameter}, which is not planned"
                )
        problems += _secret_uses(ctx, function, variables, secrets, readers, granted)
        if code[-1] == ROTATE_PACKAGE:  # Secrets Manager names the secret in each rotation's event
            for name in rotated:
                readers.setdefault(name, set()).add(function.address)
    for secret in sorted(secrets & (set(readers) | set(granted))):
        if readers.get(secret, set()) != granted.get(secret, set()):
            problems.append(
                f"secret {secret}: read by {sorted(readers.get(secret, set()))} but granted to "
                f"{sorted(granted.get(secret, set()))}"
            )
    return problems


# ---------------------------------------------------------------------- dashboard
def _dashboard_metrics(dashboard: Instance) -> list[tuple[str, ...]]:
    """Each metric line of a dashboard as (namespace, metric, dimension pairs...), without render options."""
    widgets = json.loads(dashboard.get("dashboard_body") or "{}").get("widgets", [])
    return [
        tuple(str(part) for part in line if not isinstance(part, dict))
        for widget in widgets
        for line in widget.get("properties", {}).get("metrics", [])
    ]


def _alarm_metric(alarm: Instance) -> tuple[str, ...]:
    pairs = [part for key, value in (alarm.get("dimensions") or {}).items() for part in (key, value)]
    return (alarm.get("namespace"), alarm.get("metric_name"), *pairs)


_DASHBOARD = "module.observability.aws_cloudwatch_dashboard.this"


@rule(
    "contract.dashboard-shows-what-is-deployed",
    "contracts",
    "The environment's dashboard shows every alarm's metric, and the queue and web ACLs it names exist",
    severity="low",
    resource_types=(
        "aws_cloudwatch_dashboard",
        "aws_cloudwatch_metric_alarm",
        "aws_sqs_queue",
        "aws_wafv2_web_acl",
    ),
    twins=(
        plan_twin(
            "dashboard-without-an-alarm",
            "smartstack-staging-rds-cpu-high is not on the dashboard",
            "staging",
            setting(
                _DASHBOARD,
                dashboard_body=json.dumps({"widgets": [{"type": "metric", "properties": {"metrics": []}}]}),
            ),
        ),
        plan_twin(
            "dashboard-on-a-renamed-acl",
            "names web ACL 'smartstack-prod-old-cdn'",
            "prod",
            setting(
                _DASHBOARD,
                dashboard_body=json.dumps(
                    {
                        "widgets": [
                            {
                                "type": "metric",
                                "properties": {
                                    "metrics": [
                                        [
                                            "AWS/WAFV2",
                                            "BlockedRequests",
                                            "WebACL",
                                            "smartstack-prod-old-cdn",
                                            "Rule",
                                            "ALL",
                                        ]
                                    ]
                                },
                            }
                        ]
                    }
                ),
            ),
        ),
    ),
)
def dashboard_shows_what_is_deployed(ctx: PolicyContext) -> list[str]:
    """A dashboard is read in an incident: a metric it lacks is looked for elsewhere, and a queue or web
    ACL it names under an old name shows a flat line that reads as "all quiet"."""
    problems = []
    queues = {q.get("name") for q in ctx.of_type("aws_sqs_queue")}
    acls = {a.get("name") for a in ctx.of_type("aws_wafv2_web_acl")}
    for dashboard in ctx.of_type("aws_cloudwatch_dashboard"):
        shown = _dashboard_metrics(dashboard)
        for alarm in ctx.of_type("aws_cloudwatch_metric_alarm"):
            if _alarm_metric(alarm) not in shown:
                problems.append(
                    f"{dashboard.address}: alarm {alarm.get('alarm_name')} is not on the dashboard"
                )
        for line in (m for m in shown if m):  # an expression-only line (SEARCH) names no resource
            named = dict(zip(line[2::2], line[3::2], strict=False))
            if line[0] == "AWS/SQS" and named.get("QueueName") not in queues:
                problems.append(f"{dashboard.address}: names queue {named.get('QueueName')!r}, not planned")
            if line[0] == "AWS/WAFV2" and named.get("WebACL") not in acls:
                problems.append(f"{dashboard.address}: names web ACL {named.get('WebACL')!r}, not planned")
    return problems
