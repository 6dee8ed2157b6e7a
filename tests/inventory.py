"""Plan inventories, as in Cloud Foundation Fabric: a YAML file beside a test root states what its plan must
hold, and one fixture (``plan_validator`` in tests/conftest.py) checks it.

    counts:   resource type -> number of planned instances (every type the plan has, exactly)
    values:   resource address -> planned attributes (a subset: unlisted attributes are not compared;
              nested maps compare as subsets too, lists element by element)
    outputs:  output name -> planned value (known outputs only)

Start an inventory from a plan with ``python -m tests.inventory tests/modules/<module>``, then trim it to
what the module promises for the root's inputs. An environment's (tests/envs/inventories/<env>.yaml) is
``python -m tests.inventory --env envs/<env>``: every count, the ENV_TYPES' settings and the known outputs.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

# What a starting inventory lists per resource: the attributes that carry a module's promises.
PROMISE_KEYS = (
    "name", "name_prefix", "bucket", "description", "runtime", "architectures", "memory_size", "timeout",
    "handler", "engine", "engine_version", "instance_class", "multi_az", "storage_encrypted",
    "deletion_protection", "backup_retention_period", "publicly_accessible",
    "iam_database_authentication_enabled",
    "retention_in_days", "enable_key_rotation", "deletion_window_in_days", "kms_master_key_id",
    "kms_data_key_reuse_period_seconds", "message_retention_seconds", "visibility_timeout_seconds",
    "sqs_managed_sse_enabled", "redrive_policy", "recovery_window_in_days", "type", "tier", "cidr_block",
    "map_public_ip_on_launch", "vpc_endpoint_type", "private_dns_enabled", "service_name", "scope",
    "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets",
    "sse_algorithm", "viewer_protocol_policy", "minimum_protocol_version", "price_class", "enabled",
    "metric_name", "threshold", "comparison_operator", "evaluation_periods", "protocol", "batch_size",
    "maximum_batching_window_in_seconds", "function_response_types", "signing_algorithm_spec",
    "key_spec", "key_usage", "authorization_type", "endpoint_configuration", "tracing_enabled",
    "xray_tracing_enabled", "reserved_concurrent_executions",
)  # fmt: skip


def _planned(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        change
        for change in plan.get("resource_changes", [])
        if change.get("mode") == "managed" and change["change"]["actions"] != ["delete"]
    ]


def _subset_problems(expected: Any, actual: Any, where: str) -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a map, planned {json.dumps(actual)[:200]}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: expected {json.dumps(value)[:200]}, not planned")
            else:
                problems += _subset_problems(value, actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {json.dumps(expected)[:200]}, planned {json.dumps(actual)[:200]}"]
        pairs = enumerate(zip(expected, actual, strict=True))
        return [p for i, (e, a) in pairs for p in _subset_problems(e, a, f"{where}[{i}]")]
    if expected != actual:
        return [f"{where}: expected {json.dumps(expected)[:200]}, planned {json.dumps(actual)[:200]}"]
    return []


def problems(plan: dict[str, Any], inventory: dict[str, Any]) -> list[str]:
    """Where the plan departs from the inventory (empty: it matches)."""
    unknown_keys = set(inventory) - {"counts", "values", "outputs"}
    found = [f"inventory has unknown sections {sorted(unknown_keys)}"] if unknown_keys else []
    planned = _planned(plan)
    counts = dict(Counter(change["type"] for change in planned))
    expected_counts = inventory.get("counts", {})
    for rtype in sorted(set(counts) | set(expected_counts)):
        if counts.get(rtype, 0) != expected_counts.get(rtype, 0):
            found.append(
                f"counts.{rtype}: expected {expected_counts.get(rtype, 0)}, planned {counts.get(rtype, 0)}"
            )
    by_address = {change["address"]: change["change"].get("after") or {} for change in planned}
    for address, values in (inventory.get("values") or {}).items():
        if address not in by_address:
            found.append(f"values.{address}: not planned")
        else:
            found += _subset_problems(values, by_address[address], f"values.{address}")
    outputs = {
        name: out.get("value") for name, out in plan.get("planned_values", {}).get("outputs", {}).items()
    }
    for name, value in (inventory.get("outputs") or {}).items():
        if name not in outputs:
            found.append(f"outputs.{name}: not planned (or unknown until apply)")
        else:
            found += _subset_problems(value, outputs[name], f"outputs.{name}")
    return found


def starting_inventory(plan: dict[str, Any]) -> dict[str, Any]:
    """Every count, and per resource the PROMISE_KEYS it plans with a known value: to be trimmed by hand."""
    planned = _planned(plan)
    values = {}
    for change in sorted(planned, key=lambda c: c["address"]):
        after, unknown = change["change"].get("after") or {}, change["change"].get("after_unknown") or {}
        chosen = {
            key: after[key]
            for key in PROMISE_KEYS
            if after.get(key) not in (None, "", [], {}) and unknown.get(key) is not True
        }
        if chosen:
            values[change["address"]] = chosen
    return {"counts": dict(sorted(Counter(c["type"] for c in planned).items())), "values": values}


# The resource types whose settings make an environment dev, staging or prod (sizes, zones, protection,
# retention, names): an env inventory lists their PROMISE_KEYS; every other type is counted only.
ENV_TYPES = frozenset(
    {
        "aws_api_gateway_authorizer", "aws_api_gateway_method_settings", "aws_cloudfront_distribution",
        "aws_cloudwatch_log_group", "aws_codedeploy_deployment_group", "aws_db_instance",
        "aws_db_parameter_group", "aws_kms_key", "aws_lambda_event_source_mapping", "aws_lambda_function",
        "aws_nat_gateway", "aws_route53_zone", "aws_s3_bucket", "aws_secretsmanager_secret",
        "aws_sesv2_email_identity", "aws_sns_topic", "aws_sqs_queue", "aws_subnet", "aws_vpc",
        "aws_vpc_endpoint", "aws_wafv2_web_acl",
    }
)  # fmt: skip


def env_inventory(plan: dict[str, Any]) -> dict[str, Any]:
    """An environment's starting inventory: every count, ENV_TYPES' settings, the outputs known at plan."""
    found = starting_inventory(plan)
    types = {change["address"]: change["type"] for change in _planned(plan)}
    found["values"] = {a: v for a, v in found["values"].items() if types[a] in ENV_TYPES}
    outputs = plan.get("planned_values", {}).get("outputs", {})
    found["outputs"] = {
        name: out["value"]
        for name, out in outputs.items()
        if out.get("value") is not None and not out.get("sensitive")
    }
    return found


def main(argv: list[str]) -> int:
    """Plan a root with the offline stand-in and print a starting inventory (YAML) for it."""
    import yaml
    from smartstack_tooling.harness import plan_store, roots

    env = argv[:1] == ["--env"]
    argv = argv[1:] if env else argv
    if len(argv) != 1:
        print("usage: python -m tests.inventory [--env] <root directory>", file=sys.stderr)
        return 2
    root = roots.prepare(Path(argv[0]), "offline", label=f"inventory-{Path(argv[0]).name}")
    plan = plan_store.plan(root, []).plan
    if env:
        name = Path(argv[0]).name
        print(
            f"# What envs/{name} plans with its terraform.tfvars (offline stand-in): every resource type's\n"
            "# count, the settings that make it this environment, and the outputs known at plan\n"
            "# (tests/envs/test_env_inventories.py). Regenerate, then read the diff:\n"
            f"# python -m tests.inventory --env envs/{name} > tests/envs/inventories/{name}.yaml"
        )
    print(yaml.safe_dump((env_inventory if env else starting_inventory)(plan), sort_keys=False, width=110))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
