"""Policies a plan cannot show: listed by name, and their content proven where it can be known.

Five configured policy values are unknown in the environment plans because they embed identifiers AWS
assigns at apply (a distribution ARN, a DbiResourceId, the master secret's ARN, a REST API id). The rule
plan-visibility.unknown-policies-reviewed keeps that list closed; here the list is pinned, and the
identity and bucket policy documents are planned through their module test roots with literal stand-ins
for those ids, so the statement rules run on their full content.
"""

from __future__ import annotations

import json

import pytest
from smartstack_tooling import policy
from smartstack_tooling.policy import PolicyContext
from smartstack_tooling.policy.rules_protection import REVIEWED_UNKNOWN_POLICIES, unknown_policies

from tests.conftest import ENVIRONMENTS, REPO

EXPECTED_UNKNOWN = {
    "module.storage.module.web_bucket.aws_s3_bucket_policy.this.policy",
    "module.compute.aws_iam_role_policy.rds_connect.policy",
    "module.compute.aws_iam_role_policy.schema_owner_secret.policy",
    "module.api.aws_lambda_permission.api.source_arn",
    "module.api.aws_lambda_permission.authorizer.source_arn",
}
STATEMENT_RULES = [
    "iam-only.resource-policy-principals",
    "iam-only.no-wildcard-actions",
    "iam-only.resource-star-allow-list",
    "iam-only.bedrock-named-models",
    "encryption.s3-tls-only",
]


def test_reviewed_list_is_the_expected_set() -> None:
    assert set(REVIEWED_UNKNOWN_POLICIES) == EXPECTED_UNKNOWN


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_unknown_policies_per_env(env: str, env_contexts) -> None:
    assert set(unknown_policies(env_contexts[env])) == EXPECTED_UNKNOWN


def _module_context(plan_root, module: str) -> PolicyContext:
    root = REPO / "tests" / "modules" / module
    return PolicyContext(plan_root(root).json, "staging", root)


def _policy(ctx: PolicyContext, address: str) -> dict:
    inst = next(i for i in ctx.instances if i.address == address)
    assert not inst.is_unknown("policy"), f"{address} is still unknown in the module test root"
    return json.loads(inst.get("policy"))


def test_web_bucket_policy_content(plan_root) -> None:
    ctx = _module_context(plan_root, "storage")
    for result in policy.evaluate(ctx, STATEMENT_RULES):
        assert result.passed and result.error is None, (result.rule.id, result.violations, result.error)
    doc = _policy(ctx, "module.storage.module.web_bucket.aws_s3_bucket_policy.this")
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    assert set(by_sid) == {"DenyInsecureTransport", "CloudFrontOacReadOnly", "CloudFrontOacNotFound"}
    bucket = "arn:aws:s3:::smartstack-staging-web-123456789012-us-east-1"
    # Read objects, and list only so that unknown keys answer 404 (the edge has no custom error pages).
    for sid, action, resource in (
        ("CloudFrontOacReadOnly", "s3:GetObject", f"{bucket}/*"),
        ("CloudFrontOacNotFound", "s3:ListBucket", bucket),
    ):
        statement = by_sid[sid]
        assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert (statement["Action"], statement["Resource"]) == (action, resource)
        assert statement["Condition"] == {
            "StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1ABCDEFGHIJKL"}
        }


def test_rds_connect_policy_content(plan_root) -> None:
    ctx = _module_context(plan_root, "compute")
    for result in policy.evaluate(ctx, STATEMENT_RULES):
        assert result.passed and result.error is None, (result.rule.id, result.violations, result.error)
    for fn in ("api", "ai"):
        doc = _policy(ctx, f'module.compute.aws_iam_role_policy.rds_connect["{fn}"]')
        (stmt,) = doc["Statement"]
        assert stmt["Effect"] == "Allow" and stmt["Action"] == "rds-db:connect"
        assert stmt["Resource"].startswith(
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/"
        ), stmt["Resource"]
        assert "*" not in stmt["Resource"]


def test_schema_owner_secret_policy_content(plan_root) -> None:
    ctx = _module_context(plan_root, "compute")
    doc = _policy(ctx, 'module.compute.aws_iam_role_policy.schema_owner_secret["migrate"]')
    read, decrypt = doc["Statement"]
    assert (read["Action"], read["Resource"]) == (
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9-AbCdEf",
    )
    assert (decrypt["Action"], decrypt["Resource"]) == (
        "kms:Decrypt",
        "arn:aws:kms:us-east-1:123456789012:key/66666666-7777-8888-9999-000000000000",
    )
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
    }
