"""The rules judge a plan against existing infrastructure as they judge a first one: once resources exist,
values that were unknown at their creation (ARNs, AWS-given names, policies fed by apply-time ids) are
known, and none of that is a finding. (make apply refuses any plan a rule fails; the smoke tier plans
against what `make up` applied, tests/smoke/test_applied_saved_plan.py.)"""

from __future__ import annotations

import copy
import json

from smartstack_tooling import policy
from smartstack_tooling.policy.rules_iam import secret_findings
from smartstack_tooling.policy.twins import change, set_after

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:smartstack-dev/link-signing-key-AbCdEf"


def verdict(env_raw_plans, mutate, rule_id: str) -> tuple[str, ...]:
    plan = copy.deepcopy(env_raw_plans["dev"])
    mutate(plan)
    (result,) = policy.evaluate(policy.context_for_env("dev", plan), [rule_id])
    assert result.error is None
    return result.violations


def existing(plan, address: str, **known) -> None:
    """The resource at ``address`` exists already: nothing to do, its values known."""
    set_after(plan, address, **known)
    change(plan, address)["actions"] = ["no-op"]


def test_a_known_secret_arn_is_a_name_not_a_secret_value():
    assert secret_findings("output", "secret_arns.link-signing-key", SECRET_ARN) == []
    assert secret_findings("output", "dsn", "postgres://app:pw@db/x"), "a credential in a URL still is one"


def test_a_reviewed_unknown_policy_of_an_existing_resource_is_not_stale(env_raw_plans):
    web_policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    violations = verdict(
        env_raw_plans,
        lambda plan: existing(
            plan, "module.storage.module.web_bucket.aws_s3_bucket_policy.this", policy=web_policy
        ),
        "plan-visibility.unknown-policies-reviewed",
    )
    assert violations == ()


def test_names_aws_gives_existing_resources_are_not_unprefixed(env_raw_plans):
    def applied(plan) -> None:
        existing(
            plan,
            "module.api.module.execution_logs.aws_cloudwatch_log_group.this",
            name="API-Gateway-Execution-Logs_cnxen5ujcb/v1",
        )
        existing(plan, "module.network.aws_default_security_group.this", name="default")

    assert verdict(env_raw_plans, applied, "isolation.names-prefixed-per-env") == ()
    renamed = verdict(
        env_raw_plans,
        lambda plan: existing(
            plan, "module.api.module.execution_logs.aws_cloudwatch_log_group.this", name="my-api-logs"
        ),
        "isolation.names-prefixed-per-env",
    )
    assert renamed and "lacks smartstack-dev" in renamed[0]
