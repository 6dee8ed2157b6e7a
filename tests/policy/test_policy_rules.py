"""Every policy rule on every environment's plan, and every rule's broken twin.

The rules live in smartstack_tooling.policy (shared with `make plan` and `make check`). Each rule must
pass on dev, staging and prod, and must FAIL on at least one deliberately broken input: a mutated copy
of an environment's plan JSON (planned values or `configuration` references), a mutated copy of the
source tree, or a small broken root under tests/policy/broken/ planned through the offline stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from smartstack_tooling import policy
from smartstack_tooling.policy import PolicyContext

from tests.conftest import ENVIRONMENTS, REPO
from tests.policy.conftest import (
    BROKEN,
    add_resource,
    change,
    config_resource,
    context,
    copy_plan,
    drop,
    set_after,
    set_policy,
)

RULE_IDS = list(policy.RULES)
# Each rule on each environment whose profile requires it (Rule.envs, from envs/profiles.json).
APPLICABLE = [
    (rule_id, env) for rule_id in RULE_IDS for env in ENVIRONMENTS if env in policy.RULES[rule_id].envs
]


@pytest.mark.parametrize(("rule_id", "env"), APPLICABLE)
def test_rule(rule_id: str, env: str, env_results) -> None:
    result = env_results[env][rule_id]
    assert result.error is None, result.error
    assert result.passed, "\n".join(result.violations)


# ---------------------------------------------------------------------- broken twins
@dataclass(frozen=True)
class Twin:
    rule_id: str
    name: str
    build: Callable[..., PolicyContext]  # (raw_plans, plan_root, tmp_path) -> broken context
    expect: str  # a fragment the rule's violation must contain

    @property
    def id(self) -> str:
        return f"{self.rule_id}--{self.name}"


TWINS: list[Twin] = []


def twin(rule_id: str, name: str, expect: str):
    """Register a twin built by the decorated (raw_plans, plan_root, tmp_path) -> PolicyContext."""

    def register(fn: Callable[..., PolicyContext]) -> Callable[..., PolicyContext]:
        TWINS.append(Twin(rule_id, name, fn, expect))
        return fn

    return register


def mutated(raw: dict[str, dict], env: str, *mutations: Callable[[dict], Any], **kw: Any) -> PolicyContext:
    plan = copy_plan(raw[env])
    for mutate in mutations:
        mutate(plan)
    return context(env, plan, **kw)


def plan_twin(rule_id: str, name: str, expect: str, env: str, *mutations: Callable[[dict], Any]) -> None:
    """Register a twin: a copy of ``env``'s plan with ``mutations`` applied in place."""
    TWINS.append(Twin(rule_id, name, lambda raw, plan_root, tmp_path: mutated(raw, env, *mutations), expect))


def mutation_twin(rule_id: str, name: str, expect: str, env: str):
    """Decorator form of plan_twin for a mutation that needs a body of its own."""

    def register(mutate: Callable[[dict], Any]) -> Callable[[dict], Any]:
        plan_twin(rule_id, name, expect, env, mutate)
        return mutate

    return register


def after_twin(rule_id: str, name: str, expect: str, env: str, address: str, **values: Any) -> None:
    """Register a twin: ``env``'s plan with planned ``values`` set on the resource at ``address``."""
    plan_twin(rule_id, name, expect, env, lambda p: set_after(p, address, **values))


def _stmt(plan: dict, address: str, sid: str, mutate: Callable[[dict], None]) -> None:
    def apply(doc: dict) -> None:
        stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        mutate(next(s for s in stmts if s.get("Sid") == sid))

    set_policy(plan, address, apply)


def statement_twin(
    rule_id: str, name: str, expect: str, env: str, address: str, sid: str, mutate: Callable[[dict], None]
) -> None:
    """Register a twin: ``env``'s plan with statement ``sid`` of the policy at ``address`` mutated."""
    plan_twin(rule_id, name, expect, env, lambda p: _stmt(p, address, sid, mutate))


def broken_root(plan_root, name: str, env: str = "dev", account: str = "111111111111") -> PolicyContext:
    out = plan_root(BROKEN / name)
    return context(env, out._raw, root=BROKEN / name, account=account)


def root_twin(rule_id: str, name: str, expect: str, root: str) -> None:
    """Register a twin: the small broken root tests/policy/broken/<root>, planned."""
    TWINS.append(Twin(rule_id, name, lambda raw, plan_root, tmp_path: broken_root(plan_root, root), expect))


def swapped_twin(rule_id: str, name: str, expect: str, env: str, plan_of: str) -> None:
    """Register a twin: ``plan_of``'s plan checked as if it were ``env``'s."""
    TWINS.append(
        Twin(rule_id, name, lambda raw, plan_root, tmp_path: context(env, copy_plan(raw[plan_of])), expect)
    )


def _copy_tree(raw: dict, tmp_path, env: str, edit: Callable[[Any], None]) -> PolicyContext:
    """The repository's envs/ and modules/ copied under tmp_path, edited, with the env plan pointed there."""
    import shutil

    from tests.conftest import REPO

    for part in ("envs", "modules"):
        shutil.copytree(REPO / part, tmp_path / part, ignore=shutil.ignore_patterns(".terraform*"))
    edit(tmp_path)
    return context(env, copy_plan(raw[env]), root=tmp_path / "envs" / env, repo=tmp_path)


def tree_twin(rule_id: str, name: str, expect: str, env: str):
    """Decorator: a twin whose source tree (envs/ and modules/ copied) is edited by the decorated function."""

    def register(edit: Callable[[Any], None]) -> Callable[[Any], None]:
        TWINS.append(
            Twin(rule_id, name, lambda raw, plan_root, tmp_path: _copy_tree(raw, tmp_path, env, edit), expect)
        )
        return edit

    return register


# ---- subnet placement
root_twin(
    "subnet-placement.lambda-private-app-subnets",
    "lambda-on-public-subnets-root",
    "non-app subnets",
    "placement",
)


@mutation_twin(
    "subnet-placement.lambda-private-app-subnets",
    "compute-wired-to-public-subnets",
    "non-app subnets",
    "prod",
)
def _(plan):
    call = plan["configuration"]["root_module"]["module_calls"]["compute"]
    call["expressions"]["app_subnet_ids"] = {
        "references": ["module.network.public_subnet_ids", "module.network"]
    }


@mutation_twin(
    "subnet-placement.lambda-private-app-subnets", "lambda-without-vpc-config", "no vpc_config", "staging"
)
def _(plan):
    config_resource(plan, "module.compute.aws_lambda_function.this")["expressions"].pop("vpc_config")


root_twin(
    "subnet-placement.rds-private-data-subnets",
    "db-subnet-group-on-public-subnets-root",
    "non-data subnets",
    "placement",
)


@mutation_twin(
    "subnet-placement.rds-private-data-subnets", "data-wired-to-app-subnets", "non-data subnets", "prod"
)
def _(plan):
    call = plan["configuration"]["root_module"]["module_calls"]["data"]
    call["expressions"]["data_subnet_ids"] = {"references": ["module.network.app_subnet_ids"]}


root_twin(
    "subnet-placement.rds-not-publicly-accessible",
    "publicly-accessible-root",
    "publicly_accessible = True",
    "placement",
)
after_twin(
    "subnet-placement.private-subnets-no-igw-no-public-ip",
    "app-subnet-public-ip",
    "map_public_ip_on_launch",
    "prod",
    'module.network.aws_subnet.app["us-east-1b"]',
    map_public_ip_on_launch=True,
)


@mutation_twin(
    "subnet-placement.private-subnets-no-igw-no-public-ip",
    "data-table-routes-to-igw",
    "internet gateway",
    "dev",
)
def _(plan):
    config_resource(plan, "module.network.aws_route.public_internet")["expressions"]["route_table_id"] = {
        "references": ["aws_route_table.data.id", "aws_route_table.data"]
    }


# No env plans a NAT gateway (the VPC endpoints serve every AWS API): the NAT rules are proven on
# envs planned the way a VPC without interface endpoints must be.
def nat_plan(plan_root, env: str, mode: str) -> dict:
    tf_vars = {"enable_interface_endpoints": False, "nat_gateway_mode": mode}
    return copy_plan(plan_root(REPO / "envs" / env, tf_vars=tf_vars)._raw)


@twin("subnet-placement.nat-in-public-subnets", "nat-in-app-subnet", "non-public subnets")
def _(raw, plan_root, tmp_path):
    plan = nat_plan(plan_root, "staging", "per_az")
    config_resource(plan, "module.network.aws_nat_gateway.this")["expressions"]["subnet_id"] = {
        "references": ["aws_subnet.app", "each.key"]
    }
    return context("staging", plan)


@mutation_twin("subnet-placement.tiers-span-two-azs", "data-tier-in-one-zone", "tier 'data' spans", "prod")
def _(plan):
    for rc in plan["resource_changes"]:
        if rc["address"].startswith("module.network.aws_subnet.data["):
            rc["change"]["after"]["availability_zone"] = "us-east-1a"


after_twin(
    "subnet-placement.cidrs-inside-vpc-no-overlap",
    "overlapping-subnets",
    "overlaps",
    "dev",
    'module.network.aws_subnet.data["us-east-1a"]',
    cidr_block="10.0.2.128/25",
)
after_twin(
    "subnet-placement.cidrs-inside-vpc-no-overlap",
    "subnet-outside-vpc",
    "outside the VPC",
    "prod",
    'module.network.aws_subnet.app["us-east-1c"]',
    cidr_block="10.1.8.0/24",
)

# ---- Multi-AZ
after_twin(
    "multi-az.rds-multi-az",
    "staging-single-az",
    "multi_az = false",
    "staging",
    "module.data.aws_db_instance.this",
    multi_az=False,
)
after_twin(
    "multi-az.rds-multi-az",
    "prod-single-az",
    "multi_az = false",
    "prod",
    "module.data.aws_db_instance.this",
    multi_az=False,
)


@mutation_twin(
    "multi-az.db-and-lambda-subnets-two-azs", "app-and-data-subnets-one-zone", "< 2 zones", "staging"
)
def _(plan):
    for rc in plan["resource_changes"]:
        if rc["type"] == "aws_subnet":
            rc["change"]["after"]["availability_zone"] = "us-east-1a"


@twin("multi-az.prod-nat-per-az", "prod-single-nat", "without their own NAT")
def _(raw, plan_root, tmp_path):
    plan = nat_plan(plan_root, "prod", "per_az")
    drop(plan, lambda rc: rc["type"] == "aws_nat_gateway" and rc["index"] != "us-east-1a")
    return context("prod", plan)


@twin("multi-az.prod-nat-per-az", "dev-layout-as-prod", "NAT gateway(s) for 2 zones")
def _(raw, plan_root, tmp_path):
    return context("prod", nat_plan(plan_root, "dev", "single"))


# ---- IAM-only access
@mutation_twin("iam-only.no-iam-users-or-keys", "user-with-access-key", "aws_iam_access_key", "prod")
def _(plan):
    add_resource(plan, "aws_iam_user.deployer", "aws_iam_user", {"name": "smartstack-prod-deployer"})
    add_resource(
        plan, "aws_iam_access_key.deployer", "aws_iam_access_key", {"user": "smartstack-prod-deployer"}
    )


@mutation_twin(
    "iam-only.no-iam-users-or-keys", "login-profile-in-configuration", "aws_iam_user_login_profile", "dev"
)
def _(plan):  # count = 0 in this env: absent from resource_changes, still in the configuration
    plan["configuration"]["root_module"].setdefault("resources", []).append(
        {
            "address": "aws_iam_user_login_profile.ops",
            "mode": "managed",
            "type": "aws_iam_user_login_profile",
            "name": "ops",
            "expressions": {},
            "count_expression": {"constant_value": 0},
        }
    )


@mutation_twin("iam-only.no-secret-values", "password-in-lambda-env", "looks like a secret", "prod")
def _(plan):
    after = change(plan, 'module.compute.aws_lambda_function.this["api"]')["after"]
    after["environment"][0]["variables"]["DB_PASSWORD"] = "hunter2-but-longer"


@twin("iam-only.no-secret-values", "secret-in-tfvars", "looks like a secret")
def _(raw, plan_root, tmp_path):
    import shutil

    root = tmp_path / "envs" / "dev"
    shutil.copytree(context("dev", raw["dev"]).root_dir, root)
    with (root / "terraform.tfvars").open("a") as handle:
        handle.write('\nsigning_key = "c2VjcmV0LXNpZ25pbmcta2V5LXZhbHVlLW9uLXB1cnBvc2U="\n')
    return context("dev", copy_plan(raw["dev"]), root=root)


@mutation_twin("iam-only.no-secret-values", "access-key-in-output", "AWS access key id", "staging")
def _(plan):
    plan["output_changes"]["debug"] = {
        "actions": ["create"],
        "before": None,
        "after": "AKIAIOSFODNN7EXAMPLE",
        "after_unknown": False,
    }


plan_twin(
    "iam-only.no-secret-values",
    "secret-version-managed",
    "lands in state",
    "prod",
    lambda p: add_resource(
        p,
        "module.secrets.aws_secretsmanager_secret_version.x",
        "aws_secretsmanager_secret_version",
        {"secret_string": "x"},
        module="module.secrets",
    ),
)
after_twin(
    "iam-only.rds-iam-auth-managed-password",
    "password-auth",
    "manage_master_user_password",
    "prod",
    "module.data.aws_db_instance.this",
    manage_master_user_password=None,
    iam_database_authentication_enabled=False,
)
statement_twin(
    "iam-only.resource-policy-principals",
    "sqs-star-principal",
    'bare "*" principal',
    "prod",
    "module.messaging.aws_sqs_queue_policy.tasks",
    "ProducerSendsTasks",
    lambda s: s.update(Principal="*"),
)
statement_twin(
    "iam-only.resource-policy-principals",
    "sns-service-without-source",
    "without a source condition",
    "dev",
    "module.observability.aws_sns_topic_policy.alarms",
    "CloudWatchAlarmsOfThisEnvironmentPublish",
    lambda s: s.pop("Condition"),
)
statement_twin(
    "iam-only.resource-policy-principals",
    "kms-foreign-account",
    "is not a role/root of account",
    "staging",
    "module.storage.module.files_key.aws_kms_key.this",
    "KeyAdministrationByAccount",
    lambda s: s.update(Principal={"AWS": "arn:aws:iam::999999999999:root"}),
)
statement_twin(
    "iam-only.resource-policy-principals",
    "tls-deny-turned-allow",
    'bare "*" principal',
    "prod",
    "module.storage.aws_s3_bucket_policy.files",
    "DenyInsecureTransport",
    lambda s: s.update(Effect="Allow"),
)
after_twin(
    "iam-only.resource-policy-principals",
    "lambda-permission-any-principal",
    "is not specific",
    "prod",
    "module.api.aws_lambda_permission.api",
    principal="*",
)
statement_twin(
    "iam-only.no-wildcard-actions",
    "service-star",
    "Allow s3:*",
    "prod",
    'module.compute.aws_iam_role_policy.this["api"]',
    "AttachmentsObjects",
    lambda s: s.update(Action="s3:*"),
)
statement_twin(
    "iam-only.no-wildcard-actions",
    "star-action",
    "Allow *",
    "dev",
    "module.network.aws_iam_role_policy.flow_logs",
    "WriteThisLogGroup",
    lambda s: s.update(Action=["*"]),
)
statement_twin(
    "iam-only.no-wildcard-actions",
    "key-admin-by-prefix",
    "Allow kms:Get*",
    "staging",
    "module.network.module.flow_logs_key.aws_kms_key.this",
    "KeyAdministrationByAccount",
    lambda s: s.update(Action=[*s["Action"], "kms:Get*"]),
)
statement_twin(
    "iam-only.resource-star-allow-list",
    "s3-on-star",
    "not in the allow-list",
    "prod",
    'module.compute.aws_iam_role_policy.this["ai"]',
    "WriteAiLogs",
    lambda s: s.update(Resource="*"),
)
statement_twin(
    "iam-only.resource-star-allow-list",
    "star-in-queue-policy",
    "in a resource policy",
    "staging",
    "module.messaging.aws_sqs_queue_policy.tasks",
    "ConsumerReceivesTasks",
    lambda s: s.update(Resource="*"),
)
after_twin(
    "iam-only.apigw-permission-scoped-to-api",
    "source-arn-wildcard-api",
    "source_arn",
    "prod",
    "module.api.aws_lambda_permission.api",
    source_arn="arn:aws:execute-api:us-east-1:333333333333:*/*/*",
)


@mutation_twin("iam-only.apigw-permission-scoped-to-api", "source-arn-from-variable", "execution_arn", "dev")
def _(plan):
    config_resource(plan, "module.api.aws_lambda_permission.api")["expressions"]["source_arn"] = {
        "references": ["var.account_id"]
    }


after_twin(
    "iam-only.apigw-permission-scoped-to-api",
    "foreign-source-account",
    "source_account",
    "staging",
    "module.api.aws_lambda_permission.authorizer",
    source_account="999999999999",
)
statement_twin(
    "iam-only.bedrock-named-models",
    "any-model",
    "not a named model ARN",
    "prod",
    'module.compute.aws_iam_role_policy.this["ai"]',
    "InvokeApprovedFoundationModels",
    lambda s: s.update(Resource=["arn:aws:bedrock:us-east-1::foundation-model/*"]),
)

# ---- encryption & exposure
plan_twin(
    "encryption.s3-public-access-blocked",
    "files-bucket-without-block",
    "no aws_s3_bucket_public_access_block",
    "prod",
    lambda p: drop(p, lambda rc: rc["address"] == "module.storage.aws_s3_bucket_public_access_block.files"),
)
after_twin(
    "encryption.s3-public-access-blocked",
    "public-policy-allowed",
    "block_public_policy",
    "dev",
    "module.storage.aws_s3_bucket_public_access_block.web",
    block_public_policy=False,
)


def _strip_tls_deny(doc):
    doc["Statement"] = [s for s in doc["Statement"] if s.get("Sid") != "DenyInsecureTransport"]


plan_twin(
    "encryption.s3-tls-only",
    "files-policy-without-tls-deny",
    "aws:SecureTransport",
    "staging",
    lambda p: set_policy(p, "module.storage.aws_s3_bucket_policy.files", _strip_tls_deny),
)


@mutation_twin("encryption.s3-sse-kms-for-sensitive-data", "files-bucket-sse-s3", "not SSE-KMS", "prod")
def _(plan):
    after = change(plan, "module.storage.aws_s3_bucket_server_side_encryption_configuration.files")["after"]
    after["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] = "AES256"


after_twin(
    "encryption.sqs-encrypted",
    "plain-queue",
    "neither SQS-managed SSE",
    "prod",
    "module.messaging.aws_sqs_queue.tasks",
    sqs_managed_sse_enabled=False,
)


@mutation_twin(
    "encryption.log-groups-encrypted", "log-group-without-kms", "log group without a KMS key", "dev"
)
def _(plan):
    config_resource(plan, "module.api.aws_cloudwatch_log_group.access")["expressions"].pop("kms_key_id")


after_twin(
    "encryption.rds-encrypted",
    "rds-unencrypted",
    "storage not encrypted",
    "staging",
    "module.data.aws_db_instance.this",
    storage_encrypted=False,
)


@mutation_twin(
    "encryption.secrets-encrypted", "secret-on-aws-managed-key", "without a customer managed", "prod"
)
def _(plan):
    config_resource(plan, "module.secrets.aws_secretsmanager_secret.this")["expressions"].pop("kms_key_id")
    set_after(plan, 'module.secrets.aws_secretsmanager_secret.this["api-signing-key"]', kms_key_id=None)


@mutation_twin("encryption.sns-encrypted", "plain-alarm-topic", "SNS topic without a KMS key", "staging")
def _(plan):
    config_resource(plan, "module.observability.aws_sns_topic.alarms")["expressions"].pop("kms_master_key_id")
    set_after(plan, "module.observability.aws_sns_topic.alarms", kms_master_key_id=None)


after_twin(
    "encryption.kms-keys-rotate",
    "rds-key-not-rotating",
    "enable_key_rotation is not true",
    "dev",
    "module.data.module.rds_key.aws_kms_key.this",
    enable_key_rotation=False,
)


@mutation_twin(
    "encryption.cloudfront-s3-only-via-oac",
    "s3-origin-without-oac",
    "without an origin access control",
    "prod",
)
def _(plan):
    for origin in config_resource(plan, "module.edge.aws_cloudfront_distribution.this")["expressions"][
        "origin"
    ]:
        origin.pop("origin_access_control_id", None)


after_twin(
    "encryption.cloudfront-s3-only-via-oac",
    "oac-never-signs",
    "signing_behavior",
    "dev",
    "module.edge.aws_cloudfront_origin_access_control.web",
    signing_behavior="never",
)


@mutation_twin(
    "encryption.https-only-viewers", "allow-all-viewers", "viewer_protocol_policy 'allow-all'", "prod"
)
def _(plan):
    after = change(plan, "module.edge.aws_cloudfront_distribution.this")["after"]
    after["default_cache_behavior"][0]["viewer_protocol_policy"] = "allow-all"


# ---- environment isolation
after_twin(
    "isolation.names-prefixed-per-env",
    "unprefixed-bucket",
    "lacks smartstack-prod",
    "prod",
    "module.storage.aws_s3_bucket.files",
    bucket="smartstack-files-333333333333",
)
swapped_twin(
    "isolation.names-prefixed-per-env",
    "staging-plan-applied-as-prod",
    "lacks smartstack-prod",
    "prod",
    plan_of="staging",
)


@tree_twin(
    "isolation.backend-and-account-guard", "staging-shares-prod-state-key", "shared with prod", "staging"
)
def _(root):
    versions = root / "envs" / "staging" / "versions.tf"
    versions.write_text(versions.read_text().replace("smartstack/staging/", "smartstack/prod/"))


plan_twin(
    "isolation.backend-and-account-guard",
    "provider-without-account-guard",
    "allowed_account_ids",
    "dev",
    lambda p: p["configuration"]["provider_config"]["aws"]["expressions"].pop("allowed_account_ids"),
)


@mutation_twin(
    "isolation.no-cross-env-references", "prod-reads-staging-parameters", "refers to staging", "prod"
)
def _(plan):
    after = change(plan, 'module.compute.aws_lambda_function.this["api"]')["after"]
    after["environment"][0]["variables"]["PARAMETER_PATH"] = "/smartstack/staging/"


@mutation_twin(
    "isolation.no-cross-env-references", "module-from-another-env", "reaches another environment", "prod"
)
def _(plan):
    plan["configuration"]["root_module"]["module_calls"]["dns"]["source"] = "../../envs/staging/dns"


@mutation_twin(
    "isolation.no-cross-env-references", "module-from-outside-modules", "resolves outside modules/", "prod"
)
def _(plan):
    plan["configuration"]["root_module"]["module_calls"]["dns"]["source"] = "git::https://example.com/dns.git"


after_twin(
    "isolation.prod-deletion-protection",
    "prod-rds-unprotected",
    "deletion_protection",
    "prod",
    "module.data.aws_db_instance.this",
    deletion_protection=False,
    skip_final_snapshot=True,
)


@tree_twin(
    "isolation.prod-prevent-destroy",
    "rds-without-prevent-destroy",
    "aws_db_instance.this: no prevent_destroy",
    "prod",
)
def _(root):
    main = root / "modules" / "data" / "main.tf"
    main.write_text(main.read_text().replace("prevent_destroy = true", "prevent_destroy = false"))


# ---- what a plan can show
@mutation_twin(
    "plan-visibility.unknown-policies-reviewed",
    "new-unknown-queue-policy",
    "not in the reviewed list",
    "prod",
)
def _(plan):
    rc = change(plan, "module.messaging.aws_sqs_queue_policy.tasks")
    rc["after"].pop("policy")
    rc["after_unknown"]["policy"] = True


@mutation_twin(
    "plan-visibility.unknown-policies-reviewed",
    "web-policy-fed-by-db",
    "beyond the reviewed feeders",
    "staging",
)
def _(plan):
    call = plan["configuration"]["root_module"]["module_calls"]["storage"]
    call["expressions"]["cloudfront_distribution_arn"]["references"].append("module.data.db_resource_id")


after_twin(
    "plan-visibility.unknown-policies-reviewed",
    "reviewed-policy-now-known",
    "now known or gone",
    "dev",
    "module.storage.aws_s3_bucket_policy.web",
    policy=json.dumps({"Statement": []}),
)


@pytest.mark.parametrize("twin_case", TWINS, ids=lambda t: t.id)
def test_broken_twin_fails(twin_case: Twin, env_raw_plans, plan_root, tmp_path) -> None:
    ctx = twin_case.build(env_raw_plans, plan_root, tmp_path)
    result = policy.evaluate(ctx, [twin_case.rule_id])[0]
    assert result.error is None, result.error
    assert not result.passed, f"{twin_case.rule_id} passed on a broken input ({twin_case.name})"
    assert any(twin_case.expect in v for v in result.violations), result.violations


def test_every_rule_has_a_broken_twin() -> None:
    assert set(RULE_IDS) - {t.rule_id for t in TWINS} == set()


def test_twin_inputs_are_copies(env_raw_plans, env_results) -> None:
    """Twins mutate deep copies: the environment plans still pass every rule afterwards."""
    for env, plan in env_raw_plans.items():
        fresh = policy.evaluate(policy.context_for_env(env, json.loads(json.dumps(plan))))
        assert [r.rule.id for r in fresh if not r.passed] == []


# ---------------------------------------------------------------------- contracts
def _acl_rule(plan: dict, address: str, name: str) -> dict:
    return next(r for r in change(plan, address)["after"]["rule"] if r["name"] == name)


def _enforce_crs_body_limit(address: str) -> Callable[[dict], None]:
    def mutate(plan: dict) -> None:
        group = _acl_rule(plan, address, "AWSManagedRulesCommonRuleSet")["statement"][0]
        group["managed_rule_group_statement"][0]["rule_action_override"] = []

    return mutate


plan_twin(
    "contract.edge-admits-api-requests",
    "api-acl-enforces-crs-8k-body",
    "SizeRestrictions_BODY blocks a body over 8192 bytes",
    "prod",
    _enforce_crs_body_limit("module.api.aws_wafv2_web_acl.api[0]"),
)
plan_twin(
    "contract.edge-admits-api-requests",
    "cdn-acl-enforces-crs-8k-body",
    "SizeRestrictions_BODY blocks a body over 8192 bytes",
    "staging",
    _enforce_crs_body_limit("module.edge.aws_wafv2_web_acl.cdn"),
)


def _size_rule(size: int, oversize: str = "CONTINUE") -> dict:
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


plan_twin(
    "contract.edge-admits-api-requests",
    "body-size-rule-below-api-limit",
    "rule body-size blocks a body over 4096 bytes",
    "dev",
    lambda p: change(p, "module.api.aws_wafv2_web_acl.api[0]")["after"]["rule"].append(_size_rule(4096)),
)
plan_twin(
    "contract.edge-admits-api-requests",
    "oversize-match-beyond-inspection-limit",
    "inspection limit (oversize_handling MATCH)",
    "dev",
    lambda p: change(p, "module.api.aws_wafv2_web_acl.api[0]")["after"]["rule"].append(
        _size_rule(10**6, "MATCH")
    ),
)


@twin("contract.edge-admits-api-requests", "api-paths-grow-past-crs-uri-limit", "SizeRestrictions_URIPATH")
def _(raw, plan_root, tmp_path):
    """The code's side: attachment names 2,000 characters long make paths longer than CRS admits."""
    limits = REPO / "functions" / "api" / "smartstack_api" / "limits.py"
    copy = tmp_path / "functions" / "api" / "smartstack_api" / "limits.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(limits.read_text().replace("ATTACHMENT_NAME_MAX = 128", "ATTACHMENT_NAME_MAX = 2_000"))
    return context("prod", copy_plan(raw["prod"]), repo=tmp_path)


plan_twin(
    "contract.api-errors-reach-clients",
    "spa-404-page-for-every-behaviour",
    "rewrites the API behaviour(s) ['/api/*']",
    "staging",
    lambda p: set_after(
        p,
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
)


after_twin(
    "contract.packages-match-architecture",
    "architecture-changed-without-repackaging",
    "holds aarch64 builds",
    "staging",
    'module.compute.aws_lambda_function.this["api"]',
    architectures=["x86_64"],
)
after_twin(
    "contract.packages-match-architecture",
    "package-never-built",
    "is not built (make package)",
    "dev",
    'module.compute.aws_lambda_function.this["ai"]',
    filename="../../build/functions/arm64/missing.zip",
)


@tree_twin(
    "contract.replacements-can-coexist",
    "subnet-group-replaced-before-destroy",
    "aws_db_subnet_group.this: create_before_destroy with a fixed name",
    "staging",
)
def _(root):
    main = root / "modules" / "data" / "main.tf"
    text = main.read_text()
    start = text.index('resource "aws_db_subnet_group" "this" {')
    end = text.index("\n}\n", start)
    main.write_text(text[:end] + "\n  lifecycle {\n    create_before_destroy = true\n  }" + text[end:])


@mutation_twin(
    "contract.replacements-can-coexist",
    "fixed-name-in-the-plan-configuration",
    "aws_db_parameter_group.this: create_before_destroy with a fixed name",
    "dev",
)
def _(plan):
    resource = config_resource(plan, "module.data.aws_db_parameter_group.this")
    resource["expressions"]["name"] = resource["expressions"].pop("name_prefix")


@mutation_twin(
    "contract.packages-match-architecture",
    "ca-bundle-named-but-not-packaged",
    "DB_CA_BUNDLE=/var/task/certs/global-bundle.pem is not in api.zip",
    "prod",
)
def _(plan):
    after = change(plan, 'module.compute.aws_lambda_function.this["api"]')["after"]
    after["environment"][0]["variables"]["DB_CA_BUNDLE"] = "/var/task/certs/global-bundle.pem"


# ---- time budget of the queue consumer
_QUEUE, _ESM = (
    "module.messaging.aws_sqs_queue.tasks",
    "module.messaging.aws_lambda_event_source_mapping.tasks",
)
_WORKER = 'module.compute.aws_lambda_function.this["worker"]'

after_twin("contract.time-budget-chain", "visibility-below-6x", "visibility 300 s < 6 x", "dev", _QUEUE,
           visibility_timeout_seconds=300)  # fmt: skip
after_twin("contract.time-budget-chain", "batch-of-ten-ai-calls", "a batch of 10 can take", "staging", _ESM,
           batch_size=10)  # fmt: skip
after_twin("contract.time-budget-chain", "message-expires-before-its-receives", "expires messages before",
           "prod", _QUEUE, message_retention_seconds=3600)  # fmt: skip
_NO_RETRY = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:x", "maxReceiveCount": 1})
after_twin("contract.time-budget-chain", "no-retry-before-the-dlq", "is never retried", "dev", _QUEUE,
           redrive_policy=_NO_RETRY)  # fmt: skip


@mutation_twin(
    "contract.time-budget-chain", "consumer-gives-up-on-the-ai-early", "waits AI_TIMEOUT_SECONDS=30", "prod"
)
def _(plan):
    change(plan, _WORKER)["after"]["environment"][0]["variables"]["AI_TIMEOUT_SECONDS"] = "30"


@mutation_twin(
    "contract.time-budget-chain", "queue-outruns-the-reservation", "maximum_concurrency 50 >", "prod"
)
def _(plan):
    change(plan, _ESM)["after"]["scaling_config"][0]["maximum_concurrency"] = 50


@twin("contract.time-budget-chain", "code-retries-more-than-budgeted", "can take")
def _(raw, plan_root, tmp_path):
    """The code's side: five attempts per AWS call push one record past the consumer's timeout."""
    bounds = REPO / "functions" / "shared" / "smartstack_shared" / "call_bounds.py"
    copy = tmp_path / "functions" / "shared" / "smartstack_shared" / "call_bounds.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(
        bounds.read_text().replace("AWS_API = CallBound(attempts=2", "AWS_API = CallBound(attempts=9")
    )
    return context("staging", copy_plan(raw["staging"]), repo=tmp_path)


# ---- network reachability
_ENDPOINT = 'module.network.aws_vpc_endpoint.interface["sqs"]'
after_twin(
    "contract.network-reachability",
    "database-open-to-anywhere",
    "ingress from anywhere",
    "prod",
    "module.data.aws_vpc_security_group_ingress_rule.postgres_from_app",
    cidr_ipv4="0.0.0.0/0",
)
after_twin(
    "contract.network-reachability",
    "functions-egress-to-the-internet",
    "not on the reviewed list",
    "dev",
    'module.compute.aws_vpc_security_group_egress_rule.https["interface-endpoints"]',
    cidr_ipv4="0.0.0.0/0",
)
after_twin(
    "contract.network-reachability",
    "endpoint-without-policy",
    "no endpoint policy",
    "staging",
    _ENDPOINT,
    policy=None,
)
after_twin(
    "contract.network-reachability",
    "endpoint-for-any-account",
    "admits principals outside",
    "prod",
    _ENDPOINT,
    policy=json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
)


@mutation_twin(
    "contract.network-reachability",
    "app-subnets-route-to-a-nat",
    "routes the app subnets to the internet",
    "prod",
)
def _(plan):
    add_resource(
        plan,
        'module.network.aws_route.app_nat["us-east-1b"]',
        "aws_route",
        {"destination_cidr_block": "0.0.0.0/0"},
        module="module.network",
    )
    plan["resource_changes"][-1].update(name="app_nat", index="us-east-1b")


@mutation_twin(
    "contract.network-reachability", "endpoint-in-every-zone", "not chosen from the service's zones", "dev"
)
def _(plan):
    expressions = config_resource(plan, "module.network.aws_vpc_endpoint.interface")["expressions"]
    expressions["subnet_ids"] = {"references": ["aws_subnet.app"]}


# ---- names the code reads
def _variables(plan: dict, function: str) -> dict:
    return change(plan, f'module.compute.aws_lambda_function.this["{function}"]')["after"]["environment"][0][
        "variables"
    ]


plan_twin(
    "contract.names-the-code-reads-exist",
    "setting-the-code-reads-not-set",
    "the code reads AI_TIMEOUT_SECONDS, which is not set",
    "staging",
    lambda p: _variables(p, "worker").pop("AI_TIMEOUT_SECONDS"),
)
plan_twin(
    "contract.names-the-code-reads-exist",
    "setting-nobody-reads",
    "SMARTSTACK_ENV is set but no code of it reads it",
    "dev",
    lambda p: _variables(p, "ai").update(SMARTSTACK_ENV="dev"),
)
plan_twin(
    "contract.names-the-code-reads-exist",
    "parameter-the-code-reads-not-planned",
    "reads parameter /smartstack/prod/api/max-page-size",
    "prod",
    lambda p: drop(p, lambda rc: rc["change"]["after"].get("name") == "/smartstack/prod/api/max-page-size"),
)


@mutation_twin(
    "contract.names-the-code-reads-exist",
    "secret-granted-to-a-role-that-never-reads-it",
    "but granted to",
    "dev",
)
def _(plan):
    def grant(doc: dict) -> None:
        statement = next(s for s in doc["Statement"] if s.get("Sid") == "ReadNamedSecrets")
        statement["Resource"] = [
            *statement["Resource"],
            "arn:aws:secretsmanager:us-east-1:1:secret:smartstack-dev/link-signing-key-??????",
        ]

    set_policy(plan, 'module.compute.aws_iam_role_policy.this["ai"]', grant)


@twin("contract.names-the-code-reads-exist", "code-reads-a-new-setting", "NEW_SETTING, which is not set")
def _(raw, plan_root, tmp_path):
    """The code's side: the AI runtime starts reading a setting Terraform does not pass."""
    import shutil

    shutil.copytree(REPO / "functions", tmp_path / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    runtime = tmp_path / "functions" / "ai" / "smartstack_ai" / "runtime.py"
    runtime.write_text(
        runtime.read_text() + '\n\ndef extra() -> str:\n    return require_env("NEW_SETTING")\n'
    )
    return context("prod", copy_plan(raw["prod"]), repo=tmp_path)
